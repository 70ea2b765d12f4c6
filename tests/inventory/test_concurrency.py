"""Twenty technicians' phones (or one phone's retries) taking the last five units at the same
instant, each on its own PostgreSQL connection: exactly five are applied. And the expected parts
of tickets reserved at once: two tickets racing for the last unit, and one ticket's reservation
sent twice (two visits ending "needs parts", a retried request)."""

from __future__ import annotations

import pytest
from django.db import connection

from fieldservice.errors import NotInStock
from inventory import services
from inventory.models import Reservation, StockLevel, StockMove
from tests.factories import ErrorCodeFactory, PartFactory, open_ticket
from tests.helpers import race, two_copies_at_once

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


def test_two_tickets_reserving_their_expected_parts_at_once_get_the_last_unit_once():
    truck, pump = van(), PartFactory()
    put_in(truck, pump, 1)
    code = ErrorCodeFactory()
    code.parts.set([pump])
    tickets = [open_ticket(codes=[code.code]) for _ in range(2)]

    results = race(
        [lambda t=t: services.reserve_expected_parts(ticket=t, location=truck) for t in tickets]
    )

    assert [len(r) for r in results] == [1, 1], results
    assert sorted(r[0].status for r in results) == ["held", "waiting"]
    assert {r[0].ticket for r in results} == set(tickets)
    assert StockLevel.objects.get(location=truck, part=pump).reserved == 1


def test_one_tickets_expected_parts_reserved_twice_at_once_are_reserved_once():
    truck, pump, seal = van(), PartFactory(), PartFactory()
    put_in(truck, pump, 2)
    code = ErrorCodeFactory()
    code.parts.set([pump, seal])
    ticket = open_ticket(codes=[code.code])

    first, second, errors, waited = two_copies_at_once(
        lambda: services.reserve_expected_parts(ticket=ticket, location=truck)
    )

    assert errors == []
    assert waited
    assert sorted((r.part.pk, r.status) for r in first) == [(pump.pk, "held"), (seal.pk, "waiting")]
    assert second == []
    reservations = Reservation.objects.filter(ticket=ticket)
    assert sorted(reservations.values_list("part", "status")) == [
        (pump.pk, "held"),
        (seal.pk, "waiting"),
    ]
    assert StockLevel.objects.get(location=truck, part=pump).reserved == 1
