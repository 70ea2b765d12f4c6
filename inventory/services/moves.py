"""Stock moves: the one way a quantity changes. Each move locks the level rows it touches (in
primary-key order), checks the stock and the serial, writes its ledger line and the levels in
one transaction, and keeps the reservations at those levels in step with what is on hand."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Part
from fieldservice.errors import InvalidInput, NotInStock, SerialElsewhere
from tickets.models import Visit

from .. import events
from ..models import ReorderPoint, Reservation, SerialNumber, StockLevel, StockLocation, StockMove

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MK = StockMove.Kind
RS = Reservation.Status
QUANTITY_LIMIT = Decimal("1000000")
ZERO = Decimal(0)


def clean_quantity(part: Part, value: object, *, field: str = "quantity") -> Decimal:
    """The quantity as a Decimal, or a refusal naming the field: positive, whole for a part
    counted in units, exactly one for a serial-tracked part."""
    try:
        quantity = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("The quantity must be a number."), field=field) from exc
    if not quantity.is_finite():
        raise InvalidInput(_("The quantity must be a number."), field=field)
    if quantity <= 0:
        raise InvalidInput(_("The quantity must be more than zero."), field=field)
    if quantity >= QUANTITY_LIMIT:
        raise InvalidInput(_("The quantity must be below 1,000,000."), field=field)
    if quantity != quantity.quantize(Decimal("0.001")):
        raise InvalidInput(_("The quantity has at most three decimals."), field=field)
    if part.counted and quantity != quantity.to_integral_value():
        raise InvalidInput(
            _("%(part)s is counted in whole units: the quantity cannot be %(q)s.")
            % {"part": part.name, "q": value},
            field=field,
        )
    if part.serial_tracked and quantity != 1:
        raise InvalidInput(
            _("%(part)s is tracked by serial number: move one serial at a time.")
            % {"part": part.name},
            field=field,
        )
    return quantity


def lock_levels(part: Part, locations: list[StockLocation]) -> dict[int, StockLevel]:
    """The part's level rows at these locations, created if missing, locked in primary-key
    order so that two moves between the same places never wait on each other. Caller is
    inside transaction.atomic()."""
    ids = sorted({loc.pk for loc in locations})
    StockLevel.objects.bulk_create(
        [StockLevel(part=part, location_id=pk) for pk in ids], ignore_conflicts=True
    )
    rows = StockLevel.objects.select_for_update().filter(part=part, location_id__in=ids)
    return {level.location_id: level for level in rows.order_by("pk")}


def settle_reservations(level: StockLevel) -> None:
    """Make the held reservations fit what is on hand, then set `reserved` to their sum: the
    latest held ones wait again when stock went below them, the oldest waiting ones are held
    when stock came in. The caller holds the level's lock."""
    on_hand = max(level.on_hand, ZERO)
    held = list(
        Reservation.objects.filter(
            part_id=level.part_id, location_id=level.location_id, status=RS.HELD
        ).order_by("-created_at", "-pk")
    )
    total = sum((r.quantity for r in held), ZERO)
    for reservation in held:
        if total <= on_hand:
            break
        reservation.status = RS.WAITING
        reservation.save(update_fields=["status"])
        total -= reservation.quantity
    for reservation in Reservation.objects.filter(
        part_id=level.part_id, location_id=level.location_id, status=RS.WAITING
    ).order_by("created_at", "pk"):
        if total + reservation.quantity <= on_hand:
            reservation.status = RS.HELD
            reservation.save(update_fields=["status"])
            total += reservation.quantity
    level.reserved = total
    level.save(update_fields=["on_hand", "reserved"])


