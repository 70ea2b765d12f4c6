"""Reservations: never more than is free, always the level's `reserved`, consumed by the
visit that fits the part, and the ticket that waits for them."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Sum
from django.utils import timezone

from fieldservice.errors import TransitionNotAllowed
from inventory import selectors, services
from inventory.models import Reservation, StockLevel, StockMove, Supplier
from tests.factories import ErrorCodeFactory, PartFactory, TechnicianFactory, new_visit, open_ticket

from .stock import key, level, put_in, van, warehouse

pytestmark = pytest.mark.django_db
RS = Reservation.Status


def _in_step(location, part) -> None:
    row = StockLevel.objects.get(location=location, part=part)
    held = Reservation.objects.filter(location=location, part=part, status=RS.HELD)
    assert row.reserved == (held.aggregate(s=Sum("quantity"))["s"] or 0)
    assert row.reserved <= max(row.on_hand, 0)


def test_a_reservation_beyond_what_is_free_waits_and_is_held_when_stock_arrives():
    central, part = warehouse(), PartFactory()
    put_in(central, part, 3)
    first = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=2)
    second = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=2)

    assert (first.status, second.status) == (RS.HELD, RS.WAITING)
    assert level(central, part).reserved == 2
    put_in(central, part, 1)
    second.refresh_from_db()
    assert second.status == RS.HELD
    _in_step(central, part)


def test_releasing_gives_the_parts_to_the_next_waiting_ticket_and_twice_is_refused():
    central, part = warehouse(), PartFactory()
    put_in(central, part, 1)
    first = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)
    second = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)

    services.release_reservation(reservation=first)
    with pytest.raises(TransitionNotAllowed):
        services.release_reservation(reservation=first)

    second.refresh_from_db()
    assert second.status == RS.HELD
    _in_step(central, part)


def test_a_transfer_leaves_what_is_reserved_and_a_recount_down_makes_the_latest_wait():
    central, truck, part = warehouse(), van(), PartFactory()
    put_in(central, part, 2)
    older = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)
    newer = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)

    with pytest.raises(Exception, match="free to take"):
        services.move_stock(
            kind=StockMove.Kind.TRANSFER,
            part=part,
            quantity=1,
            key=key(),
            by=None,
            from_location=central,
            to_location=truck,
        )
    services.move_stock(
        kind=StockMove.Kind.ADJUSTMENT,
        part=part,
        quantity=1,
        key=key(),
        by=None,
        from_location=central,
        reason="One was broken",
    )

    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == (RS.HELD, RS.WAITING)
    _in_step(central, part)


def test_consuming_on_the_visit_uses_its_ticket_reservation():
    technician = TechnicianFactory()
    truck, part = van(technician), PartFactory()
    put_in(truck, part, 2)
    visit = new_visit()
    visit.technician = technician
    reservation = services.reserve_part(
        ticket=visit.ticket, part=part, location=truck, quantity=2, visit=visit
    )
    # Only the reserved two are in the van: the visit may take them, a stranger may not.
    with pytest.raises(Exception, match="free to take"):
        services.move_stock(
            kind=StockMove.Kind.TRANSFER,
            part=part,
            quantity=1,
            key=key(),
            by=None,
            from_location=truck,
            to_location=warehouse(),
        )
    services.consume_on_visit(visit=visit, part=part, quantity=1, key=key(), by=None)

    reservation.refresh_from_db()
    assert reservation.quantity == 1
    assert reservation.status == RS.HELD
    assert Reservation.objects.get(status=RS.CONSUMED).quantity == 1
    assert level(truck, part).on_hand == 1
    _in_step(truck, part)


def test_the_expected_parts_of_a_tickets_codes_are_reserved_once():
    central, pump, seal = warehouse(), PartFactory(), PartFactory()
    put_in(central, pump, 5)
    code = ErrorCodeFactory()
    code.parts.set([pump, seal])
    ticket = open_ticket(codes=[code.code])
    assert set(ticket.error_codes.all()) == {code}

    services.reserve_expected_parts(ticket=ticket, location=central)
    services.reserve_expected_parts(ticket=ticket, location=central)

    got = {(r.part, r.status) for r in Reservation.objects.filter(ticket=ticket)}
    assert got == {(pump, RS.HELD), (seal, RS.WAITING)}


def test_a_ticket_waits_for_parts_until_they_are_held_and_shows_when_they_are_due():
    central, part = warehouse(), PartFactory()
    ticket = open_ticket()
    services.reserve_part(ticket=ticket, part=part, location=central, quantity=2)
    due = timezone.localdate() + datetime.timedelta(days=3)
    order = services.order_parts(
        supplier=Supplier.objects.create(name="Ricambi Srl"),
        warehouse=central,
        lines=[(part, 2)],
        expected_on=due,
        by=None,
    )

    assert selectors.parts_status([ticket.pk])[ticket.pk].waiting
    assert selectors.parts_status([ticket.pk])[ticket.pk].due_on == due
    services.receive_order(
        order=order, received={order.lines.get().pk: 2}, key="delivery-1", by=None
    )
    services.receive_order(
        order=order, received={order.lines.get().pk: 2}, key="delivery-1", by=None
    )

    status = selectors.parts_status([ticket.pk])[ticket.pk]
    assert not status.waiting
    assert level(central, part).on_hand == 2
    order.refresh_from_db()
    assert order.status == order.Status.RECEIVED
