"""Writes on tickets and visits. Each function validates, writes in one transaction, records a
TicketEvent and sends a domain event; pages, the API and tasks all call these."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from customers.models import Appliance, ApplianceModel, Customer, Site
from fieldservice.errors import InvalidInput, StaleVersion, TransitionNotAllowed

from . import events, locks
from .models import Ticket, TicketEvent, Visit
from .selectors import assess_ticket
from .sla import load_calendar, resumed_due, sla_due
from .transitions import ticket_can, visit_can

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

PRICE_LIMIT = Decimal("100000000")  # RepairOption.price: 10 digits, 2 of them decimals
# What a broken or hostile image raises while it is read: an unknown or truncated file, a bad
# checksum (verify() raises SyntaxError), or a header claiming billions of pixels.
IMAGE_ERRORS = (
    UnidentifiedImageError,
    OSError,
    SyntaxError,
    ValueError,
    Image.DecompressionBombError,
)

TS = Ticket.Status
VS = Visit.Status


def record(
    ticket: Ticket,
    *,
    by: User | None,
    kind: str,
    from_value: object = "",
    to_value: object = "",
    reason: str = "",
    **data: object,
) -> TicketEvent:
    """Append one line to the ticket's history."""
    return TicketEvent.objects.create(
        ticket=ticket,
        by=by if by is not None and by.is_authenticated else None,
        kind=kind,
        from_value=str(from_value),
        to_value=str(to_value),
        reason=reason,
        data=data,
    )


def visit_minutes(*, kind: str, category: str | None) -> int:
    """Expected minutes of work by job kind and appliance category (configurable)."""
    config = settings.FIELDSERVICE
    by_category = config["VISIT_MINUTES_BY_CATEGORY"].get(category or "", {})
    return int(by_category.get(kind, config["VISIT_MINUTES"].get(kind, 90)))


def ticket_sent_before(*, customer: Customer, client_key: str) -> Ticket | None:
    """The ticket that an earlier copy of the same form (same key) opened, if any. Locks the
    customer's row first, so two copies arriving at once are taken one after the other and
    the second finds the first's ticket. Call inside the transaction that would open one."""
    if not client_key:
        return None
    locks.lock_customer(customer.pk)
    return Ticket.objects.filter(customer=customer, client_key=client_key).first()


@transaction.atomic
def open_ticket(
    *,
    customer: Customer,
    site: Site,
    kind: str = Ticket.Kind.REPAIR,
    appliance: Appliance | None = None,
    appliance_model: ApplianceModel | None = None,
    codes: list[str] | None = None,
    description: str = "",
    channel: str = Ticket.Channel.PHONE,
    priority: int = Ticket.Priority.P3,
    by: User | None = None,
    client_key: str = "",
) -> Ticket:
    """Open a ticket: match its codes, decide coverage and the SLA due time, record it.
    `client_key` is the opening form's key (see ticket_sent_before)."""
    if site.customer_id != customer.pk:
        raise InvalidInput(_("The site does not belong to this customer."), field="site")
    if appliance is not None and appliance.site_id != site.pk:
        raise InvalidInput(_("The appliance is not at this site."), field="appliance")
    if kind not in Ticket.Kind.values:
        raise InvalidInput(_("Unknown kind of job: %(kind)s.") % {"kind": kind}, field="kind")
    if channel not in Ticket.Channel.values:
        raise InvalidInput(_("Unknown channel: %(c)s.") % {"c": channel}, field="channel")
    if int(priority) not in Ticket.Priority.values:
        raise InvalidInput(_("Priority must be 1 to 4."), field="priority")
    if kind == Ticket.Kind.INSTALLATION and appliance is None and appliance_model is None:
        raise InvalidInput(
            _("An installation needs the appliance model to install."), field="appliance_model"
        )
    if kind != Ticket.Kind.INSTALLATION and appliance is None:
        raise InvalidInput(_("Choose the appliance that needs service."), field="appliance")

    now = timezone.now()
    assessment = assess_ticket(
        customer=customer,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes or [],
        priority=int(priority),
        at=now,
    )
    ticket = Ticket.objects.create(
        customer=customer,
        site=site,
        appliance=appliance,
        appliance_model=appliance_model or (appliance.model if appliance else None),
        kind=kind,
        reported_codes=list(codes or []),
        unknown_codes=assessment.codes.unknown,
        description=description,
        channel=channel,
        priority=int(priority),
        coverage=assessment.coverage.coverage,
        coverage_reason=assessment.coverage.reason,
        contract=assessment.coverage.contract,
        sla_due_at=assessment.sla_due_at,
        created_by=by if by is not None and by.is_authenticated else None,
        client_key=client_key or None,
    )
    ticket.error_codes.set(assessment.codes.matched)
    ticket.required_skills.set(assessment.skills)
    record(
        ticket,
        by=by,
        kind=TicketEvent.Kind.OPENED,
        to_value=TS.NEW,
        coverage=ticket.coverage,
        unknown_codes=ticket.unknown_codes,
    )
    events.ticket_opened.send(sender=Ticket, ticket=ticket)
    return ticket


