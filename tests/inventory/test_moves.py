"""Stock moves: the ledger and the level rows it keeps, and the refusals that change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fieldservice.errors import InvalidInput, NotInStock, SerialElsewhere
from inventory import selectors, services
from inventory.models import SerialNumber, StockLevel, StockMove
from tests.factories import PartFactory

from .stock import key, level, put_in, van, warehouse

pytestmark = pytest.mark.django_db
MK = StockMove.Kind


def test_a_receipt_and_a_transfer_keep_each_place_level_equal_to_its_ledger():
    central, truck, part = warehouse(), van(), PartFactory()

    put_in(central, part, 10)
    services.move_stock(
        kind=MK.TRANSFER,
        part=part,
        quantity=4,
        key=key(),
        by=None,
        from_location=central,
        to_location=truck,
    )

    assert level(central, part).on_hand == 6
    assert level(truck, part).on_hand == 4
    assert StockMove.objects.count() == 2


def test_the_same_key_twice_moves_once():
    central, part = warehouse(), PartFactory()

    first = services.move_stock(
        kind=MK.RECEIPT, part=part, quantity=3, key="delivery-1", by=None, to_location=central
    )
    again = services.move_stock(
        kind=MK.RECEIPT, part=part, quantity=3, key="delivery-1", by=None, to_location=central
    )

    assert again.pk == first.pk
    assert level(central, part).on_hand == 3


def test_moving_a_part_from_a_place_that_has_none_is_refused_and_changes_nothing():
    central, truck, part = warehouse(), van(), PartFactory(name="Door seal")

    with pytest.raises(NotInStock) as refused:
        services.move_stock(
            kind=MK.TRANSFER,
            part=part,
            quantity=1,
            key=key(),
            by=None,
            from_location=central,
            to_location=truck,
        )

    assert "Door seal" in refused.value.message
    assert refused.value.field == "quantity"
    assert not StockMove.objects.exists()
    assert not StockLevel.objects.exclude(on_hand=0).exists()


@pytest.mark.parametrize("quantity", ["1.5", "-2", "0", "abc", "NaN"])
def test_a_counted_part_refuses_a_fractional_or_negative_quantity_naming_the_field(quantity):
    central, part = warehouse(), PartFactory(counted=True)

    with pytest.raises(InvalidInput) as refused:
        put_in(central, part, quantity)

    assert refused.value.field == "quantity"
    assert not StockMove.objects.exists()


def test_a_measured_part_moves_in_decimals():
    central, cable = warehouse(), PartFactory(counted=False, name="Cable")

    put_in(central, cable, "2.5")

    assert level(central, cable).on_hand == Decimal("2.5")


def test_an_adjustment_needs_its_reason_and_is_a_new_move_dated_now():
    central, part = warehouse(), PartFactory()
    receipt = put_in(central, part, 5)

    with pytest.raises(InvalidInput) as refused:
        services.move_stock(
            kind=MK.ADJUSTMENT, part=part, quantity=1, key=key(), by=None, from_location=central
        )
    assert refused.value.field == "reason"
    fix = services.move_stock(
        kind=MK.ADJUSTMENT,
        part=part,
        quantity=1,
        key=key(),
        by=None,
        from_location=central,
        reason="Counted 4 on the shelf",
    )

    assert fix.at >= receipt.at
    assert level(central, part).on_hand == 4
    receipt.refresh_from_db()
    assert receipt.quantity == 5  # the past stays as it was


def test_a_move_is_never_edited_nor_deleted():
    central, part = warehouse(), PartFactory()
    receipt = put_in(central, part, 5)

    receipt.quantity = 7
    with pytest.raises(ValueError, match="never edited"):
        receipt.save()
    with pytest.raises(ValueError, match="never deleted"):
        receipt.delete()


def test_a_serial_is_in_one_place_at_a_time_and_its_history_shows_where_it_went():
    central, truck = warehouse(), van()
    board = PartFactory(serial_tracked=True, name="Control board")
    put_in(central, board, 1, serial="SN-1")
    services.move_stock(
        kind=MK.TRANSFER,
        part=board,
        quantity=1,
        key=key(),
        by=None,
        from_location=central,
        to_location=truck,
        serial="SN-1",
    )

    with pytest.raises(SerialElsewhere) as again:
        put_in(central, board, 1, serial="SN-1")
    assert again.value.field == "serial"
    assert "SN-1" in again.value.message
    with pytest.raises(SerialElsewhere) as wrong_place:
        services.move_stock(
            kind=MK.TRANSFER,
            part=board,
            quantity=1,
            key=key(),
            by=None,
            from_location=central,
            to_location=truck,
            serial="SN-1",
        )
    assert str(truck) in wrong_place.value.message

    unit = SerialNumber.objects.get(serial="SN-1")
    assert unit.location == truck
    history = list(selectors.serial_history(unit))
    assert [(m.from_location, m.to_location) for m in history] == [
        (None, central),
        (central, truck),
    ]
    assert level(central, board).on_hand == 0
    assert level(truck, board).on_hand == 1


def test_a_serial_tracked_part_needs_its_serial_and_moves_one_at_a_time():
    central, board = warehouse(), PartFactory(serial_tracked=True)

    with pytest.raises(InvalidInput) as no_serial:
        put_in(central, board, 1)
    with pytest.raises(InvalidInput) as two:
        put_in(central, board, 2, serial="SN-9")

    assert no_serial.value.field == "serial"
    assert two.value.field == "quantity"
    assert not SerialNumber.objects.exists()


def test_a_part_allowed_below_zero_is_consumed_and_its_shortfall_flagged():
    truck, glue = van(), PartFactory(allow_negative_stock=True, name="Glue")
    put_in(truck, glue, 1)

    move = services.move_stock(
        kind=MK.CONSUMPTION, part=glue, quantity=3, key=key(), by=None, from_location=truck
    )

    assert move.shortfall == 2
    assert level(truck, glue).on_hand == -2
    assert list(selectors.shortfalls()) == [move]
