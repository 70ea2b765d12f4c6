"""Who holds a ticket at its tier: taking one from the queue, handing it over to a colleague.
A change of tier lets go of it (tickets.services.tickets._change_tier)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from fieldservice import roles, texts
from fieldservice.errors import InvalidInput, NotAllowed, TransitionNotAllowed

from .. import locks
from ..models import Ticket, TicketEvent
from .history import record


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _ensure_open(ticket: Ticket) -> None:
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket is not held by anyone.")
            % {"status": ticket.get_status_display()}
        )


@transaction.atomic
def take_ticket(*, ticket: Ticket, by: User) -> Ticket:
    """`by` takes an open ticket nobody holds. Someone else holding it is refused, so two
    people taking it from the queue at once end with one holder; taking one's own is a no-op."""
    if not roles.has_role(by, roles.DISPATCHER):
        raise NotAllowed(_("Only the service desk takes tickets."))
    ticket = locks.lock_ticket(ticket.pk)
    _ensure_open(ticket)
    if ticket.held_by_id == by.pk:
        return ticket
    if ticket.held_by_id is not None:
        holder = User.objects.get(pk=ticket.held_by_id)
        raise TransitionNotAllowed(
            _("%(number)s is held by %(name)s: ask them to hand it over.")
            % {"number": ticket.number, "name": _name(holder)}
        )
    ticket.held_by = by
    ticket.save(update_fields=["held_by", "updated_at"])
    record(ticket=ticket, by=by, kind=TicketEvent.Kind.TAKEN, to_value=_name(by), tier=ticket.tier)
    return ticket


@transaction.atomic
def hand_over(*, ticket: Ticket, to: User, by: User, reason: str = "") -> Ticket:
    """Give an open ticket to another member of the service desk, whoever held it."""
    if not roles.has_role(to, roles.DISPATCHER):
        raise InvalidInput(_("Hand it over to an active member of the service desk."), field="to")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    ticket = locks.lock_ticket(ticket.pk)
    _ensure_open(ticket)
    if ticket.held_by_id == to.pk:
        raise InvalidInput(
            _("%(name)s holds it already.") % {"name": _name(to)},
            field="to",
        )
    previous = User.objects.filter(pk=ticket.held_by_id).first() if ticket.held_by_id else None
    ticket.held_by = to
    ticket.save(update_fields=["held_by", "updated_at"])
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.HANDED_OVER,
        from_value=_name(previous) if previous else "",
        to_value=_name(to),
        reason=reason,
        tier=ticket.tier,
    )
    return ticket
