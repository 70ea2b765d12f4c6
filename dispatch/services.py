"""Putting visits on technicians' days and taking them off again."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.services import ensure_placed
from fieldservice import roles, texts
from fieldservice.errors import (
    DomainError,
    InvalidInput,
    NotAllowed,
    TechnicianBusy,
    TransitionNotAllowed,
)
from technicians.models import Technician
from tickets import events, locks
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Ticket, TicketEvent, Visit
from tickets.services import (
    create_visit,
    ensure_version,
    mark_responded,
    open_ticket,
    record,
    resolve_remotely,
    set_ticket_status,
    set_visit_status,
    sync_bookings,
    ticket_sent_before,
    visit_snapshot,
)
from tickets.transitions import ticket_can

from . import events as dispatch_events
from . import rules, selectors
from .crew import ensure_crew_free, helper_ids

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from catalog.models import Article
    from customers.models import Appliance, ApplianceModel, Customer, Site


def assign_visit(
    *,
    visit: Visit,
    technician: Technician,
    start: datetime.datetime,
    by: User | None,
    override_reason: str = "",
    window_reason: str = "",
    expected_version: int | None = None,
) -> Visit:
    """Put a visit on a technician's day at `start`, or say why not.

    Skills, certifications and working hours may be overridden by a dispatcher with a reason
    (recorded); time off and overlaps never. An arrival outside the window the customer was
    promised is refused unless `window_reason` says why (recorded); the customer then hears of
    the new window with the link to choose another. On PostgreSQL an exclusion constraint backs the
    overlap check, so a race between two dispatchers cannot double-book.
    """
    if timezone.is_naive(start):
        raise InvalidInput(_("The start time needs a time zone."), field="start")
    if too_far_ahead(start):
        raise InvalidInput(
            _("A visit can be assigned at most %(days)d days ahead.") % {"days": MAX_DAYS_AHEAD},
            field="start",
        )
    texts.ensure_length(override_reason, limit=texts.REASON, field="override_reason")
    texts.ensure_length(window_reason, limit=texts.REASON, field="window_reason")
    reasons = (override_reason.strip(), window_reason.strip())
    try:
        with transaction.atomic():
            return _assign(visit, technician, start, by, reasons, expected_version)
    except IntegrityError as exc:
        # Only an exclusion constraint (the visit's, or a crew member's booking) can fail here:
        # the checks above ran under the crew's row locks, so a writer bypassed the service.
        raise TechnicianBusy(
            _("%(name)s already has a visit at that time.") % {"name": technician}
        ) from exc


def _assign(
    visit: Visit,
    technician: Technician,
    start: datetime.datetime,
    by: User | None,
    reasons: tuple[str, str],
    expected_version: int | None,
) -> Visit:
    override_reason, window_reason = reasons
    # The lead and the helpers, locked in primary-key order: each must be free at the new time.
    crew = {t.pk: t for t in locks.lock_technicians([technician.pk, *helper_ids(visit)])}
    technician = crew[technician.pk]
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    ensure_version(visit=visit, expected_version=expected_version)
    if visit.status not in (Visit.Status.UNASSIGNED, Visit.Status.SCHEDULED):
        raise TransitionNotAllowed(
            _("A visit that is %(status)s cannot be moved.")
            % {"status": visit.get_status_display()}
        )
    end = start + visit.duration
    if end <= timezone.now():
        raise InvalidInput(_("The visit would be over before now."), field="start")
    local_day = start.astimezone(ZoneInfo(str(technician.timezone))).date()

    broken_promise = ""
    try:
        rules.ensure_in_promised_window(visit, start)
    except DomainError as err:
        if not window_reason:
            raise
        broken_promise = err.message
    overridden: list[str] = []
    for check in (
        lambda: rules.ensure_can_do(technician, ticket, on=local_day),
        lambda: rules.ensure_in_working_hours(technician, start, end),
    ):
        try:
            check()
        except DomainError as err:
            if not override_reason:
                raise
            overridden.append(err.message)
    rules.ensure_not_off(technician, start, end)
    rules.ensure_free(technician, start, end, ignoring=visit)
    overridden += ensure_crew_free(
        visit, crew, start, end, lead_id=technician.pk, override=bool(override_reason)
    )

    place_visit(visit=visit, technician=technician, start=start, by=by)
    if overridden:
        record(
            ticket=ticket,
            by=by,
            kind=TicketEvent.Kind.OVERRIDE,
            reason=override_reason,
            visit=visit.pk,
            overridden=overridden,
        )
    if broken_promise:
        record(
            ticket=ticket,
            by=by,
            kind=TicketEvent.Kind.OVERRIDE,
            reason=window_reason,
            visit=visit.pk,
            overridden=[broken_promise],
        )
    return visit


def place_visit(
    *,
    visit: Visit,
    technician: Technician,
    start: datetime.datetime,
    by: User | None,
    reason: str = "",
    quiet_within_window: bool = False,
) -> None:
    """Put a visit on a technician's day at `start`, the rules already checked: the planned
    range, a new arrival window when `start` is outside the one promised, the history line,
    the ticket scheduled, and the event the customer and technicians hear of. Shared by manual
    assignment and the planner's apply.

    The caller holds the technician's, the ticket's (set on `visit.ticket`) and the visit's
    row locks; the visit in memory still says where it was before. With `quiet_within_window`
    a move that keeps the window promised is not told to the customer (only to technicians).
    """
    ticket = visit.ticket
    ensure_placed(ticket.site)
    previous = visit_snapshot(visit)
    was_scheduled = visit.status == Visit.Status.SCHEDULED
    window = datetime.timedelta(minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"])
    tell_customer = True
    if (
        visit.window_start is None
        or visit.window_end is None
        or not (visit.window_start <= start <= visit.window_end)
    ):
        # A new time outside the promise makes a new promise; the customer hears of it.
        visit.window_start, visit.window_end = start, start + window
    elif quiet_within_window:
        tell_customer = False
    visit.technician = technician
    visit.planned_start, visit.planned_end = start, start + visit.duration
    if was_scheduled:
        visit.version += 1  # the row is locked, so a plain increment is safe
        visit.save()
        sync_bookings(visit)
    else:
        set_visit_status(visit=visit, to=Visit.Status.SCHEDULED, by=by)
        # A visit on a technician's day answers the customer: the response clock is met.
        mark_responded(ticket, timezone.now(), by=by, how=_("Visit scheduled"))
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.ASSIGNED,
        from_value=previous["technician_id"] or "",
        to_value=technician.pk,
        reason=reason,
        visit=visit.pk,
        planned_start=start.isoformat(),
    )
    if ticket.status != Ticket.Status.SCHEDULED and ticket_can(
        ticket.status, Ticket.Status.SCHEDULED
    ):
        set_ticket_status(ticket=ticket, to=Ticket.Status.SCHEDULED, by=by, now=timezone.now())
    if was_scheduled:
        events.visit_moved.send(
            sender=Visit, visit=visit, previous=previous, tell_customer=tell_customer
        )
    else:
        events.visit_scheduled.send(sender=Visit, visit=visit)


def take_off_day(*, visit: Visit, by: User | None, reason: str = "", **data: object) -> None:
    """Take a scheduled visit off its technician's day, back to the queue: the history line
    (with `data`), the ticket back to triaged when nothing else is planned for it, and the
    event. Shared by unassignment, hand-back and the planner's apply. The caller holds the
    ticket's (set on `visit.ticket`) and the visit's row locks."""
    ticket = visit.ticket
    previous = visit_snapshot(visit)
    visit.technician = None
    visit.planned_start = visit.planned_end = None
    set_visit_status(visit=visit, to=Visit.Status.UNASSIGNED, by=by, reason=reason)
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.UNASSIGNED,
        from_value=previous["technician_id"] or "",
        reason=reason,
        visit=visit.pk,
        **data,
    )
    if (
        ticket.status == Ticket.Status.SCHEDULED
        and not ticket.visits.filter(status__in=Visit.BUSY_STATUSES).exists()
    ):
        set_ticket_status(
            ticket=ticket, to=Ticket.Status.TRIAGED, by=by, reason=reason, now=timezone.now()
        )
    events.visit_unassigned.send(sender=Visit, visit=visit, previous=previous)


@transaction.atomic
def unassign_visit(
    *, visit: Visit, by: User | None, reason: str = "", expected_version: int | None = None
) -> Visit:
    """Take a scheduled visit off its technician's day; it goes back to the queue."""
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    ensure_version(visit=visit, expected_version=expected_version)
    if visit.status != Visit.Status.SCHEDULED:
        raise TransitionNotAllowed(
            _("Only a scheduled visit can be unassigned; this one is %(status)s.")
            % {"status": visit.get_status_display()}
        )
    take_off_day(visit=visit, by=by, reason=reason)
    return visit


