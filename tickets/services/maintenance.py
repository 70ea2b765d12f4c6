"""Preventive maintenance: the visits a contract's preventive plans are due, generated ahead
over a rolling horizon (MAINTENANCE_HORIZON_DAYS), each with a maintenance ticket and an
unassigned visit that the dispatcher may place on any day of its tolerance window.

Dates are the site's local dates: "today" is today where the site is, and months are added by
the calendar (dateutil's relativedelta: 31 January + 1 month is 28 or 29 February), the n-th
date always from the plan's first date so that short months never make the plan drift.

Generation is safe to run twice (one occurrence per plan and date, a unique constraint) and
reads the plans in chunks of CHUNK; each chunk's occurrences, tickets, visits and history are
written in bulk (tickets.services.planned), a fixed number of queries a chunk.

What happens to the visit happens to its occurrence (receivers of the visit's status): on a
technician's day it is scheduled, back off it due again, completed it is done (and the next is
scheduled from the actual date when the plan says so), cancelled it is skipped with the reason
(kept, never deleted or silently regenerated: the dispatcher or the customer decided it, and
the next date of the plan comes as planned); a visit that cannot be completed passes its
occurrence to the follow-up visit. An occurrence not done by its latest day is marked missed
by `mark_missed` (the visit stays in the queue; done later, it is done late)."""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import PreventivePlan
from customers.models import Appliance
from fieldservice import texts
from fieldservice.errors import DomainError, InvalidInput, TransitionNotAllowed

from .. import events
from ..models import MaintenanceOccurrence, Ticket, TicketEvent, Visit
from .planned import PlannedJob, check_planned_job, open_planned_tickets
from .visits import transition_visit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

MS = MaintenanceOccurrence.Status
VS = Visit.Status
CHUNK = 500


def horizon_days() -> int:
    return int(getattr(settings, "MAINTENANCE_HORIZON_DAYS", 60))


def due_date(plan: PreventivePlan, sequence: int) -> datetime.date:
    """The plan's n-th due date (n from 0), counted from its first date by calendar months."""
    return plan.first_due_on + relativedelta(months=sequence * plan.every_months)


def tolerance(plan: PreventivePlan, due_on: datetime.date) -> tuple[datetime.date, datetime.date]:
    days = datetime.timedelta(days=plan.tolerance_days)
    return due_on - days, due_on + days


def site_today(plan: PreventivePlan, now: datetime.datetime) -> datetime.date:
    return now.astimezone(plan.site.timezone).date()


@dataclass
class GenerationResult:
    plans: int = 0
    created: int = 0
    failed: int = 0
    chunks: int = 0


def _plans(plan_ids: list[int] | None) -> QuerySet[PreventivePlan]:
    last = MaintenanceOccurrence.objects.filter(plan=OuterRef("pk")).order_by("-sequence")
    qs = PreventivePlan.objects.filter(active=True)
    if plan_ids is not None:
        qs = qs.filter(pk__in=plan_ids)
    return (
        qs.select_related("contract", "site__customer")
        .prefetch_related(
            Prefetch(
                "appliances",
                queryset=Appliance.objects.select_related("model", "site").order_by("pk"),
            )
        )
        .annotate(
            last_sequence=Subquery(last.values("sequence")[:1]),
            last_status=Subquery(last.values("status")[:1]),
            last_due_on=Subquery(last.values("due_on")[:1]),
            last_done_on=Subquery(last.values("done_on")[:1]),
        )
        .order_by("pk")
    )


def dates_to_generate(
    plan: PreventivePlan, *, today: datetime.date, until: datetime.date
) -> list[tuple[int, datetime.date]]:
    """(sequence, due date) of the occurrences the plan still needs up to `until`, from what
    its last occurrence (annotated by _plans) says.

    The first ever is the plan's first date, unless its whole window passed before the plan
    was generated: then the first plan date whose window has not passed (visits are not
    invented for the months before the plan was entered). From the actual date, there is one
    occurrence open at a time, and the next is due every_months after the last was done."""
    ends_on = plan.contract.ends_on
    # Annotated by _plans: what the plan's last occurrence says.
    last_sequence: int | None = getattr(plan, "last_sequence", None)
    last_status: str | None = getattr(plan, "last_status", None)
    last_due_on: datetime.date = getattr(plan, "last_due_on", plan.first_due_on)
    last_done_on: datetime.date | None = getattr(plan, "last_done_on", None)
    wanted: list[tuple[int, datetime.date]] = []
    if last_sequence is None:
        n = 0
        while tolerance(plan, due_date(plan, n))[1] < today:
            n += 1
        candidates = [(n, due_date(plan, n))]
    elif plan.next_from == PreventivePlan.NextFrom.ACTUAL:
        if last_status in MaintenanceOccurrence.OPEN_STATUSES:
            return []
        if last_status == MS.DONE and last_done_on is not None:
            due = last_done_on + relativedelta(months=plan.every_months)
        else:  # skipped: the next plan date after it
            due = last_due_on + relativedelta(months=plan.every_months)
        due = max(due, last_due_on + datetime.timedelta(days=1))
        candidates = [(last_sequence + 1, due)]
    else:
        candidates = [(last_sequence + 1, due_date(plan, last_sequence + 1))]
    n, due = candidates[0]
    while due <= until and due <= ends_on:
        wanted.append((n, due))
        if plan.next_from == PreventivePlan.NextFrom.ACTUAL:
            break
        n += 1
        due = due_date(plan, n)
    return wanted


