"""Solved on the phone: the first line resolves a ticket without sending anyone.

With open visits: the ones not yet on the road (unassigned or scheduled) are cancelled with
the ticket's resolution as the reason, since the agent who fixed it on the call wants the
trip called off and the customer told (visit_cancelled reaches the notifications); making the
agent cancel each one first would be the same result in more steps. A visit on the way, on
site or made already refuses it: a technician is involved, so it is no phone fix, and the
ticket is resolved from that visit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Article
from fieldservice import texts
from fieldservice.errors import InvalidInput, TransitionNotAllowed

from .. import locks
from ..models import Ticket, TicketEvent, Visit
from ..transitions import REMOTE_FIX_FROM, VISIT_STARTED
from .history import record
from .status import set_ticket_status, set_visit_status

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TS = Ticket.Status
VS = Visit.Status


@transaction.atomic
def resolve_remotely(
    *,
    ticket: Ticket,
    by: User | None,
    resolution_code: str,
    article: Article | None = None,
    notes: str = "",
) -> Ticket:
    """Resolve a ticket solved on the phone, with how (`resolution_code`, one of
    Ticket.Resolution) and the article used, if any; its unassigned and scheduled visits are
    cancelled. Refused for a ticket past REMOTE_FIX_FROM or with a visit under way or made."""
    if resolution_code not in Ticket.Resolution.values:
        raise InvalidInput(
            _("Choose how the problem was solved (resolution)."), field="resolution_code"
        )
    texts.ensure_length(notes, limit=texts.REASON, field="notes")
    if article is not None and not Article.objects.filter(pk=article.pk).exists():
        raise InvalidInput(_("That article does not exist."), field="article")
    ticket = locks.lock_ticket(ticket.pk)
    if ticket.status not in REMOTE_FIX_FROM:
        raise TransitionNotAllowed(
            _("A ticket that is %(status)s cannot be solved on the phone.")
            % {"status": ticket.get_status_display()}
        )
    started = ticket.visits.filter(status__in=VISIT_STARTED).first()
    if started is not None:
        raise TransitionNotAllowed(
            _(
                "A visit to this ticket is %(status)s: it is not a phone fix; resolve it "
                "from the visit."
            )
            % {"status": started.get_status_display()}
        )
    reason = notes or str(Ticket.Resolution(resolution_code).label)
    open_visits = ticket.visits.filter(status__in=[VS.UNASSIGNED, VS.SCHEDULED])
    for visit in locks.lock_visits(list(open_visits.values_list("pk", flat=True))):
        visit.ticket = ticket
        set_visit_status(visit=visit, to=VS.CANCELLED, by=by, reason=_("Solved on the phone"))
    now = timezone.now()
    ticket.resolution_code = resolution_code
    ticket.solved_with = article
    ticket.resolved_remotely_at = now
    ticket.save(update_fields=["resolution_code", "solved_with", "resolved_remotely_at"])
    set_ticket_status(ticket=ticket, to=TS.RESOLVED, by=by, reason=reason, now=now, remote_fix=True)
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.REMOTE_FIX,
        to_value=resolution_code,
        reason=notes,
        article=article.pk if article is not None else None,
    )
    return ticket
