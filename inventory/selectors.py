"""Reads of stock that pages, the phone and benchmarks share. Quantities come from the level
rows the moves keep, never from summing the ledger."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Min, QuerySet

from catalog.models import Part
from fieldservice.roles import DISPATCHER, has_role

from .models import (
    PurchaseOrder,
    PurchaseOrderLine,
    ReorderPoint,
    Reservation,
    SerialNumber,
    StockLevel,
    StockLocation,
    StockMove,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

RS = Reservation.Status
ZERO = Decimal(0)


def locations_for(user: User | AnonymousUser | None) -> QuerySet[StockLocation]:
    """All locations for the office; a technician's own van only; nothing for others."""
    qs = StockLocation.objects.select_related("technician__user", "restocked_from")
    if has_role(user, DISPATCHER):
        return qs
    technician = getattr(user, "technician", None)
    if technician is not None:
        return qs.filter(technician=technician)
    return qs.none()


def levels_at(location_ids: list[int]) -> QuerySet[StockLevel]:
    """The stock at these locations, part by part (rows that never held anything excluded)."""
    return (
        StockLevel.objects.filter(location_id__in=location_ids)
        .exclude(on_hand=0, reserved=0)
        .select_related("part", "location")
        .order_by("location_id", "part__sku")
    )


def moves(
    *, location: StockLocation | None = None, part_id: int | None = None
) -> QuerySet[StockMove]:
    """The ledger, newest first."""
    qs = StockMove.objects.select_related(
        "part", "from_location", "to_location", "serial", "visit__ticket", "by"
    )
    if location is not None:
        qs = qs.filter(from_location=location) | qs.filter(to_location=location)
    if part_id is not None:
        qs = qs.filter(part_id=part_id)
    return qs.order_by("-at", "-pk")


def shortfalls() -> QuerySet[StockMove]:
    """Consumptions that took parts the van did not have (parts allowed below zero): the
    warehouse checks them."""
    return moves().filter(shortfall__gt=0)


def serial_history(serial: SerialNumber) -> QuerySet[StockMove]:
    """Where a serial went, oldest first."""
    return serial.moves.select_related("from_location", "to_location", "visit__ticket").order_by(
        "at", "pk"
    )


@dataclass(frozen=True)
class PartsStatus:
    """Whether a ticket waits for reserved parts, and when an order says they are due."""

    waiting: bool
    due_on: datetime.date | None


def parts_status(ticket_ids: list[int]) -> dict[int, PartsStatus]:
    """For each ticket with open reservations: waiting while any is not yet held at its
    location, due when the latest of the orders bringing them is expected. Two queries."""
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    held: set[int] = set()
    for ticket_id, part_id, location_id, status in Reservation.objects.filter(
        ticket_id__in=ticket_ids, status__in=(RS.WAITING, RS.HELD)
    ).values_list("ticket_id", "part_id", "location_id", "status"):
        if status == RS.WAITING:
            found[ticket_id].append((part_id, location_id))
        else:
            held.add(ticket_id)
    wanted = {pair for pairs in found.values() for pair in pairs}
    due: dict[tuple[int, int], datetime.date] = {}
    if wanted:
        rows = (
            PurchaseOrderLine.objects.filter(
                part_id__in={p for p, _l in wanted},
                order__warehouse_id__in={loc for _p, loc in wanted},
                order__status__in=(PurchaseOrder.Status.ORDERED, PurchaseOrder.Status.PARTIAL),
                order__expected_on__isnull=False,
            )
            .values_list("part_id", "order__warehouse_id")
            .annotate(first=Min("order__expected_on"))
        )
        due = {(part_id, loc): first for part_id, loc, first in rows}
    answer = {ticket_id: PartsStatus(waiting=False, due_on=None) for ticket_id in held}
    for ticket_id, pairs in found.items():
        dates = [due.get(pair) for pair in pairs]
        answer[ticket_id] = PartsStatus(
            waiting=True, due_on=None if None in dates else max(d for d in dates if d)
        )
    return answer


@dataclass(frozen=True)
class RestockLine:
    part_id: int
    sku: str
    name: str
    on_hand: Decimal
    target: Decimal
    needed: Decimal


def restock_lists(location_ids: list[int]) -> dict[int, list[RestockLine]]:
    """Each van's restock list for the evening: parts below their reorder point filled up to
    its target, plus what reservations there still wait for. Three queries, whatever the
    number of vans."""
    levels = {
        (row["location_id"], row["part_id"]): row["on_hand"] - row["reserved"]
        for row in StockLevel.objects.filter(location_id__in=location_ids).values(
            "location_id", "part_id", "on_hand", "reserved"
        )
    }
    waiting: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for loc, part_id, quantity in Reservation.objects.filter(
        location_id__in=location_ids, status=RS.WAITING
    ).values_list("location_id", "part_id", "quantity"):
        waiting[(loc, part_id)] += quantity
    lists: dict[int, list[RestockLine]] = {pk: [] for pk in location_ids}
    points = ReorderPoint.objects.filter(location_id__in=location_ids).values_list(
        "location_id", "part_id", "part__sku", "part__name", "minimum", "target"
    )
    seen: set[tuple[int, int]] = set()
    for loc, part_id, sku, name, minimum, target in points.order_by("location_id", "part__sku"):
        free = levels.get((loc, part_id), ZERO)
        extra = waiting.get((loc, part_id), ZERO)
        seen.add((loc, part_id))
        if free >= minimum and not extra:
            continue
        needed = max(target - free, ZERO) + extra
        if needed > 0:
            lists[loc].append(RestockLine(part_id, sku, name, free, target, needed))
    missing = [key for key in waiting if key not in seen]
    if missing:
        names = {
            pk: (sku, name)
            for pk, sku, name in Part.objects.filter(pk__in={p for _l, p in missing}).values_list(
                "pk", "sku", "name"
            )
        }
        for loc, part_id in sorted(missing):
            sku, name = names[part_id]
            free = levels.get((loc, part_id), ZERO)
            lists[loc].append(RestockLine(part_id, sku, name, free, ZERO, waiting[(loc, part_id)]))
    return lists