@transaction.atomic
def hand_back_visit(
    *, visit: Visit, by: User, reason: str, expected_version: int | None = None
) -> Visit:
    """The technician cannot come: a scheduled visit not yet started goes off their day and
    back to the dispatch queue with the arrival window the customer was promised, the reason
    in the ticket's history, and every active dispatcher alerted (visit_handed_back). The
    customer is not told: the visit is not cancelled, only waiting for someone else.

    For the visit's own technician, or a dispatcher acting on their word. Takes the
    technician's, the ticket's and the visit's locks, in that order.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why you cannot come."), field="reason")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    is_dispatcher = roles.has_role(by, roles.DISPATCHER)
    if not is_dispatcher and not roles.has_role(by, roles.TECHNICIAN):
        raise NotAllowed(_("Only the visit's technician or a dispatcher can hand it back."))
    if visit.technician_id is None:
        raise TransitionNotAllowed(_("The visit is on nobody's day."))
    technician = locks.lock_technician(visit.technician_id)
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    if not is_dispatcher and technician.user_id != by.pk:
        raise NotAllowed(_("Only the visit's technician or a dispatcher can hand it back."))
    if visit.technician_id != technician.pk:
        # Moved to a colleague between the read and the lock.
        raise TransitionNotAllowed(_("The visit was moved meanwhile: load it again."))
    ensure_version(visit=visit, expected_version=expected_version)
    if visit.status != Visit.Status.SCHEDULED:
        raise TransitionNotAllowed(
            _("Only a scheduled visit not yet started can be handed back; this one is %(status)s.")
            % {"status": visit.get_status_display()}
        )
    take_off_day(visit=visit, by=by, reason=reason, handed_back=technician.pk)
    dispatch_events.visit_handed_back.send(
        sender=Visit, visit=visit, technician=technician, reason=reason, by=by
    )
    return visit


@transaction.atomic
def take_call(
    *,
    customer: Customer,
    site: Site,
    by: User | None,
    kind: str,
    appliance: Appliance | None = None,
    appliance_model: ApplianceModel | None = None,
    codes: list[str] | None = None,
    description: str = "",
    channel: str = Ticket.Channel.PHONE,
    priority: int = Ticket.Priority.P3,
    window_start: datetime.datetime | None = None,
    window_end: datetime.datetime | None = None,
    client_key: str = "",
    requested_by: User | None = None,
) -> Ticket:
    """Open a ticket from first line and put its first visit in the dispatch queue. A second
    copy of the same intake form (same `client_key`) gets the first one's ticket.
    `requested_by` is the client company's contact who called (open_ticket checks they are
    one of the customer's)."""
    if window_start is not None or window_end is not None:
        ensure_placed(site)  # a promised window needs a place to drive to
    ticket, new = _open_once(
        customer=customer,
        site=site,
        kind=kind,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes,
        description=description,
        channel=channel,
        priority=priority,
        by=by,
        client_key=client_key,
        requested_by=requested_by,
    )
    if new:
        create_visit(ticket=ticket, by=by, window_start=window_start, window_end=window_end)
    return ticket


