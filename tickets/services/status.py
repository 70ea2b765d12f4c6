"""Status changes under the state machines: a ticket's (pausing and resuming its SLA clock) and a
visit's (bumping its version). Callers hold the row locks; both record and send the event."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fieldservice.errors import TransitionNotAllowed

from .. import events
from ..models import Ticket, TicketEvent, Visit
from ..sla import calendar_for, resumed_due
from ..transitions import REMOTE_FIX_FROM, ticket_can, visit_can
from .crew import sync_bookings
from .history import record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TS = Ticket.Status
VS = Visit.Status


def set_ticket_status(
    *,
    ticket: Ticket,
    to: str,
    by: User | None,
    reason: str = "",
    now: datetime.datetime,
    remote_fix: bool = False,
) -> None:
    """Change a ticket's status, pausing or resuming its SLA clock as needed. `remote_fix`
    also allows the step to resolved of a ticket solved on the phone (REMOTE_FIX_FROM).

    The caller holds the ticket's row lock (tickets.locks.lock_ticket) inside a transaction.
    """
    phone_fix = remote_fix and to == TS.RESOLVED and ticket.status in REMOTE_FIX_FROM
    if not (phone_fix or ticket_can(ticket.status, to)):
        raise TransitionNotAllowed(
            _("A ticket cannot go from %(current)s to %(requested)s.")
            % {"current": ticket.get_status_display(), "requested": TS(to).label}
        )
    previous = ticket.status
    if to in Ticket.PAUSED_STATUSES and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
        record(ticket=ticket, by=by, kind=TicketEvent.Kind.SLA, to_value="paused", reason=reason)
    elif to not in Ticket.PAUSED_STATUSES and ticket.sla_paused_at is not None:
        old_due = ticket.sla_due_at
        calendar = calendar_for(ticket.contract)
        ticket.sla_due_at = resumed_due(
            due=old_due, paused_at=ticket.sla_paused_at, resumed_at=now, calendar=calendar
        )
        if ticket.responded_at is None:
            ticket.response_due_at = resumed_due(
                due=ticket.response_due_at,
                paused_at=ticket.sla_paused_at,
                resumed_at=now,
                calendar=calendar,
            )
        ticket.sla_paused_at = None
        record(
            ticket=ticket,
            by=by,
            kind=TicketEvent.Kind.SLA,
            from_value=old_due.isoformat(),
            to_value=ticket.sla_due_at.isoformat(),
            reason=_("resumed"),
        )
    if to == TS.RESOLVED:
        ticket.resolved_at = now  # the resolution clock is met
    elif previous in (TS.RESOLVED, TS.CLOSED) and to != TS.CLOSED:
        ticket.resolved_at = None  # reopened: the resolution clock runs again
    ticket.status = to
    ticket.save(
        update_fields=[
            "status",
            "sla_paused_at",
            "sla_due_at",
            "response_due_at",
            "resolved_at",
            "updated_at",
        ]
    )
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.STATUS,
        from_value=previous,
        to_value=to,
        reason=reason,
    )
    events.ticket_status_changed.send(
        sender=Ticket, ticket=ticket, from_status=previous, to_status=to
    )


def set_visit_status(*, visit: Visit, to: str, by: User | None, reason: str = "") -> None:
    """Change a visit's status and bump its version.

    The caller holds the ticket's and then the visit's row lock inside a transaction.
    """
    check_visit_transition(visit, to)
    previous = visit.status
    visit.status = to
    visit.version += 1  # the row is locked, so a plain increment is safe
    visit.save()
    sync_bookings(visit)
    record(
        ticket=visit.ticket,
        by=by,
        kind=TicketEvent.Kind.VISIT,
        from_value=previous,
        to_value=to,
        reason=reason,
        visit=visit.pk,
    )
    if to == VS.CANCELLED:
        events.visit_cancelled.send(sender=Visit, visit=visit, previous={"status": previous})
    events.visit_status_changed.send(sender=Visit, visit=visit, from_status=previous, to_status=to)


def check_visit_transition(visit: Visit, to: str) -> None:
    if not visit_can(visit.status, to):
        raise TransitionNotAllowed(
            _("A visit cannot go from %(current)s to %(requested)s.")
            % {"current": visit.get_status_display(), "requested": VS(to).label}
        )
