"""The rules of reservations one by one (inventory/services/reservations.py): a visit of the
ticket only, the refusal to release twice, the expected parts once each, and the confirmation
at completion of what was taken from the van."""

from __future__ import annotations

import re

import pytest

from fieldservice.errors import InvalidInput, TransitionNotAllowed
from inventory import services
from inventory.models import Reservation, StockMove
from tests.factories import ErrorCodeFactory, PartFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today

from .stock import level, put_in, van, warehouse

pytestmark = pytest.mark.django_db
RS = Reservation.Status
MK = StockMove.Kind


def test_a_reservation_for_a_visit_of_another_ticket_is_refused():
    central, part = warehouse(), PartFactory()
    with pytest.raises(InvalidInput) as refused:
        services.reserve_part(
            ticket=open_ticket(), part=part, location=central, quantity=1, visit=new_visit()
        )
    assert refused.value.field == "visit"
    assert str(refused.value) == "The visit belongs to another ticket."
    assert not Reservation.objects.exists()


def test_exactly_what_is_free_is_held_and_counted_reserved():
    central, part = warehouse(), PartFactory()
    put_in(central, part, 3)
    visit = new_visit()
    held = services.reserve_part(
        ticket=visit.ticket, part=part, location=central, quantity="3", visit=visit
    )
    assert held.status == RS.HELD
    assert held.visit == visit
    assert level(central, part).reserved == 3


def test_releasing_twice_says_the_reservation_is_released_already():
    central, part = warehouse(), PartFactory()
    put_in(central, part, 2)
    reservation = services.reserve_part(
        ticket=open_ticket(), part=part, location=central, quantity=2
    )
    released = services.release_reservation(reservation=reservation)

    assert released.status == RS.RELEASED
    assert Reservation.objects.get().status == RS.RELEASED
    assert level(central, part).reserved == 0
    with pytest.raises(TransitionNotAllowed) as refused:
        services.release_reservation(reservation=reservation)
    assert str(refused.value) == "This reservation is released already."


def test_a_waiting_reservation_may_be_released_too():
    central, part = warehouse(), PartFactory()
    waiting = services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)
    assert waiting.status == RS.WAITING

    assert services.release_reservation(reservation=waiting).status == RS.RELEASED


def test_the_expected_parts_are_each_named_once_in_the_order_they_were_made():
    pump, seal, other = PartFactory(), PartFactory(), PartFactory()
    leak, noise = ErrorCodeFactory(), ErrorCodeFactory()
    leak.parts.set([seal, pump])
    noise.parts.set([pump])
    ErrorCodeFactory().parts.set([other])
    ticket = open_ticket(codes=[leak.code, noise.code])

    assert services.expected_parts(ticket) == [pump, seal]


def test_the_expected_parts_skip_only_those_open_at_that_location():
    central, elsewhere = warehouse(), warehouse("North")
    pump, seal, filter_ = PartFactory(), PartFactory(), PartFactory()
    code = ErrorCodeFactory()
    code.parts.set([pump, seal, filter_])
    ticket = open_ticket(codes=[code.code])
    visit = new_visit(ticket)
    put_in(central, pump, 1)
    services.reserve_part(ticket=ticket, part=pump, location=central, quantity=1)  # held
    services.reserve_part(ticket=ticket, part=seal, location=central, quantity=1)  # waiting
    gone = services.reserve_part(ticket=ticket, part=filter_, location=central, quantity=1)
    services.release_reservation(reservation=gone)
    services.reserve_part(ticket=ticket, part=pump, location=elsewhere, quantity=1)

    made = services.reserve_expected_parts(ticket=ticket, location=central, visit=visit)

    assert [(r.part, r.quantity, r.visit, r.location) for r in made] == [
        (filter_, 1, visit, central)
    ]
    assert services.reserve_expected_parts(ticket=ticket, location=central) == []


def keyed(move: StockMove, visit, part, recorded: str, taken: str) -> bool:
    """The move's key names the visit, the part and both figures (a replay has the same)."""
    figure = r"{}(\.0+)?"
    pattern = rf"confirm:{visit.pk}:{part.pk}:{figure.format(recorded)}:{figure.format(taken)}"
    return re.fullmatch(pattern, move.key) is not None


@pytest.fixture
def tech():
    return TechnicianFactory()


@pytest.fixture
def visit(tech):
    return assign_today(new_visit(), tech)


def test_confirming_needs_a_van_whose_stock_is_kept(visit):
    with pytest.raises(InvalidInput) as refused:
        services.confirm_taken(visit=visit, taken={PartFactory(): 1}, by=None)
    assert refused.value.field == "van"
    assert str(refused.value) == "This technician has no van whose stock is kept."