def set_ticket_status(
    ticket: Ticket, to: str, *, by: User | None, reason: str = "", now: datetime.datetime
) -> None:
    """Change a ticket's status, pausing or resuming its SLA clock as needed.

    The caller holds the ticket's row lock (tickets.locks.lock_ticket) inside a transaction.
    """
    if not ticket_can(ticket.status, to):
        raise TransitionNotAllowed(
            _("A ticket cannot go from %(current)s to %(requested)s.")
            % {"current": ticket.get_status_display(), "requested": TS(to).label}
        )
    previous = ticket.status
    if to in Ticket.PAUSED_STATUSES and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
        record(ticket, by=by, kind=TicketEvent.Kind.SLA, to_value="paused", reason=reason)
    elif to not in Ticket.PAUSED_STATUSES and ticket.sla_paused_at is not None:
        old_due = ticket.sla_due_at
        ticket.sla_due_at = resumed_due(
            due=old_due, paused_at=ticket.sla_paused_at, resumed_at=now, calendar=load_calendar()
        )
        ticket.sla_paused_at = None
        record(
            ticket,
            by=by,
            kind=TicketEvent.Kind.SLA,
            from_value=old_due.isoformat(),
            to_value=ticket.sla_due_at.isoformat(),
            reason=_("resumed"),
        )
    ticket.status = to
    ticket.save(update_fields=["status", "sla_paused_at", "sla_due_at", "updated_at"])
    record(
        ticket, by=by, kind=TicketEvent.Kind.STATUS, from_value=previous, to_value=to, reason=reason
    )
    events.ticket_status_changed.send(
        sender=Ticket, ticket=ticket, from_status=previous, to_status=to
    )


@transaction.atomic
def transition_ticket(
    *,
    ticket: Ticket,
    to: str,
    by: User | None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Ticket:
    """Move a ticket to another status, if its state machine allows it."""
    if to not in TS.values:
        raise InvalidInput(_("Unknown ticket status: %(s)s.") % {"s": to}, field="to")
    ticket = locks.lock_ticket(ticket.pk)
    set_ticket_status(ticket, to, by=by, reason=reason, now=now or timezone.now())
    if to == TS.CANCELLED:
        for visit in locks.lock_visits(
            list(
                ticket.visits.filter(status__in=[VS.UNASSIGNED, VS.SCHEDULED]).values_list(
                    "pk", flat=True
                )
            )
        ):
            set_visit_status(visit, VS.CANCELLED, by=by, reason=reason)
    return ticket


@transaction.atomic
def update_ticket(
    *,
    ticket: Ticket,
    by: User | None,
    description: str | None = None,
    priority: int | None = None,
) -> Ticket:
    """Change an open ticket's description or priority; a new priority moves the SLA due time
    as if the ticket had been opened with it."""
    ticket = locks.lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot be changed.") % {"status": ticket.get_status_display()}
        )
    if description is not None:
        ticket.description = description
    if priority is not None and priority != ticket.priority:
        if priority not in Ticket.Priority.values:
            raise InvalidInput(_("Priority goes from 1 (urgent) to 4."), field="priority")
        old = ticket.priority
        ticket.priority = priority
        if ticket.sla_paused_at is None:
            ticket.sla_due_at = sla_due(
                opened_at=ticket.created_at,
                priority=priority,
                contract=ticket.contract,
                calendar=load_calendar(),
            )
        record(
            ticket,
            by=by,
            kind=TicketEvent.Kind.NOTE,
            from_value=f"P{old}",
            to_value=f"P{priority}",
            reason=_("Priority changed"),
        )
    ticket.save()
    return ticket