def _appliance_for(plan: PreventivePlan) -> Appliance | None:
    """The appliance the ticket names: the plan's first at its site (a plan of a whole site
    may list none)."""
    return next((a for a in plan.appliances.all() if a.site_id == plan.site_id), None)


def _job(plan: PreventivePlan, occurrence: MaintenanceOccurrence) -> PlannedJob:
    description = _(
        "Preventive maintenance: %(what)s. Due on %(due)s, any day from %(earliest)s to %(latest)s."
    ) % {
        "what": plan.name,
        "due": occurrence.due_on.isoformat(),
        "earliest": occurrence.earliest.isoformat(),
        "latest": occurrence.latest.isoformat(),
    }
    return PlannedJob(
        customer=plan.site.customer,
        site=plan.site,
        appliance=_appliance_for(plan),
        contract=plan.contract,
        description=description[: texts.DESCRIPTION],
        due_at=occurrence.window(plan.site.timezone)[1],
        duration_minutes=plan.expected_minutes,
    )


def _write(made: list[tuple[MaintenanceOccurrence, PlannedJob]]) -> None:
    """The tickets and visits, then the occurrences that name them: inserts only (an update
    of hundreds of rows by primary key costs more than all of them)."""
    visits = open_planned_tickets(jobs=[job for _occurrence, job in made])
    occurrences = [occurrence for occurrence, _job in made]
    for occurrence, visit in zip(occurrences, visits, strict=True):
        occurrence.pk = None
        occurrence.ticket = visit.ticket
        occurrence.visit = visit
    MaintenanceOccurrence.objects.bulk_create(occurrences)


def _not_made_yet(
    made: list[tuple[MaintenanceOccurrence, PlannedJob]],
) -> list[tuple[MaintenanceOccurrence, PlannedJob]]:
    """Those of `made` that no occurrence of their plan has the number or the date of."""
    taken = MaintenanceOccurrence.objects.filter(
        plan_id__in={occurrence.plan_id for occurrence, _job in made}
    ).values_list("plan_id", "sequence", "due_on")
    numbers = {(plan, sequence) for plan, sequence, _due in taken}
    dates = {(plan, due) for plan, _sequence, due in taken}
    return [
        (occurrence, job)
        for occurrence, job in made
        if (occurrence.plan_id, occurrence.sequence) not in numbers
        and (occurrence.plan_id, occurrence.due_on) not in dates
    ]


def _open_occurrences(
    wanted: list[tuple[PreventivePlan, int, datetime.date]], result: GenerationResult
) -> None:
    """Open the wanted occurrences of a chunk of plans, each with its ticket and unassigned
    visit, in one batch (tickets.services.planned). A plan the ticket's or the visit's rules
    refuse is logged and left for the next run; the others go on."""
    refused: set[int] = set()
    made: list[tuple[MaintenanceOccurrence, PlannedJob]] = []
    for plan, sequence, due_on in wanted:
        if plan.pk in refused:
            continue
        earliest, latest = tolerance(plan, due_on)
        occurrence = MaintenanceOccurrence(
            plan=plan, sequence=sequence, due_on=due_on, earliest=earliest, latest=latest
        )
        job = _job(plan, occurrence)
        try:
            check_planned_job(job)
        except DomainError as err:
            refused.add(plan.pk)
            result.failed += 1
            log.warning("preventive plan %s, due %s: %s", plan.pk, due_on, err)
            continue
        made.append((occurrence, job))
    try:
        with transaction.atomic():
            _write(made)
    except IntegrityError:
        # Another run made some of them first (the unique constraints): the chunk's writes
        # and its events are undone with the savepoint; write the others once more.
        made = _not_made_yet(made)
        with transaction.atomic():
            _write(made)
    result.created += len(made)


def generate(
    *,
    now: datetime.datetime | None = None,
    days: int | None = None,
    plan_ids: list[int] | None = None,
    chunk: int = CHUNK,
) -> GenerationResult:
    """Open the occurrences every active plan is due within `days` (MAINTENANCE_HORIZON_DAYS)
    of today where its site is, a chunk of plans at a time: one transaction and a fixed number
    of queries a chunk, however many occurrences it opens. A plan whose ticket or visit the
    rules refuse is logged and left for the next run; the others go on."""
    now = now or timezone.now()
    days = horizon_days() if days is None else days
    result = GenerationResult()
    after = 0
    while True:
        batch = list(_plans(plan_ids).filter(pk__gt=after)[:chunk])
        if not batch:
            return result
        result.chunks += 1
        after = batch[-1].pk
        wanted = []
        for plan in batch:
            result.plans += 1
            today = site_today(plan, now)
            until = today + datetime.timedelta(days=days)
            wanted += [
                (plan, sequence, due_on)
                for sequence, due_on in dates_to_generate(plan, today=today, until=until)
            ]
        if wanted:
            with transaction.atomic():
                _open_occurrences(wanted, result)