def _places(
    kind: str, source: StockLocation | None, dest: StockLocation | None, reason: str
) -> tuple[StockLocation | None, StockLocation | None]:
    """The move's from and to, as its kind takes them (a receipt comes from outside, a
    consumption goes into an appliance), or a refusal naming the field."""
    needs: dict[str, tuple[bool, bool]] = {
        MK.RECEIPT: (False, True),
        MK.CONSUMPTION: (True, False),
        MK.TRANSFER: (True, True),
    }
    if kind in needs:
        want_from, want_to = needs[kind]
        if want_from and source is None:
            raise InvalidInput(_("Say where the part comes from."), field="from_location")
        if want_to and dest is None:
            raise InvalidInput(_("Say where the part goes."), field="to_location")
        source, dest = (source if want_from else None), (dest if want_to else None)
    if kind == MK.ADJUSTMENT:
        if (source is None) == (dest is None):
            raise InvalidInput(
                _("An adjustment takes from one location or adds to one, not both."),
                field="to_location",
            )
        if not reason.strip():
            raise InvalidInput(_("Say why the stock is adjusted."), field="reason")
    if kind == MK.RETURN and dest is None:
        raise InvalidInput(_("Say where the part is returned to."), field="to_location")
    if source is not None and dest is not None and source.pk == dest.pk:
        raise InvalidInput(
            _("The part is already there: choose another location."), field="to_location"
        )
    if len(reason) > 250:
        raise InvalidInput(_("The reason is at most 250 characters."), field="reason")
    return source, dest


def _serial_for(
    part: Part, serial: str, kind: str, source: StockLocation | None
) -> SerialNumber | None:
    if not part.serial_tracked:
        return None
    serial = serial.strip()
    if not serial:
        raise InvalidInput(
            _("%(part)s is tracked by serial number: give the serial.") % {"part": part.name},
            field="serial",
        )
    if len(serial) > 100:
        raise InvalidInput(_("A serial number is at most 100 characters."), field="serial")
    found = SerialNumber.objects.select_for_update().filter(part=part, serial=serial).first()
    if source is None:
        # Coming in from outside (a receipt, a return from a customer, a count found more).
        if found is not None and found.location_id is not None:
            raise SerialElsewhere(
                _("Serial %(serial)s is already at %(where)s.")
                % {"serial": serial, "where": found.location},
                field="serial",
            )
        return found or SerialNumber.objects.create(part=part, serial=serial)
    if found is None or found.location_id != source.pk:
        where = found.location if found is not None and found.location else None
        raise SerialElsewhere(
            _("Serial %(serial)s is not at %(source)s (it is at %(where)s).")
            % {"serial": serial, "source": source, "where": where or _("no location")}
            if where
            else _("Serial %(serial)s is not at %(source)s.")
            % {"serial": serial, "source": source},
            field="serial",
        )
    return found