def _change_tier(ticket: Ticket, *, to: int, by: User | None, reason: str) -> Ticket:
    if not reason.strip():
        raise InvalidInput(_("Say why the tier changes."), field="reason")
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot change tier.") % {"status": ticket.get_status_display()}
        )
    previous = ticket.tier
    ticket.tier = to
    ticket.save(update_fields=["tier", "updated_at"])
    kind = TicketEvent.Kind.ESCALATED if to > previous else TicketEvent.Kind.DEESCALATED
    record(ticket, by=by, kind=kind, from_value=previous, to_value=to, reason=reason)
    events.ticket_escalated.send(sender=Ticket, ticket=ticket, from_tier=previous, to_tier=to)
    return ticket


@transaction.atomic
def escalate(*, ticket: Ticket, by: User | None, reason: str) -> Ticket:
    """Raise the ticket one support tier (1 -> 2 -> 3)."""
    ticket = locks.lock_ticket(ticket.pk)
    if ticket.tier >= Ticket.Tier.THIRD:
        raise TransitionNotAllowed(_("The ticket is already at tier 3."))
    return _change_tier(ticket, to=ticket.tier + 1, by=by, reason=reason)


@transaction.atomic
def deescalate(*, ticket: Ticket, by: User | None, reason: str) -> Ticket:
    """Lower the ticket one support tier."""
    ticket = locks.lock_ticket(ticket.pk)
    if ticket.tier <= Ticket.Tier.FIRST:
        raise TransitionNotAllowed(_("The ticket is already at tier 1."))
    return _change_tier(ticket, to=ticket.tier - 1, by=by, reason=reason)


# How far ahead a visit may be promised, assigned or planned. Further is a slip of the keyboard
# (3000 for 2030), and near the calendar's end (9999-12-31) date arithmetic overflows.
MAX_DAYS_AHEAD = 366


def too_far_ahead(when: datetime.date | datetime.datetime) -> bool:
    """Whether a day, or an aware instant, lies after the last day MAX_DAYS_AHEAD from today."""
    last_day = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if isinstance(when, datetime.datetime):
        # Compare instants: converting one near the calendar's end to local time can overflow.
        after_last_day = datetime.datetime.combine(
            last_day + datetime.timedelta(days=1),
            datetime.time(0),
            tzinfo=timezone.get_current_timezone(),
        )
        return when >= after_last_day
    return when > last_day