def mark_missed(*, now: datetime.datetime | None = None, chunk: int = CHUNK) -> int:
    """Mark missed the occurrences not done by their latest day (where the site is)."""
    now = now or timezone.now()
    # No site's today is more than a day from UTC's: read only those that may have passed.
    candidates = MaintenanceOccurrence.objects.filter(
        status__in=(MS.DUE, MS.SCHEDULED), latest__lt=now.date() + datetime.timedelta(days=1)
    ).select_related("plan__site")
    missed = 0
    after = 0
    while True:
        batch = list(candidates.filter(pk__gt=after).order_by("pk")[:chunk])
        if not batch:
            return missed
        after = batch[-1].pk
        ids = [o.pk for o in batch if o.latest < site_today(o.plan, now)]
        missed += MaintenanceOccurrence.objects.filter(
            pk__in=ids, status__in=(MS.DUE, MS.SCHEDULED)
        ).update(status=MS.MISSED)


@transaction.atomic
def skip_occurrence(
    *, occurrence: MaintenanceOccurrence, reason: str, by: User | None
) -> MaintenanceOccurrence:
    """Skip a due occurrence, saying why: its visit is cancelled (which skips it, below)."""
    if not reason.strip():
        raise InvalidInput(_("Say why the maintenance visit is skipped."), field="reason")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    occurrence = MaintenanceOccurrence.objects.select_for_update().get(pk=occurrence.pk)
    if occurrence.status not in MaintenanceOccurrence.OPEN_STATUSES:
        raise TransitionNotAllowed(
            _("A maintenance visit that is %(status)s cannot be skipped.")
            % {"status": occurrence.get_status_display()}
        )
    visit = occurrence.visit
    if visit is not None and visit.status in (VS.UNASSIGNED, VS.SCHEDULED):
        transition_visit(visit=visit, to=VS.CANCELLED, by=by, reason=reason)
        occurrence.refresh_from_db()
    else:
        _close(occurrence, status=MS.SKIPPED, reason=reason)
    return occurrence


def _close(
    occurrence: MaintenanceOccurrence,
    *,
    status: str,
    reason: str = "",
    done_on: datetime.date | None = None,
) -> None:
    occurrence.status = status
    occurrence.reason = reason[:250]
    occurrence.done_on = done_on
    occurrence.save(update_fields=["status", "reason", "done_on"])
    plan = occurrence.plan
    if plan.active and plan.next_from == PreventivePlan.NextFrom.ACTUAL:
        # The next date depends on this one: schedule it now, not at the next run.
        transaction.on_commit(lambda: generate(plan_ids=[plan.pk]))


@receiver(events.visit_status_changed, sender=Visit)
def _follow_the_visit(
    sender: type[Visit], visit: Visit, from_status: str, to_status: str, **kwargs: object
) -> None:
    # The ticket is loaded by whoever changed the visit: other kinds cost no query here.
    if visit.ticket.kind != Ticket.Kind.MAINTENANCE:
        return
    occurrence = (
        MaintenanceOccurrence.objects.select_related("plan__site").filter(visit=visit).first()
    )
    if occurrence is None or occurrence.status in (MS.DONE, MS.SKIPPED):
        return
    if to_status == VS.COMPLETED:
        done_at = visit.actual_end or timezone.now()
        _close(
            occurrence,
            status=MS.DONE,
            done_on=done_at.astimezone(occurrence.plan.site.timezone).date(),
        )
    elif to_status == VS.CANCELLED:
        # The reason was recorded with the status change just made.
        event = visit.ticket.events.filter(kind=TicketEvent.Kind.VISIT).order_by("-pk").first()
        reason = (event.reason if event else "") or _("The maintenance visit was cancelled.")
        _close(occurrence, status=MS.SKIPPED, reason=reason)
    elif to_status in (VS.SCHEDULED, VS.UNASSIGNED) and occurrence.status != MS.MISSED:
        occurrence.status = MS.SCHEDULED if to_status == VS.SCHEDULED else MS.DUE
        occurrence.save(update_fields=["status"])


@receiver(events.visit_created, sender=Visit)
def _follow_up_keeps_it(sender: type[Visit], visit: Visit, **kwargs: object) -> None:
    """A visit that could not complete hands its occurrence to the follow-up visit."""
    if visit.follow_up_of_id is None or visit.ticket.kind != Ticket.Kind.MAINTENANCE:
        return
    waiting = MaintenanceOccurrence.objects.filter(visit_id=visit.follow_up_of_id)
    waiting.filter(status=MS.MISSED).update(visit=visit)
    waiting.filter(status__in=(MS.DUE, MS.SCHEDULED)).update(visit=visit, status=MS.DUE)