def _take(level: StockLevel, part: Part, quantity: Decimal, kind: str) -> Decimal:
    """Take `quantity` off the level, or refuse; returns the shortfall of a part allowed below
    zero. A transfer leaves what is reserved for tickets. A consumption may take all that is on
    hand: a part held for another ticket and fitted here sends that reservation back to waiting
    (settle_reservations) rather than refusing the fitter. An adjustment records what was
    counted, whatever is reserved."""
    free = level.on_hand - level.reserved if kind == MK.TRANSFER else level.on_hand
    if quantity <= free:
        level.on_hand -= quantity
        return ZERO
    if not part.allow_negative_stock or kind == MK.TRANSFER:
        raise NotInStock(
            _("%(location)s has %(free)s of %(part)s free to take, not %(quantity)s.")
            % {
                "location": level.location,
                "free": _number(max(free, ZERO)),
                "part": part.name,
                "quantity": _number(quantity),
            },
            field="quantity",
        )
    shortfall = quantity - max(level.on_hand, ZERO)
    level.on_hand -= quantity
    return shortfall


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@transaction.atomic
def move_stock(
    *,
    kind: str,
    part: Part,
    quantity: object,
    key: str,
    by: User | None,
    from_location: StockLocation | None = None,
    to_location: StockLocation | None = None,
    visit: Visit | None = None,
    reason: str = "",
    serial: str = "",
) -> StockMove:
    """Record one move and apply it to the levels, or refuse naming the field at fault and
    change nothing. A second call with the same `key` returns the first move unchanged."""
    if kind not in MK.values:
        raise InvalidInput(_("Unknown kind of stock move."), field="kind")
    if not key or len(key) > 100:
        raise InvalidInput(_("A stock move needs its key (at most 100 characters)."), field="key")
    amount = clean_quantity(part, quantity)
    from_location, to_location = _places(kind, from_location, to_location, reason)
    places = [loc for loc in (from_location, to_location) if loc is not None]
    levels = lock_levels(part, places)
    # Under the level locks: a copy of this move arriving at once waits above, then finds it.
    if (found := StockMove.objects.filter(key=key).first()) is not None:
        return found
    unit = _serial_for(part, serial, kind, from_location)
    if kind == MK.CONSUMPTION and visit is not None and from_location is not None:
        consume_reservations(visit=visit, part=part, location=from_location, quantity=amount)
    shortfall = before = ZERO
    if from_location is not None:
        source = levels[from_location.pk]
        source.location = from_location
        before = source.on_hand
        shortfall = _take(source, part, amount, kind)
        settle_reservations(source)
    if to_location is not None:
        dest = levels[to_location.pk]
        dest.on_hand += amount
        settle_reservations(dest)
    if unit is not None:
        unit.location = to_location
        unit.save(update_fields=["location"])
    move = StockMove.objects.create(
        kind=kind,
        part=part,
        from_location=from_location,
        to_location=to_location,
        quantity=amount,
        shortfall=shortfall,
        serial=unit,
        visit=visit,
        reason=reason.strip(),
        by=by,
        key=key,
    )
    if shortfall:
        events.stock_short.send(sender=StockMove, move=move)
    if from_location is not None:
        _alert_if_low(levels[from_location.pk], before=before)
    return move


def consume_reservations(
    *, visit: Visit, part: Part, location: StockLocation, quantity: Decimal
) -> None:
    """Mark the visit's ticket's held reservations of the part at the location consumed, up to
    `quantity`, oldest first. The caller holds the level's lock (and settles the level after)."""
    covered = ZERO
    held = Reservation.objects.filter(
        ticket_id=visit.ticket_id, part=part, location=location, status=RS.HELD
    ).order_by("created_at", "pk")
    for reservation in held:
        if covered >= quantity:
            break
        take = min(reservation.quantity, quantity - covered)
        if take < reservation.quantity:
            # Part of it is fitted: the rest stays held, the fitted part is a consumed record.
            Reservation.objects.create(
                ticket_id=reservation.ticket_id,
                visit=visit,
                part=part,
                location=location,
                quantity=take,
                status=RS.CONSUMED,
            )
            reservation.quantity -= take
            reservation.save(update_fields=["quantity"])
        else:
            reservation.status = RS.CONSUMED
            reservation.save(update_fields=["status"])
        covered += take


def _alert_if_low(level: StockLevel, *, before: Decimal) -> None:
    """Tell the office once, when a move takes the level below its reorder point (not again
    on each move while it stays below)."""
    point = ReorderPoint.objects.filter(
        part_id=level.part_id, location_id=level.location_id
    ).first()
    if point is not None and level.on_hand < point.minimum <= before:
        events.stock_low.send(sender=StockLevel, level=level, point=point)


def van_of(visit: Visit) -> StockLocation | None:
    """The van of the visit's technician, when stock is kept for it."""
    if visit.technician_id is None:
        return None
    return StockLocation.objects.filter(
        technician_id=visit.technician_id, kind=StockLocation.Kind.VAN, is_active=True
    ).first()


def consume_on_visit(
    *, visit: Visit, part: Part, quantity: object, key: str, by: User | None
) -> StockMove | None:
    """A part fitted on a visit leaves its technician's van (None when the technician has no
    van whose stock is kept). `key` comes from the phone's record: a replay is a no-op."""
    van = van_of(visit)
    if van is None:
        return None
    return move_stock(
        kind=MK.CONSUMPTION,
        part=part,
        quantity=quantity,
        key=key,
        by=by,
        from_location=van,
        visit=visit,
    )