def validate_window(
    window_start: datetime.datetime | None, window_end: datetime.datetime | None
) -> None:
    if (window_start is None) != (window_end is None):
        raise InvalidInput(_("Give both ends of the arrival window."), field="window_start")
    if window_start is None:
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
    validate_window(window_start, window_end)
    ticket = locks.lock_ticket(ticket.pk)
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot get a new visit.")
            % {"status": ticket.get_status_display()}
        )
    if duration_minutes is not None and not 5 <= duration_minutes <= 16 * 60:
        raise InvalidInput(_("A visit lasts 5 minutes to 16 hours."), field="duration_minutes")
    category = ticket.appliance_model.category if ticket.appliance_model_id else None
    visit = Visit.objects.create(
        ticket=ticket,
        window_start=window_start,
        window_end=window_end,
        duration_minutes=duration_minutes or visit_minutes(kind=ticket.kind, category=category),
        follow_up_of=follow_up_of,
    )
    if ticket.status == TS.NEW:
        set_ticket_status(ticket, TS.TRIAGED, by=by, now=timezone.now())
    record(
        ticket,
        by=by,
        kind=TicketEvent.Kind.VISIT_CREATED,
        to_value=visit.pk,
        follow_up_of=follow_up_of.pk if follow_up_of else None,
    )
    events.visit_created.send(sender=Visit, visit=visit)
    return visit


def set_visit_status(visit: Visit, to: str, *, by: User | None, reason: str = "") -> None:
    """Change a visit's status and bump its version.

    The caller holds the ticket's and then the visit's row lock inside a transaction.
    """
    _check_visit_transition(visit, to)
    previous = visit.status
    visit.status = to
    visit.version += 1  # the row is locked, so a plain increment is safe
    visit.save()
    record(
        visit.ticket,
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


def ensure_version(visit: Visit, expected_version: int | None) -> None:
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
    ensure_version(visit, expected_version)
    if visit.status not in (VS.UNASSIGNED, VS.SCHEDULED):
        raise TransitionNotAllowed(
            _("A visit that is %(status)s cannot be changed.")
            % {"status": visit.get_status_display()}
        )
    previous = visit_snapshot(visit)
    moved = False
    if window is not None:
        validate_window(*window)
        moved = (visit.window_start, visit.window_end) != window
        visit.window_start, visit.window_end = window
    if duration_minutes is not None and duration_minutes != visit.duration_minutes:
        if visit.status != VS.UNASSIGNED:
            raise InvalidInput(
                _("Unassign the visit to change its length, then assign it again."),
                field="duration_minutes",
            )
        if not 5 <= duration_minutes <= 12 * 60:
            raise InvalidInput(
                _("A visit lasts from 5 minutes to 12 hours."), field="duration_minutes"
            )
        visit.duration_minutes = duration_minutes
    if locked is not None:
        visit.locked = locked
    if pinned is not None:
        visit.pinned = pinned
    visit.version += 1
    visit.save()
    if moved and visit.status == VS.SCHEDULED:
        record(
            visit.ticket,
            by=by,
            kind=TicketEvent.Kind.NOTE,
            to_value=visit.window_start.isoformat(),
            reason=_("Arrival window changed"),
            visit=visit.pk,
        )
        events.visit_moved.send(sender=Visit, visit=visit, previous=previous)
    return visit


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
) -> Visit:
    """Move a visit along en route -> on site -> completed / cannot complete, or cancel it.

    Side effects on the ticket: on site puts it in progress; completed resolves it; cannot
    complete because parts are needed puts it in awaiting_parts and creates the follow-up visit,
    unassigned and linked to this one; customer absent waits for the customer with a follow-up.
    """
    if to not in VS.values:
        raise InvalidInput(_("Unknown visit status: %(s)s.") % {"s": to}, field="to")
    if to in (VS.SCHEDULED, VS.UNASSIGNED):
        raise InvalidInput(
            _("Use assign or unassign to put a visit on or off a technician's day."), field="to"
        )
    now = at or timezone.now()
    ticket = locks.lock_ticket(visit.ticket_id)
    visit = locks.lock_visit(visit.pk)
    visit.ticket = ticket
    ensure_version(visit, expected_version)
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

    _check_visit_transition(visit, to)
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
    set_visit_status(visit, to, by=by, reason=reason)

    if to == VS.ON_SITE and ticket.status != TS.IN_PROGRESS:
        set_ticket_status(ticket, TS.IN_PROGRESS, by=by, now=now)
    elif to == VS.COMPLETED and not _has_other_active_visits(visit):
        _ensure_in_progress(ticket, by=by, now=now)
        set_ticket_status(ticket, TS.RESOLVED, by=by, reason=reason, now=now)
    elif to == VS.CANNOT_COMPLETE:
        _ensure_in_progress(ticket, by=by, now=now)
        if outcome == Visit.Outcome.NEEDS_PARTS:
            set_ticket_status(ticket, TS.AWAITING_PARTS, by=by, reason=reason, now=now)
            _create_follow_up(visit, by=by)
        elif outcome == Visit.Outcome.CUSTOMER_ABSENT:
            set_ticket_status(ticket, TS.AWAITING_CUSTOMER, by=by, reason=reason, now=now)
            _create_follow_up(visit, by=by)
    elif (
        to == VS.CANCELLED and ticket.status == TS.SCHEDULED and not _has_other_active_visits(visit)
    ):
        set_ticket_status(ticket, TS.TRIAGED, by=by, reason=reason, now=now)
    return visit


