"""Purchase orders to suppliers and their receipt into a warehouse (receipt moves)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Part
from fieldservice.errors import InvalidInput, TransitionNotAllowed

from ..models import PurchaseOrder, PurchaseOrderLine, StockLocation, StockMove, Supplier
from .moves import ZERO, clean_quantity, move_stock

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PS = PurchaseOrder.Status


@transaction.atomic
def order_parts(
    *,
    supplier: Supplier,
    warehouse: StockLocation,
    lines: list[tuple[Part, object]],
    expected_on: datetime.date | None,
    by: User | None,
) -> PurchaseOrder:
    """Order parts from a supplier for a warehouse; each part once."""
    if warehouse.kind != StockLocation.Kind.WAREHOUSE:
        raise InvalidInput(_("Parts are ordered into a warehouse, not a van."), field="warehouse")
    if not lines:
        raise InvalidInput(_("Add at least one part to the order."), field="lines")
    if len({part.pk for part, _q in lines}) != len(lines):
        raise InvalidInput(_("Each part appears once on an order."), field="lines")
    cleaned = [(part, clean_quantity(part, quantity)) for part, quantity in lines]
    order = PurchaseOrder.objects.create(
        supplier=supplier, warehouse=warehouse, expected_on=expected_on, created_by=by
    )
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(order=order, part=part, quantity=quantity) for part, quantity in cleaned
    )
    return order


@transaction.atomic
def receive_order(
    *, order: PurchaseOrder, received: dict[int, object], key: str, by: User | None
) -> list[StockMove]:
    """What arrived of an order (line id -> quantity) goes into its warehouse as receipt moves.
    `key` names this delivery: the same delivery sent twice is received once."""
    if not key or len(key) > 60:
        raise InvalidInput(_("The delivery needs its key (at most 60 characters)."), field="key")
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    done = list(
        StockMove.objects.filter(
            key__startswith=f"po:{order.pk}:{key}:", to_location=order.warehouse
        )
    )
    if done:
        return done  # this delivery was received already: a form sent twice
    if order.status in (PS.RECEIVED, PS.CANCELLED):
        raise TransitionNotAllowed(
            _("This order is %(status)s.") % {"status": order.get_status_display().lower()}
        )
    lines = {line.pk: line for line in order.lines.select_related("part")}
    moves: list[StockMove] = []
    for line_id, value in received.items():
        line = lines.get(line_id)
        if line is None:
            raise InvalidInput(_("That line is not on this order."), field="lines")
        if str(value).strip() in ("", "0"):
            continue
        field = f"line_{line_id}"
        quantity = clean_quantity(line.part, value, field=field)
        move_key = f"po:{order.pk}:{key}:{line.pk}"
        if quantity > line.outstanding:
            raise InvalidInput(
                _("Only %(n)s of %(part)s are still to come on this order.")
                % {"n": f"{line.outstanding.normalize():f}", "part": line.part.name},
                field=field,
            )
        moves.append(
            move_stock(
                kind=StockMove.Kind.RECEIPT,
                part=line.part,
                quantity=quantity,
                key=move_key,
                by=by,
                to_location=order.warehouse,
                reason=str(order),
            )
        )
        line.received += quantity
        line.save(update_fields=["received"])
    if all(line.outstanding <= ZERO for line in lines.values()):
        order.status = PS.RECEIVED
    elif any(line.received > 0 for line in lines.values()):
        order.status = PS.PARTIAL
    order.save(update_fields=["status"])
    return moves
