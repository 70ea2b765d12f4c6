"""Every write to stock: moves (the ledger and its levels), reservations, purchase orders."""

from .moves import clean_quantity, consume_on_visit, move_stock, van_of
from .orders import order_parts, receive_order
from .reservations import (
    confirm_taken,
    expected_parts,
    release_reservation,
    reserve_expected_parts,
    reserve_part,
)

__all__ = [
    "clean_quantity",
    "confirm_taken",
    "consume_on_visit",
    "expected_parts",
    "move_stock",
    "order_parts",
    "receive_order",
    "release_reservation",
    "reserve_expected_parts",
    "reserve_part",
    "van_of",
]