def _check_visit_transition(visit: Visit, to: str) -> None:
    if not visit_can(visit.status, to):
        raise TransitionNotAllowed(
            _("A visit cannot go from %(current)s to %(requested)s.")
            % {"current": visit.get_status_display(), "requested": VS(to).label}
        )


def _ensure_in_progress(ticket: Ticket, *, by: User | None, now: datetime.datetime) -> None:
    if ticket.status != TS.IN_PROGRESS and ticket_can(ticket.status, TS.IN_PROGRESS):
        set_ticket_status(ticket, TS.IN_PROGRESS, by=by, now=now)


def _create_follow_up(visit: Visit, *, by: User | None) -> Visit:
    follow_up = Visit.objects.create(
        ticket=visit.ticket, duration_minutes=visit.duration_minutes, follow_up_of=visit
    )
    record(
        visit.ticket,
        by=by,
        kind=TicketEvent.Kind.VISIT_CREATED,
        to_value=follow_up.pk,
        follow_up_of=visit.pk,
    )
    events.visit_created.send(sender=Visit, visit=follow_up)
    return follow_up


# -- the technician's job record ---------------------------------------------------------
# Each write takes the phone's idempotency key: a replay returns the first record unchanged.


def _recordable(visit: Visit) -> None:
    if visit.status not in (VS.EN_ROUTE, VS.ON_SITE, VS.COMPLETED, VS.CANNOT_COMPLETE):
        raise TransitionNotAllowed(
            _("Record work once you are on the way or on site (the visit is %(s)s).")
            % {"s": visit.get_status_display()}
        )


def _existing(model, visit: Visit, client_key: str):
    """The record this visit's action with this key made already, if any. The visit's row is
    locked first, so two copies of one action arriving at once are taken one after the other
    and the second finds the first's record instead of failing on the unique key."""
    if not client_key:
        return None
    locks.lock_visit(visit.pk)
    return model.objects.filter(visit=visit, client_key=client_key).first()


@transaction.atomic
def record_entry(
    *, visit: Visit, text: str, kind: str = "work", by: User | None, client_key: str = ""
):
    """A diagnostic, finding or work note on the visit."""
    from .models import JobEntry

    if (found := _existing(JobEntry, visit, client_key)) is not None:
        return found
    _recordable(visit)
    if not text.strip():
        raise InvalidInput(_("Write what was done or found."), field="text")
    if kind not in JobEntry.Kind.values:
        raise InvalidInput(_("Unknown kind of note."), field="kind")
    return JobEntry.objects.create(
        visit=visit, kind=kind, text=text.strip(), by=by, client_key=client_key or None
    )


@transaction.atomic
def use_part(*, visit: Visit, part, quantity: int, client_key: str = ""):
    """A catalog part fitted on the visit."""
    from .models import PartUsed

    if (found := _existing(PartUsed, visit, client_key)) is not None:
        return found
    _recordable(visit)
    if not 1 <= quantity <= 999:
        raise InvalidInput(_("The quantity must be 1 to 999."), field="quantity")
    return PartUsed.objects.create(
        visit=visit, part=part, quantity=quantity, client_key=client_key or None
    )


