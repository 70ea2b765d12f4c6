"""Reservations: parts held at a location for a ticket, and the technician's confirmation at
completion of what was actually taken from the van. `reserved` on a level is always the sum of
its held reservations, set under the level's lock (moves.settle_reservations)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from catalog.models import Part
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tickets.models import Ticket, Visit

from ..models import Reservation, StockLocation, StockMove
from .moves import ZERO, clean_quantity, lock_levels, move_stock, settle_reservations, van_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RS = Reservation.Status
OPEN = (RS.WAITING, RS.HELD)


@transaction.atomic
def reserve_part(
    *,
    ticket: Ticket,
    part: Part,
    location: StockLocation,
    quantity: object,
    visit: Visit | None = None,
) -> Reservation:
    """Hold parts at a location for a ticket: held at once when that much is free there (on
    hand minus the other reservations), else waiting until stock arrives."""
    amount = clean_quantity(part, quantity)
    if visit is not None and visit.ticket_id != ticket.pk:
        raise InvalidInput(_("The visit belongs to another ticket."), field="visit")
    level = lock_levels(part, [location])[location.pk]
    free = max(level.on_hand, ZERO) - level.reserved
    reservation = Reservation.objects.create(
        ticket=ticket,
        visit=visit,
        part=part,
        location=location,
        quantity=amount,
        status=RS.HELD if amount <= free else RS.WAITING,
    )
    settle_reservations(level)
    reservation.refresh_from_db(fields=["status"])
    return reservation


@transaction.atomic
def release_reservation(*, reservation: Reservation) -> Reservation:
    """Give the parts back to the location's free stock (waiting ones elsewhere may take them)."""
    level = lock_levels(reservation.part, [reservation.location])[reservation.location_id]
    reservation = Reservation.objects.select_for_update().get(pk=reservation.pk)
    if reservation.status not in OPEN:
        raise TransitionNotAllowed(
            _("This reservation is %(status)s already.")
            % {"status": reservation.get_status_display().lower()}
        )
    reservation.status = RS.RELEASED
    reservation.save(update_fields=["status"])
    settle_reservations(level)
    return reservation


def expected_parts(ticket: Ticket) -> list[Part]:
    """The parts the ticket's matched error codes say are likely needed, once each."""
    return list(Part.objects.filter(error_codes__tickets=ticket).distinct().order_by("pk"))


@transaction.atomic
def reserve_expected_parts(
    *, ticket: Ticket, location: StockLocation, visit: Visit | None = None
) -> list[Reservation]:
    """One of each part the ticket's error codes name, reserved at the location, skipping
    parts the ticket has open there already (calling it twice reserves nothing more). The
    ticket's row is locked first: a second call at the same instant (two visits ending "needs
    parts", a retried request) waits, then finds this one's reservations."""
    Ticket.objects.select_for_update().filter(pk=ticket.pk).first()
    have = set(
        Reservation.objects.filter(ticket=ticket, location=location, status__in=OPEN).values_list(
            "part_id", flat=True
        )
    )
    return [
        reserve_part(ticket=ticket, part=part, location=location, quantity=1, visit=visit)
        for part in expected_parts(ticket)
        if part.pk not in have
    ]


@transaction.atomic
def confirm_taken(*, visit: Visit, taken: dict[Part, object], by: User | None) -> list[StockMove]:
    """At completion, what the technician says was actually taken from the van for this visit:
    a part taken beyond what its consumptions recorded is consumed, one recorded but not taken
    goes back into the van, and what is still held for the visit there is released. Sent
    again with the same figures it changes nothing (each difference has its key)."""
    van = van_of(visit)
    if van is None:
        raise InvalidInput(_("This technician has no van whose stock is kept."), field="van")
    moves: list[StockMove] = []
    for part, value in sorted(taken.items(), key=lambda item: item[0].pk):
        amount = ZERO if str(value).strip() in ("", "0") else clean_quantity(part, value)
        recorded = _consumed(visit, part, van) - _returned(visit, part, van)
        if amount == recorded:
            continue
        kind = StockMove.Kind.CONSUMPTION if amount > recorded else StockMove.Kind.RETURN
        moves.append(
            move_stock(
                kind=kind,
                part=part,
                quantity=abs(amount - recorded),
                key=f"confirm:{visit.pk}:{part.pk}:{recorded}:{amount}",
                by=by,
                from_location=van if kind == StockMove.Kind.CONSUMPTION else None,
                to_location=van if kind == StockMove.Kind.RETURN else None,
                visit=visit,
                reason=_("Confirmed at completion"),
            )
        )
    for reservation in Reservation.objects.filter(visit=visit, location=van, status__in=OPEN):
        release_reservation(reservation=reservation)
    return moves


def _consumed(visit: Visit, part: Part, van: StockLocation) -> Decimal:
    return (
        StockMove.objects.filter(
            visit=visit, part=part, from_location=van, kind=StockMove.Kind.CONSUMPTION
        ).aggregate(total=Sum("quantity"))["total"]
        or ZERO
    )


def _returned(visit: Visit, part: Part, van: StockLocation) -> Decimal:
    return (
        StockMove.objects.filter(
            visit=visit, part=part, to_location=van, kind=StockMove.Kind.RETURN
        ).aggregate(total=Sum("quantity"))["total"]
        or ZERO
    )
