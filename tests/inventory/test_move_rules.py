"""The stock ledger's rules one by one (inventory/services/moves.py): each refusal with the words
the warehouse sees and the field it names, the places each kind of move takes, serial numbers,
what a move may take from a level, and how reservations follow what is on hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldservice.errors import InvalidInput, NotInStock, SerialElsewhere
from inventory import services
from inventory.models import Reservation, SerialNumber, StockLevel, StockMove
from notifications.models import Notification
from tests.factories import PartFactory, TechnicianFactory, UserFactory, new_visit, open_ticket
from tests.helpers import assign_today

from .stock import key, level, put_in, van, warehouse

pytestmark = pytest.mark.django_db
MK = StockMove.Kind
RS = Reservation.Status


def _move(kind, part, quantity=1, **kwargs):
    kwargs.setdefault("key", key())
    return services.move_stock(kind=kind, part=part, quantity=quantity, by=None, **kwargs)


# The quantity.


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("abc", "The quantity must be a number."),
        ("Infinity", "The quantity must be a number."),
        ("0", "The quantity must be more than zero."),
        ("-1", "The quantity must be more than zero."),
        ("1000000", "The quantity must be below 1,000,000."),
        ("0.0001", "The quantity has at most three decimals."),
    ],
)
def test_a_quantity_out_of_bounds_is_refused_saying_why(quantity, message):
    central, cable = warehouse(), PartFactory(counted=False)

    with pytest.raises(InvalidInput) as refused:
        put_in(central, cable, quantity)

    assert str(refused.value) == message
    assert refused.value.field == "quantity"
    assert not StockMove.objects.exists()


def test_the_bounds_themselves_and_a_decimal_comma_are_taken():
    central, cable = warehouse(), PartFactory(counted=False)

    put_in(central, cable, "999999.999")
    put_in(central, cable, " 0,001 ")

    assert level(central, cable).on_hand == Decimal("1000000.000")


def test_a_quantity_is_refused_naming_the_field_the_caller_gives():
    with pytest.raises(InvalidInput) as refused:
        services.clean_quantity(PartFactory(), "lots", field="taken")
    assert refused.value.field == "taken"


def test_a_counted_part_says_it_moves_in_whole_units_and_one_unit_is_fine():
    central, seal = warehouse(), PartFactory(name="Door seal")

    with pytest.raises(InvalidInput) as refused:
        put_in(central, seal, "1.5")
    put_in(central, seal, "1")

    assert str(refused.value) == "Door seal is counted in whole units: the quantity cannot be 1.5."
    assert level(central, seal).on_hand == 1


def test_a_serial_tracked_part_says_it_moves_one_serial_at_a_time():
    central, board = warehouse(), PartFactory(name="Control board", serial_tracked=True)

    with pytest.raises(InvalidInput) as refused:
        put_in(central, board, 2, serial="SN-1")

    assert (
        str(refused.value)
        == "Control board is tracked by serial number: move one serial at a time."
    )
    assert refused.value.field == "quantity"


# The kind, the key and the places.


def test_an_unknown_kind_of_move_is_refused():
    with pytest.raises(InvalidInput) as refused:
        _move("gift", PartFactory(), to_location=warehouse())
    assert str(refused.value) == "Unknown kind of stock move."
    assert refused.value.field == "kind"


@pytest.mark.parametrize("bad_key", ["", "k" * 101])
def test_a_move_without_its_key_or_with_a_key_too_long_is_refused(bad_key):
    with pytest.raises(InvalidInput) as refused:
        _move(MK.RECEIPT, PartFactory(), key=bad_key, to_location=warehouse())
    assert str(refused.value) == "A stock move needs its key (at most 100 characters)."
    assert refused.value.field == "key"
    assert not StockMove.objects.exists()


def test_a_key_of_one_hundred_characters_is_taken():
    central = warehouse()
    move = _move(MK.RECEIPT, PartFactory(), key="k" * 100, to_location=central)
    assert move.key == "k" * 100


@pytest.mark.parametrize(
    ("kind", "places", "message", "field"),
    [
        (MK.TRANSFER, ("to",), "Say where the part comes from.", "from_location"),
        (MK.CONSUMPTION, (), "Say where the part comes from.", "from_location"),
        (MK.TRANSFER, ("from",), "Say where the part goes.", "to_location"),
        (MK.RECEIPT, (), "Say where the part goes.", "to_location"),
        (MK.RETURN, ("from",), "Say where the part is returned to.", "to_location"),
        (
            MK.ADJUSTMENT,
            ("from", "to"),
            "An adjustment takes from one location or adds to one, not both.",
            "to_location",
        ),
        (
            MK.ADJUSTMENT,
            (),
            "An adjustment takes from one location or adds to one, not both.",
            "to_location",
        ),
    ],
)
def test_each_kind_of_move_asks_for_the_places_it_needs(kind, places, message, field):
    central, truck, part = warehouse(), van(), PartFactory()
    put_in(central, part, 5)
    where = {"from_location": central if "from" in places else None}
    where["to_location"] = truck if "to" in places else None

    with pytest.raises(InvalidInput) as refused:
        _move(kind, part, reason="Counted again", **where)

    assert (str(refused.value), refused.value.field) == (message, field)
    assert level(central, part).on_hand == 5


def test_a_receipt_comes_from_outside_and_a_consumption_goes_into_an_appliance():
    central, truck, part = warehouse(), van(), PartFactory()
    put_in(central, part, 5)

    receipt = _move(MK.RECEIPT, part, 2, from_location=central, to_location=truck)
    fitted = _move(MK.CONSUMPTION, part, 1, from_location=truck, to_location=central)

    assert (receipt.from_location, receipt.to_location) == (None, truck)
    assert (fitted.from_location, fitted.to_location) == (truck, None)
    assert (level(central, part).on_hand, level(truck, part).on_hand) == (5, 1)


def test_a_return_may_say_where_from_and_an_adjustment_may_add_found_stock():
    central, truck, part = warehouse(), van(), PartFactory()
    put_in(central, part, 1)

    back = _move(MK.RETURN, part, 1, from_location=central, to_location=truck)
    found = _move(MK.ADJUSTMENT, part, 2, to_location=central, reason="  Found two  ")

    assert (back.from_location, back.to_location) == (central, truck)
    assert found.reason == "Found two"
    assert (level(central, part).on_hand, level(truck, part).on_hand) == (2, 1)


def test_an_adjustment_with_a_blank_reason_is_refused():
    central, part = warehouse(), PartFactory()
    with pytest.raises(InvalidInput) as refused:
        _move(MK.ADJUSTMENT, part, to_location=central, reason="   ")
    assert str(refused.value) == "Say why the stock is adjusted."


def test_a_move_to_where_the_part_is_already_is_refused():
    central, part = warehouse(), PartFactory()
    put_in(central, part, 2)
    with pytest.raises(InvalidInput) as refused:
        _move(MK.TRANSFER, part, from_location=central, to_location=central)
    assert str(refused.value) == "The part is already there: choose another location."
    assert refused.value.field == "to_location"
    assert level(central, part).on_hand == 2


def test_a_reason_of_250_characters_is_taken_and_one_more_refused():
    central, part = warehouse(), PartFactory()

    taken = _move(MK.RECEIPT, part, to_location=central, reason="r" * 250)
    with pytest.raises(InvalidInput) as refused:
        _move(MK.RECEIPT, part, to_location=central, reason="r" * 251)

    assert taken.reason == "r" * 250
    assert str(refused.value) == "The reason is at most 250 characters."
    assert refused.value.field == "reason"


# Serial numbers.


def test_a_serial_is_asked_for_kept_without_spaces_and_at_most_100_characters():
    central, board = warehouse(), PartFactory(name="Control board", serial_tracked=True)

    with pytest.raises(InvalidInput) as blank:
        put_in(central, board, 1, serial="  ")
    with pytest.raises(InvalidInput) as long:
        put_in(central, board, 1, serial="S" * 101)
    put_in(central, board, 1, serial="S" * 100)
    move = put_in(central, board, 1, serial="  SN-7 ")

    assert str(blank.value) == "Control board is tracked by serial number: give the serial."
    assert blank.value.field == "serial"
    assert str(long.value) == "A serial number is at most 100 characters."
    assert long.value.field == "serial"
    assert move.serial == SerialNumber.objects.get(serial="SN-7")
    assert move.serial.location == central
    assert level(central, board).on_hand == 2


def test_a_serial_tracked_part_moved_without_naming_a_serial_is_refused():
    central, board = warehouse(), PartFactory(name="Control board", serial_tracked=True)

    with pytest.raises(InvalidInput) as refused:
        services.move_stock(
            kind=MK.RECEIPT, part=board, quantity=1, key=key(), by=None, to_location=central
        )

    assert str(refused.value) == "Control board is tracked by serial number: give the serial."
    assert not SerialNumber.objects.exists()
    assert not StockMove.objects.exists()


def test_a_part_without_serials_ignores_a_serial_given():
    central, part = warehouse(), PartFactory()
    move = put_in(central, part, 2, serial="SN-1")
    assert move.serial is None
    assert not SerialNumber.objects.exists()


def test_the_refusals_of_a_serial_say_where_it_is():
    central, truck = warehouse("Central"), van()
    board = PartFactory(serial_tracked=True)
    put_in(central, board, 1, serial="SN-1")

    with pytest.raises(SerialElsewhere) as arrived:
        put_in(truck, board, 1, serial="SN-1")
    with pytest.raises(SerialElsewhere) as elsewhere:
        _move(MK.TRANSFER, board, from_location=truck, to_location=central, serial="SN-1")
    with pytest.raises(SerialElsewhere) as unknown:
        _move(MK.TRANSFER, board, from_location=central, to_location=truck, serial="SN-404")

    assert str(arrived.value) == "Serial SN-1 is already at Central."
    assert str(elsewhere.value) == f"Serial SN-1 is not at {truck} (it is at Central)."
    assert str(unknown.value) == "Serial SN-404 is not at Central."
    assert {e.value.field for e in (arrived, elsewhere, unknown)} == {"serial"}


def test_a_serial_fitted_in_an_appliance_may_come_back_and_is_the_same_unit():
    truck, board = van(), PartFactory(serial_tracked=True)
    put_in(truck, board, 1, serial="SN-1")
    _move(MK.CONSUMPTION, board, from_location=truck, serial="SN-1")
    unit = SerialNumber.objects.get()
    assert unit.location is None

    with pytest.raises(SerialElsewhere) as fitted:
        _move(MK.CONSUMPTION, board, from_location=truck, serial="SN-1")
    back = _move(MK.RETURN, board, to_location=truck, serial="SN-1")

    assert str(fitted.value) == f"Serial SN-1 is not at {truck}."
    assert back.serial == unit
    assert SerialNumber.objects.get().location == truck
    assert level(truck, board).on_hand == 1


# What a move may take.


def test_a_transfer_may_take_exactly_what_nobody_holds():
    central, truck, part = warehouse(), van(), PartFactory()
    put_in(central, part, 3)
    services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)

    _move(MK.TRANSFER, part, 2, from_location=central, to_location=truck)

    assert (level(central, part).on_hand, level(central, part).reserved) == (1, 1)
    assert level(truck, part).on_hand == 2


def test_a_refusal_says_how_much_is_free_to_take():
    central, truck, part = warehouse("Central"), van(), PartFactory(name="Door seal")
    put_in(central, part, "3")
    services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)

    with pytest.raises(NotInStock) as refused:
        _move(MK.TRANSFER, part, "3.000", from_location=central, to_location=truck)

    assert str(refused.value) == "Central has 2 of Door seal free to take, not 3."
    assert refused.value.field == "quantity"


def test_a_part_below_zero_is_not_transferred_and_shows_none_free():
    truck, central, glue = van(), warehouse(), PartFactory(name="Glue", allow_negative_stock=True)
    _move(MK.CONSUMPTION, glue, 2, from_location=truck)

    with pytest.raises(NotInStock) as refused:
        _move(MK.TRANSFER, glue, 1, from_location=truck, to_location=central)

    assert str(refused.value) == f"{truck} has 0 of Glue free to take, not 1."
    assert level(truck, glue).on_hand == -2


def test_a_consumption_beyond_the_van_is_refused_and_leaves_the_visits_reservation_held():
    tech = TechnicianFactory()
    truck, pump = van(tech), PartFactory(name="Drain pump")
    put_in(truck, pump, 1)
    visit = assign_today(new_visit(), tech)
    held = services.reserve_part(
        ticket=visit.ticket, part=pump, location=truck, quantity=1, visit=visit
    )

    with pytest.raises(NotInStock) as refused:
        _move(MK.CONSUMPTION, pump, 2, from_location=truck, visit=visit)

    assert "not 2" in str(refused.value)
    held.refresh_from_db()
    assert (held.status, held.quantity) == (RS.HELD, 1)
    assert (level(truck, pump).on_hand, level(truck, pump).reserved) == (1, 1)


def test_a_part_held_for_another_ticket_may_be_fitted_and_that_ticket_waits_again():
    truck, pump = van(), PartFactory()
    put_in(truck, pump, 2)
    other = services.reserve_part(ticket=open_ticket(), part=pump, location=truck, quantity=2)

    fitted = _move(MK.CONSUMPTION, pump, 2, from_location=truck)

    other.refresh_from_db()
    assert fitted.shortfall == 0
    assert other.status == RS.WAITING
    assert (level(truck, pump).on_hand, level(truck, pump).reserved) == (0, 0)


def test_a_part_allowed_below_zero_held_for_another_ticket_is_fitted_without_a_shortfall():
    UserFactory(role="dispatcher", email="office@example.com")
    truck, glue = van(), PartFactory(allow_negative_stock=True)
    put_in(truck, glue, 5)
    other = services.reserve_part(ticket=open_ticket(), part=glue, location=truck, quantity=5)

    fitted = _move(MK.CONSUMPTION, glue, 2, from_location=truck)

    other.refresh_from_db()
    assert fitted.shortfall == 0
    assert not Notification.objects.filter(kind=Notification.Kind.STOCK_SHORT).exists()
    assert other.status == RS.WAITING
    assert level(truck, glue).on_hand == 3


def test_an_adjustment_down_records_the_count_whatever_is_held_and_a_shortfall_below_zero():
    central, part, glue = warehouse(), PartFactory(), PartFactory(allow_negative_stock=True)
    put_in(central, part, 2)
    put_in(central, glue, 1)
    services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=2)

    _move(MK.ADJUSTMENT, part, 2, from_location=central, reason="Both broken")
    short = _move(MK.ADJUSTMENT, glue, 3, from_location=central, reason="Spilt")
    with pytest.raises(NotInStock):
        _move(MK.ADJUSTMENT, part, 1, from_location=central, reason="Again")

    assert (level(central, part).on_hand, level(central, part).reserved) == (0, 0)
    assert short.shortfall == 2
    assert level(central, glue).on_hand == -2


# Reservations following what is on hand.


def test_stock_counted_down_makes_the_latest_reservations_wait_until_the_rest_fit():
    central, part = warehouse(), PartFactory()
    put_in(central, part, 3)
    first, second, third = (
        services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=1)
        for _ in range(3)
    )

    _move(MK.ADJUSTMENT, part, 2, from_location=central, reason="Two broken")

    statuses = [Reservation.objects.get(pk=r.pk).status for r in (first, second, third)]
    assert statuses == [RS.HELD, RS.WAITING, RS.WAITING]
    assert level(central, part).reserved == 1


def test_stock_arriving_holds_the_oldest_waiting_reservations_that_fit():
    central, part = warehouse(), PartFactory()
    waiting = [
        services.reserve_part(ticket=open_ticket(), part=part, location=central, quantity=q)
        for q in (1, 3, 1, 1)
    ]

    put_in(central, part, 2)

    statuses = [Reservation.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [RS.HELD, RS.WAITING, RS.HELD, RS.WAITING]
    assert level(central, part).reserved == 2


def test_fitting_on_a_visit_consumes_its_tickets_reservations_oldest_first_and_no_more():
    tech = TechnicianFactory()
    truck, pump = van(tech), PartFactory()
    put_in(truck, pump, 10)
    visit = assign_today(new_visit(), tech)
    first, second, third = (
        services.reserve_part(ticket=visit.ticket, part=pump, location=truck, quantity=q)
        for q in (2, 3, 1)
    )

    services.consume_on_visit(visit=visit, part=pump, quantity=3, key=key(), by=None)

    rows = sorted(
        Reservation.objects.values_list("status", "quantity"), key=lambda row: (row[0], row[1])
    )
    assert rows == [(RS.CONSUMED, 1), (RS.CONSUMED, 2), (RS.HELD, 1), (RS.HELD, 2)]
    assert Reservation.objects.get(pk=first.pk).status == RS.CONSUMED
    assert Reservation.objects.get(pk=second.pk).quantity == 2
    assert Reservation.objects.get(pk=third.pk).status == RS.HELD
    assert (level(truck, pump).on_hand, level(truck, pump).reserved) == (7, 3)


def test_fitting_part_of_a_reservation_leaves_the_rest_held():
    tech = TechnicianFactory()
    truck, pump = van(tech), PartFactory()
    put_in(truck, pump, 3)
    visit = assign_today(new_visit(), tech)
    held = services.reserve_part(
        ticket=visit.ticket, part=pump, location=truck, quantity=3, visit=visit
    )

    services.consume_on_visit(visit=visit, part=pump, quantity=1, key=key(), by=None)

    held.refresh_from_db()
    assert (held.status, held.quantity) == (RS.HELD, 2)
    consumed = Reservation.objects.get(status=RS.CONSUMED)
    assert (consumed.quantity, consumed.visit, consumed.ticket) == (1, visit, visit.ticket)
    assert (level(truck, pump).on_hand, level(truck, pump).reserved) == (2, 2)


def test_a_transfer_for_a_visit_does_not_consume_its_reservations():
    tech = TechnicianFactory()
    truck, central, pump = van(tech), warehouse(), PartFactory()
    put_in(truck, pump, 3)
    visit = assign_today(new_visit(), tech)
    held = services.reserve_part(ticket=visit.ticket, part=pump, location=truck, quantity=1)

    _move(MK.TRANSFER, pump, 2, from_location=truck, to_location=central, visit=visit)

    held.refresh_from_db()
    assert held.status == RS.HELD
    assert level(truck, pump).reserved == 1


# The van of a visit.


def test_a_visit_uses_its_technicians_active_van_and_none_without_one():
    tech = TechnicianFactory()
    truck, pump = van(tech), PartFactory()
    put_in(truck, pump, 1)
    truck.is_active = False
    truck.save()
    visit = assign_today(new_visit(), tech)

    assert services.van_of(new_visit()) is None
    assert services.van_of(visit) is None
    assert services.consume_on_visit(visit=visit, part=pump, quantity=1, key=key(), by=None) is None
    truck.is_active = True
    truck.save()
    move = services.consume_on_visit(visit=visit, part=pump, quantity=1, key=key(), by=None)

    assert services.van_of(visit) == truck
    assert (move.from_location, move.visit) == (truck, visit)
    assert StockLevel.objects.get(location=truck, part=pump).on_hand == 0