def test_taking_more_than_recorded_consumes_the_difference_once(tech, visit):
    truck, pump = van(tech), PartFactory()
    put_in(truck, pump, 5)
    services.consume_on_visit(visit=visit, part=pump, quantity=1, key="phone-1", by=None)

    moves = services.confirm_taken(visit=visit, taken={pump: "3"}, by=tech.user)
    again = services.confirm_taken(visit=visit, taken={pump: "3"}, by=tech.user)

    assert [(m.kind, m.quantity, m.from_location, m.to_location) for m in moves] == [
        (MK.CONSUMPTION, 2, truck, None)
    ]
    assert keyed(moves[0], visit, pump, "1", "3")
    assert moves[0].reason == "Confirmed at completion"
    assert moves[0].by == tech.user
    assert moves[0].visit == visit
    assert again == []
    assert level(truck, pump).on_hand == 2


@pytest.mark.parametrize("nothing", ["", " ", "0", 0])
def test_nothing_taken_returns_all_that_was_recorded(tech, visit, nothing):
    truck, pump, seal = van(tech), PartFactory(), PartFactory()
    put_in(truck, pump, 5)
    put_in(truck, seal, 5)
    services.consume_on_visit(visit=visit, part=seal, quantity=2, key="phone-1", by=None)
    services.consume_on_visit(visit=visit, part=pump, quantity=2, key="phone-2", by=None)

    moves = services.confirm_taken(visit=visit, taken={seal: nothing, pump: nothing}, by=None)

    assert [(m.part, m.kind, m.quantity, m.from_location, m.to_location) for m in moves] == [
        (pump, MK.RETURN, 2, None, truck),
        (seal, MK.RETURN, 2, None, truck),
    ]
    assert keyed(moves[0], visit, pump, "2", "0")
    assert (level(truck, pump).on_hand, level(truck, seal).on_hand) == (5, 5)


def test_a_part_returned_once_counts_as_back_in_the_van(tech, visit):
    truck, pump = van(tech), PartFactory()
    put_in(truck, pump, 5)
    services.consume_on_visit(visit=visit, part=pump, quantity=3, key="phone-1", by=None)
    services.confirm_taken(visit=visit, taken={pump: 1}, by=None)  # two back

    moves = services.confirm_taken(visit=visit, taken={pump: 2}, by=None)  # one more taken

    assert [(m.kind, m.quantity) for m in moves] == [(MK.CONSUMPTION, 1)]
    assert keyed(moves[0], visit, pump, "1", "2")
    assert level(truck, pump).on_hand == 3


def test_confirming_releases_only_what_the_visit_holds_in_the_van(tech, visit):
    truck, central, pump = van(tech), warehouse(), PartFactory()
    put_in(truck, pump, 5)
    put_in(central, pump, 5)
    mine = services.reserve_part(
        ticket=visit.ticket, part=pump, location=truck, quantity=1, visit=visit
    )
    at_the_warehouse = services.reserve_part(
        ticket=visit.ticket, part=pump, location=central, quantity=1, visit=visit
    )
    other_visit = services.reserve_part(ticket=open_ticket(), part=pump, location=truck, quantity=1)

    assert services.confirm_taken(visit=visit, taken={}, by=None) == []

    statuses = {r.pk: r.status for r in Reservation.objects.all()}
    assert statuses == {
        mine.pk: RS.RELEASED,
        at_the_warehouse.pk: RS.HELD,
        other_visit.pk: RS.HELD,
    }


@pytest.mark.django_db(transaction=True)
def test_each_service_locks_in_its_own_transaction_when_called_outside_one(tech):
    # Outside a transaction a level's row lock (select_for_update) is refused: each service
    # opens its own.
    central, truck, part = warehouse(), van(tech), PartFactory()
    put_in(central, part, 2)
    reservation = services.reserve_part(
        ticket=open_ticket(), part=part, location=central, quantity=1
    )
    assert services.release_reservation(reservation=reservation).status == RS.RELEASED
    code = ErrorCodeFactory()
    code.parts.set([part])
    assert (
        len(
            services.reserve_expected_parts(ticket=open_ticket(codes=[code.code]), location=central)
        )
        == 1
    )
    visit = assign_today(new_visit(), tech)
    put_in(truck, part, 1)
    assert len(services.confirm_taken(visit=visit, taken={part: 1}, by=None)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_refused_for_one_part_records_nothing_for_the_others(tech):
    truck, pump, seal = van(tech), PartFactory(), PartFactory()
    put_in(truck, pump, 5)
    put_in(truck, seal, 5)
    visit = assign_today(new_visit(), tech)

    with pytest.raises(InvalidInput):
        services.confirm_taken(visit=visit, taken={pump: 1, seal: "lots"}, by=None)

    assert not StockMove.objects.filter(visit=visit).exists()
    assert level(truck, pump).on_hand == 5


def test_a_part_taken_as_recorded_does_not_stop_the_next_from_being_confirmed(tech, visit):
    truck, pump, seal = van(tech), PartFactory(), PartFactory()
    put_in(truck, pump, 5)
    put_in(truck, seal, 5)
    services.consume_on_visit(visit=visit, part=pump, quantity=1, key="phone-1", by=None)

    moves = services.confirm_taken(visit=visit, taken={pump: 1, seal: 2}, by=None)

    assert [(m.part, m.kind, m.quantity) for m in moves] == [(seal, MK.CONSUMPTION, 2)]