@transaction.atomic
def take_solved_call(
    *,
    customer: Customer,
    site: Site,
    by: User | None,
    kind: str,
    resolution_code: str,
    article: Article | None = None,
    notes: str = "",
    appliance: Appliance | None = None,
    appliance_model: ApplianceModel | None = None,
    codes: list[str] | None = None,
    description: str = "",
    channel: str = Ticket.Channel.PHONE,
    priority: int = Ticket.Priority.P3,
    client_key: str = "",
    requested_by: User | None = None,
) -> Ticket:
    """A call opened and solved on the phone: the ticket is opened and resolved at once, with
    no visit queued (tickets.services.resolve_remotely). All of it or nothing: a refused
    resolution opens no ticket. A second copy of the same form gets the first one's ticket."""
    ticket, new = _open_once(
        customer=customer,
        site=site,
        kind=kind,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes,
        description=description,
        channel=channel,
        priority=priority,
        by=by,
        client_key=client_key,
        requested_by=requested_by,
    )
    if not new:
        return ticket
    return resolve_remotely(
        ticket=ticket, by=by, resolution_code=resolution_code, article=article, notes=notes
    )


def _open_once(*, customer: Customer, client_key: str, **fields: Any) -> tuple[Ticket, bool]:
    """The ticket of this intake form: the one a first copy of the same form (same
    `client_key`) opened, or a new one; and whether it is new."""
    earlier = ticket_sent_before(customer=customer, client_key=client_key)
    if earlier is not None:
        return earlier, False
    return open_ticket(customer=customer, client_key=client_key, **fields), True


def record_travel(*, visit: Visit) -> Visit:
    """Keep on the visit the drive to its site (km, one decimal) as the travel source measures
    it from where the technician set off: what a per-km travel charge bills once the visit is
    completed. Set once, when the technician sets off; nothing without a map position."""
    km = selectors.trip_km(visit)
    if km is None:
        return visit
    visit.travel_km = Decimal(str(km)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    # update(): the distance is a measurement, not an edit (no version bump for the board).
    Visit.objects.filter(pk=visit.pk).update(travel_km=visit.travel_km)
    return visit