@transaction.atomic
def offer_option(*, visit: Visit, description: str, price, client_key: str = ""):
    """A repair option offered to the customer, with its price."""
    from .models import RepairOption

    if (found := _existing(RepairOption, visit, client_key)) is not None:
        return found
    _recordable(visit)
    if not description.strip():
        raise InvalidInput(_("Describe the repair offered."), field="description")
    if len(description.strip()) > 250:
        raise InvalidInput(_("Describe the repair in at most 250 characters."), field="description")
    if price is None:
        raise InvalidInput(_("Give the price of the repair."), field="price")
    if not price.is_finite() or price >= PRICE_LIMIT:
        raise InvalidInput(_("The price must be below 100,000,000."), field="price")
    if price < 0:
        raise InvalidInput(_("The price cannot be negative."), field="price")
    return RepairOption.objects.create(
        visit=visit, description=description.strip(), price=price, client_key=client_key or None
    )


@transaction.atomic
def decide_option(*, option, chosen: bool):
    """The customer chose this option (the others are declined) or declined it."""
    from .models import RepairOption

    option = RepairOption.objects.select_for_update().get(pk=option.pk)
    _recordable(option.visit)
    if chosen:
        option.visit.repair_options.exclude(pk=option.pk).update(
            decision=RepairOption.Decision.DECLINED
        )
    option.decision = RepairOption.Decision.CHOSEN if chosen else RepairOption.Decision.DECLINED
    option.save(update_fields=["decision"])
    return option


@transaction.atomic
def sign_visit(*, visit: Visit, signed_by: str, png: bytes):
    """Store the customer's drawn signature (PNG) with the visit."""
    import io

    from django.core.files.base import ContentFile

    from .models import Signature

    _recordable(visit)
    if not signed_by.strip():
        raise InvalidInput(_("Write the name of who signs."), field="signed_by")
    if len(signed_by.strip()) > 200:
        raise InvalidInput(_("The name of who signs is at most 200 characters."), field="signed_by")
    try:
        image = Image.open(io.BytesIO(png))
        image.verify()
    except IMAGE_ERRORS as exc:
        raise InvalidInput(_("The signature is not a valid image."), field="signature") from exc
    if image.format != "PNG":
        raise InvalidInput(_("The signature must be a PNG image."), field="signature")
    signature, _created = Signature.objects.update_or_create(
        visit=visit, defaults={"signed_by": signed_by.strip()}
    )
    signature.image.save(f"visit-{visit.pk}.png", ContentFile(png), save=True)
    return signature


PHOTO_MAX_PIXELS = 1600


@transaction.atomic
def add_photo(*, visit: Visit, upload, caption: str = "", client_key: str = ""):
    """Resize to at most 1600 px, turn upright, and re-encode without metadata (no GPS)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import ImageOps

    from .models import VisitPhoto

    if (found := _existing(VisitPhoto, visit, client_key)) is not None:
        return found
    _recordable(visit)
    clean = io.BytesIO()
    try:
        image = Image.open(upload)
        image = ImageOps.exif_transpose(image)
        image.thumbnail((PHOTO_MAX_PIXELS, PHOTO_MAX_PIXELS))
        # A fresh RGB image carries no EXIF, so location and device data stay on the phone.
        image.convert("RGB").save(clean, "JPEG", quality=85)
    except IMAGE_ERRORS as exc:
        raise InvalidInput(_("The photo is not an image we can read."), field="photo") from exc
    photo = VisitPhoto(visit=visit, caption=caption.strip()[:200], client_key=client_key or None)
    photo.image.save(f"visit-{visit.pk}.jpg", ContentFile(clean.getvalue()), save=True)
    return photo
