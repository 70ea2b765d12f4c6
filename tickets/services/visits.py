"""A visit's life: created for a ticket, its window and length, en route, on site, done."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fieldservice import roles, texts
from fieldservice.errors import (
    InvalidInput,
    NeedsConfirmation,
    NotAllowed,
    StaleVersion,
    TransitionNotAllowed,
)

from .. import events, locks
from ..horizon import MAX_DAYS_AHEAD, planned_for_today, too_far_ahead
from ..models import Ticket, TicketEvent, Visit
from ..transitions import ticket_can
from .crew import ensure_lead
from .history import record
from .installation import ensure_commissioned, register_installed
from .job_record import ensure_recorded_for_completion
from .status import check_visit_transition, set_ticket_status, set_visit_status

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TS = Ticket.Status
VS = Visit.Status

# How long one visit may be planned to last, in minutes: the same on creation and on change.
SHORTEST_VISIT = 5
LONGEST_VISIT = 12 * 60


def check_length(duration_minutes: int) -> None:
    if not SHORTEST_VISIT <= duration_minutes <= LONGEST_VISIT:
        raise InvalidInput(
            _("A visit lasts from %(shortest)d minutes to %(longest)d hours.")
            % {"shortest": SHORTEST_VISIT, "longest": LONGEST_VISIT // 60},
            field="duration_minutes",
        )


def visit_minutes(*, kind: str, category: str | None) -> int:
    """Expected minutes of work by job kind and appliance category (configurable)."""
    config = settings.FIELDSERVICE
    by_category = config["VISIT_MINUTES_BY_CATEGORY"].get(category or "", {})
    return int(by_category.get(kind, config["VISIT_MINUTES"].get(kind, 90)))


def validate_window(
    *, window_start: datetime.datetime | None, window_end: datetime.datetime | None
) -> None:
    """Refuse, naming the field, an arrival window that is half given, reversed, past, or
    more than MAX_DAYS_AHEAD days ahead."""
    if (window_start is None) != (window_end is None):
        raise InvalidInput(_("Give both ends of the arrival window."), field="window_start")
    if window_start is None or window_end is None:
        return
    if window_end <= window_start:
        raise InvalidInput(_("The arrival window must end after it starts."), field="window_end")
    if window_end <= timezone.now():
        raise InvalidInput(_("The arrival window is in the past."), field="window_start")
    if too_far_ahead(window_start):
        raise InvalidInput(
            _("The arrival window can be at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD},
            field="window_start",
        )


@transaction.atomic
def create_visit(
    *,
    ticket: Ticket,
    by: User | None,
    window_start: datetime.datetime | None = None,
    window_end: datetime.datetime | None = None,
    duration_minutes: int | None = None,
    follow_up_of: Visit | None = None,
) -> Visit:
    """Add an unassigned visit to an open ticket."""
    validate_window(window_start=window_start, window_end=window_end)
    ticket = locks.lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot get a new visit.")
            % {"status": ticket.get_status_display()}
        )
    if duration_minutes is not None:
        check_length(duration_minutes)
    category = ticket.appliance_model.category if ticket.appliance_model is not None else None
    visit = Visit.objects.create(
        ticket=ticket,
        window_start=window_start,
        window_end=window_end,
        duration_minutes=duration_minutes or visit_minutes(kind=ticket.kind, category=category),
        follow_up_of=follow_up_of,
    )
    if ticket.status == TS.NEW:
        set_ticket_status(ticket=ticket, to=TS.TRIAGED, by=by, now=timezone.now())
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.VISIT_CREATED,
        to_value=visit.pk,
        follow_up_of=follow_up_of.pk if follow_up_of else None,
    )
    events.visit_created.send(sender=Visit, visit=visit)
    return visit


def ensure_version(*, visit: Visit, expected_version: int | None) -> None:
    """StaleVersion when the caller read another version of the visit. Caller holds its lock."""
    if expected_version is not None and visit.version != expected_version:
        raise StaleVersion(
            _("The visit changed since you loaded it (version %(have)s, now %(now)s).")
            % {"have": expected_version, "now": visit.version}
        )


def visit_snapshot(visit: Visit) -> dict[str, object]:
    """Where and when a visit was, as the visit_moved/unassigned/cancelled events carry it."""
    return {
        "technician_id": visit.technician_id,
        "planned_start": visit.planned_start.isoformat() if visit.planned_start else None,
        "window_start": visit.window_start.isoformat() if visit.window_start else None,
        "window_end": visit.window_end.isoformat() if visit.window_end else None,
        "status": visit.status,
    }


@transaction.atomic
def update_visit(
    *,
    visit: Visit,
    by: User | None,
    expected_version: int | None = None,
    window: tuple[datetime.datetime | None, datetime.datetime | None] | None = None,
    duration_minutes: int | None = None,
    locked: bool | None = None,
    pinned: bool | None = None,
) -> Visit:
    """Change a visit that has not started: its arrival window, its length (unassigned only:
    on a technician's day a new length could overlap the next visit), and the planner's lock
    and pin. A new window for a scheduled visit is a move the customer hears of."""
    visit = locks.lock_visit(visit.pk)
    ensure_version(visit=visit, expected_version=expected_version)
    if visit.status not in (VS.UNASSIGNED, VS.SCHEDULED):
        raise TransitionNotAllowed(
            _("A visit that is %(status)s cannot be changed.")
            % {"status": visit.get_status_display()}
        )
    previous = visit_snapshot(visit)
    moved = False
    if window is not None:
        validate_window(window_start=window[0], window_end=window[1])
        moved = (visit.window_start, visit.window_end) != window
        visit.window_start, visit.window_end = window
    if duration_minutes is not None and duration_minutes != visit.duration_minutes:
        if visit.status != VS.UNASSIGNED:
            raise InvalidInput(
                _("Unassign the visit to change its length, then assign it again."),
                field="duration_minutes",
            )
        check_length(duration_minutes)
        visit.duration_minutes = duration_minutes
    if locked is not None:
        visit.locked = locked
    if pinned is not None:
        visit.pinned = pinned
    visit.version += 1
    visit.save()
    if moved and visit.status == VS.SCHEDULED:
        record(
            ticket=visit.ticket,
            by=by,
            kind=TicketEvent.Kind.NOTE,
            to_value=visit.window_start.isoformat() if visit.window_start else "",
            reason=_("Arrival window changed"),
            visit=visit.pk,
        )
        events.visit_moved.send(sender=Visit, visit=visit, previous=previous)
    return visit


def not_today_question(visit: Visit, *, now: datetime.datetime | None = None) -> str:
    """What the technician is asked before setting off for a visit not planned for today (in
    the company's time zone); empty for today's visits."""
    if visit.planned_start is None or planned_for_today(visit, now=now):
        return ""
    planned = timezone.localtime(visit.planned_start, timezone.get_default_timezone())
    return _("This visit is planned for %(day)s, not today. Set off for it anyway?") % {
        "day": formats.date_format(planned, "l j F, H:i")
    }


def _ensure_step_ready(
    visit: Visit, to: str, *, confirm_not_today: bool, now: datetime.datetime
) -> None:
    """The step's own conditions, once the state machine allows it: another day's visit needs
    the technician's confirmation, completing needs what the kind of job requires recorded."""
    if to == VS.EN_ROUTE and not confirm_not_today:
        question = not_today_question(visit, now=now)
        if question:
            raise NeedsConfirmation(question)
    if to == VS.COMPLETED:
        ensure_recorded_for_completion(visit)
        ensure_commissioned(visit)


def _only_a_technician(user: User | None) -> bool:
    return roles.has_role(user, roles.TECHNICIAN) and not roles.has_role(user, roles.DISPATCHER)


def _has_other_active_visits(visit: Visit) -> bool:
    return (
        Visit.objects.filter(ticket_id=visit.ticket_id, status__in=Visit.BUSY_STATUSES)
        .exclude(pk=visit.pk)
        .exists()
    )


@transaction.atomic
def transition_visit(
    *,
    visit: Visit,
    to: str,
    by: User | None,
    reason: str = "",
    outcome: str = "",
    at: datetime.datetime | None = None,
    expected_version: int | None = None,
    confirm_not_today: bool = False,
) -> Visit:
    """Move a visit along en route -> on site -> completed / cannot complete, or cancel it.

    En route for a visit not planned for today (NeedsConfirmation) needs `confirm_not_today`.
    Completed needs what the job's kind requires to be recorded (FIELDSERVICE
    ["COMPLETION_REQUIRES"]), and an installation its commissioning record whole; completing
    an installation registers the appliance installed (services.installation). A crew's
    helpers see the visit but only its lead moves it along (services.crew.ensure_lead).

    Side effects on the ticket: en route or on site puts it in progress; completed resolves
    it; cannot complete because parts are needed puts it in awaiting_parts and creates the
    follow-up visit, unassigned and linked to this one; customer absent waits for the customer
    with a follow-up.
    """
    if to not in VS.values:
        raise InvalidInput(_("Unknown visit status: %(s)s.") % {"s": to}, field="to")
    if to in (VS.SCHEDULED, VS.UNASSIGNED):
        raise InvalidInput(
            _("Use assign or unassign to put a visit on or off a technician's day."), field="to"
        )
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    now = at or timezone.now()
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    ensure_version(visit=visit, expected_version=expected_version)
    if to == VS.CANNOT_COMPLETE and outcome not in (
        Visit.Outcome.NEEDS_PARTS,
        Visit.Outcome.CUSTOMER_ABSENT,
        Visit.Outcome.NEEDS_WORKSHOP,
    ):
        raise InvalidInput(
            _(
                "Say why the visit cannot be completed: needs parts, customer absent or "
                "needs workshop repair."
            ),
            field="outcome",
        )
    if to == VS.CANCELLED and not reason.strip():
        raise InvalidInput(_("Say why the visit is cancelled."), field="reason")
    if to == VS.CANCELLED and _only_a_technician(by):
        raise NotAllowed(
            _(
                "Only the office or the customer can cancel a visit: "
                "tell the dispatcher you cannot come."
            )
        )

    ensure_lead(visit, by)
    check_visit_transition(visit, to)
    _ensure_step_ready(visit, to, confirm_not_today=confirm_not_today, now=now)
    if to == VS.EN_ROUTE:
        visit.en_route_at = now
    elif to == VS.ON_SITE:
        visit.actual_start = now
    elif to == VS.COMPLETED:
        visit.actual_end = now
        visit.outcome = Visit.Outcome.FIXED
        visit.outcome_notes = reason
    elif to == VS.CANNOT_COMPLETE:
        visit.actual_end = now
        visit.outcome = outcome
        visit.outcome_notes = reason
    set_visit_status(visit=visit, to=to, by=by, reason=reason)
    if to == VS.COMPLETED and ticket.kind == Ticket.Kind.INSTALLATION:
        register_installed(visit=visit, by=by, now=now)
    _move_ticket_along(ticket, visit, to, outcome=outcome, reason=reason, by=by, now=now)
    return visit


def _move_ticket_along(
    ticket: Ticket,
    visit: Visit,
    to: str,
    *,
    outcome: str,
    reason: str,
    by: User | None,
    now: datetime.datetime,
) -> None:
    """The ticket's side of a visit's transition to `to`, as transition_visit describes it."""
    if to == VS.EN_ROUTE:
        # The technician has set off: the work is under way, as the visit says.
        _ensure_in_progress(ticket, by=by, now=now)
    elif to == VS.ON_SITE and ticket.status != TS.IN_PROGRESS:
        set_ticket_status(ticket=ticket, to=TS.IN_PROGRESS, by=by, now=now)
    elif to == VS.COMPLETED and not _has_other_active_visits(visit):
        _ensure_in_progress(ticket, by=by, now=now)
        set_ticket_status(ticket=ticket, to=TS.RESOLVED, by=by, reason=reason, now=now)
    elif to == VS.CANNOT_COMPLETE:
        _ensure_in_progress(ticket, by=by, now=now)
        if outcome == Visit.Outcome.NEEDS_PARTS:
            set_ticket_status(ticket=ticket, to=TS.AWAITING_PARTS, by=by, reason=reason, now=now)
            _create_follow_up(visit, by=by)
        elif outcome == Visit.Outcome.CUSTOMER_ABSENT:
            set_ticket_status(ticket=ticket, to=TS.AWAITING_CUSTOMER, by=by, reason=reason, now=now)
            _create_follow_up(visit, by=by)
    elif (
        to == VS.CANCELLED and ticket.status == TS.SCHEDULED and not _has_other_active_visits(visit)
    ):
        set_ticket_status(ticket=ticket, to=TS.TRIAGED, by=by, reason=reason, now=now)


def _ensure_in_progress(ticket: Ticket, *, by: User | None, now: datetime.datetime) -> None:
    if ticket.status != TS.IN_PROGRESS and ticket_can(ticket.status, TS.IN_PROGRESS):
        set_ticket_status(ticket=ticket, to=TS.IN_PROGRESS, by=by, now=now)


def _create_follow_up(visit: Visit, *, by: User | None) -> Visit:
    follow_up = Visit.objects.create(
        ticket=visit.ticket, duration_minutes=visit.duration_minutes, follow_up_of=visit
    )
    record(
        ticket=visit.ticket,
        by=by,
        kind=TicketEvent.Kind.VISIT_CREATED,
        to_value=follow_up.pk,
        follow_up_of=visit.pk,
    )
    events.visit_created.send(sender=Visit, visit=follow_up)
    return follow_up
