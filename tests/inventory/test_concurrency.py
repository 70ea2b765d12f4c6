"""Twenty technicians' phones (or one phone's retries) taking the last five units at the same
instant, each on its own PostgreSQL connection: exactly five are applied."""

from __future__ import annotations

import pytest
from django.db import connection

from fieldservice.errors import NotInStock
from inventory import services
from inventory.models import StockLevel, StockMove
from tests.factories import PartFactory, open_ticket
from tests.helpers import race

from .stock import put_in, van

pytestmark = pytest.mark.django_db(transaction=True)


def _consume(truck, part, n):
    return lambda: services.move_stock(
        kind=StockMove.Kind.CONSUMPTION,
        part=part,
        quantity=1,
        key=f"race-{n}",
        by=None,
        from_location=truck,
    )


def test_twenty_consumptions_of_the_last_five_apply_five_and_refuse_fifteen():
    assert connection.vendor == "postgresql"
    truck, part = van(), PartFactory()
    put_in(truck, part, 5)

    results = race([_consume(truck, part, n) for n in range(20)])

    applied = [r for r in results if isinstance(r, StockMove)]
    refused = [r for r in results if isinstance(r, NotInStock)]
    assert (len(applied), len(refused)) == (5, 15)
    assert StockLevel.objects.get(location=truck, part=part).on_hand == 0
    assert StockMove.objects.filter(kind=StockMove.Kind.CONSUMPTION).count() == 5


def test_twenty_at_once_of_a_part_allowed_below_zero_flag_fifteen_and_count_right():
    truck, part = van(), PartFactory(allow_negative_stock=True)
    put_in(truck, part, 5)

    results = race([_consume(truck, part, n) for n in range(20)])

    moves = [r for r in results if isinstance(r, StockMove)]
    assert len(moves) == 20
    assert sorted(m.shortfall for m in moves) == [0] * 5 + [1] * 15
    assert StockLevel.objects.get(location=truck, part=part).on_hand == -15


def test_copies_of_one_move_at_once_apply_it_once():
    truck, part = van(), PartFactory()
    put_in(truck, part, 5)

    results = race([_consume(truck, part, 1) for _ in range(5)])

    assert all(isinstance(r, StockMove) for r in results)
    assert len({r.pk for r in results}) == 1
    assert StockLevel.objects.get(location=truck, part=part).on_hand == 4


def test_ten_reservations_at_once_of_five_in_stock_hold_five_and_the_rest_wait():
    truck, part = van(), PartFactory()
    put_in(truck, part, 5)
    tickets = [open_ticket() for _ in range(10)]

    results = race(
        [
            lambda t=t: services.reserve_part(ticket=t, part=part, location=truck, quantity=1)
            for t in tickets
        ]
    )

    statuses = sorted(r.status for r in results)
    assert statuses == ["held"] * 5 + ["waiting"] * 5
    assert StockLevel.objects.get(location=truck, part=part).reserved == 5
