"""Shared set-ups of the stock tests: a warehouse, a technician's van, stock put in."""

from __future__ import annotations

import itertools

from inventory import services
from inventory.models import StockLocation, StockMove
from tests.factories import TechnicianFactory

_keys = itertools.count(1)


def key() -> str:
    return f"test-{next(_keys)}"


def warehouse(name: str = "Central warehouse") -> StockLocation:
    return StockLocation.objects.create(name=name, kind=StockLocation.Kind.WAREHOUSE)


def van(technician=None, *, home: StockLocation | None = None) -> StockLocation:
    technician = technician or TechnicianFactory()
    return StockLocation.objects.create(
        name=f"Van {technician.user.username}",
        kind=StockLocation.Kind.VAN,
        technician=technician,
        restocked_from=home,
    )


def put_in(location: StockLocation, part, quantity, serial: str = "") -> StockMove:
    return services.move_stock(
        kind=StockMove.Kind.RECEIPT,
        part=part,
        quantity=quantity,
        key=key(),
        by=None,
        to_location=location,
        serial=serial,
    )


def level(location: StockLocation, part):
    return location.levels.get(part=part)
