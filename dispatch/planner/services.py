"""The automatic day planner, as the dispatcher uses it: `request_day_plan` records a PlanRun
and hands it to a planning worker (runs.compute_day_plan); `apply_day_plan` applies the
previewed plan in one transaction, or nothing at all if any visit changed since the preview;
`requeue_plan_runs`, every minute, hands out again the runs that no worker picked up.

The worker's task module imports these services, so they send its task by name.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fieldservice.celery import hand_out
from fieldservice.errors import InvalidInput, PlanNotReady, StaleVersion
from tickets import locks
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Visit, VisitBooking
from tickets.services import visit_snapshot

from .. import events
from ..models import PlanRun
from ..services import place_visit, take_off_day
from .day import company_tz
from .preview import reason_text

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PLAN_TASK = "dispatch.planner.tasks.compute_day_plan_task"
MAX_PLAN_DAYS = 7  # a week at a time
log = logging.getLogger(__name__)


def request_day_plan(
    *,
    day: datetime.date,
    by: User | None,
    area: str = "",
    time_limit: float = 10.0,
    may_break_windows: bool = False,
    days: int = 1,
) -> PlanRun:
    """Record a plan request and hand it to a planning worker once committed: one day, or
    `days` days from `day` (a week at a time, up to 7). Only with `may_break_windows` may the
    plan drop a scheduled visit or move it out of its promised window."""
    if not 1 <= time_limit <= 120:
        raise InvalidInput(_("The time limit must be 1 to 120 seconds."), field="time_limit")
    if not 1 <= days <= MAX_PLAN_DAYS:
        raise InvalidInput(_("A plan covers 1 to %(n)d days.") % {"n": MAX_PLAN_DAYS}, field="days")
    if day < timezone.localdate():
        raise InvalidInput(_("A day in the past cannot be planned."), field="day")
    if too_far_ahead(day + datetime.timedelta(days=days - 1)):
        raise InvalidInput(
            _("A day more than %(days)d days ahead cannot be planned.") % {"days": MAX_DAYS_AHEAD},
            field="day",
        )
    if "\x00" in area:
        raise InvalidInput(_("The area contains a null character."), field="area")
    area_length = PlanRun._meta.get_field("area").max_length
    if area_length is not None and len(area) > area_length:
        raise InvalidInput(
            _("The area can be at most %(n)d characters long.") % {"n": area_length}, field="area"
        )
    with transaction.atomic():
        run = PlanRun.objects.create(
            day=day,
            area=area,
            time_limit=time_limit,
            may_break_windows=may_break_windows,
            days=days,
            requested_by=by if by and by.is_authenticated else None,
        )
        transaction.on_commit(functools.partial(start_run, run.pk))
    run.refresh_from_db()  # the hand-out has run unless an outer transaction is still open
    return run


def _hand_out(run_id: int, *, now: datetime.datetime) -> None:
    """Queue one run's planning now; raises when the broker cannot be reached."""
    hand_out(PLAN_TASK, run_id)
    PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(queued_at=now)


def start_run(run_id: int) -> None:
    """Hand a new run to a worker, or mark it as not started with a message the page shows,
    so that it offers to try again instead of polling a run nobody will plan."""
    try:
        _hand_out(run_id, now=timezone.now())
    except Exception as exc:  # noqa: BLE001 - whatever the broker raised, the run says so
        # Still queued: the broker failed. Otherwise the task ran here (eager mode) and
        # failed, and its run says so already.
        if PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(
            status=PlanRun.Status.NOT_STARTED,
            error=_(
                "The planner could not be started: its task queue did not answer. Nothing "
                "was planned; try again in a moment."
            ),
            finished_at=timezone.now(),
        ):
            log.warning("plan run %s could not be handed to a worker: %s", run_id, exc)


def requeue_plan_runs(*, now: datetime.datetime | None = None, requeue_after: int = 300) -> int:
    """Hand out again the queued runs that no worker picked up within `requeue_after`
    seconds (a task lost with the broker's data, a process that died before its hand-out, a
    broker outage); fail, with a message, the running ones whose worker died, which no worker
    can still be on after the task time limit. Returns how many runs were handed out."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=requeue_after)
    PlanRun.objects.filter(
        status=PlanRun.Status.RUNNING,
        started_at__lt=now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60),
    ).update(
        status=PlanRun.Status.FAILED,
        error=_("The planner stopped before it finished (its worker was lost)."),
        finished_at=now,
    )
    lost = list(
        PlanRun.objects.filter(status=PlanRun.Status.QUEUED)
        .filter(Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff))
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
    handed = 0
    for pk in lost:
        try:
            _hand_out(pk, now=now)
        except Exception:  # noqa: BLE001 - broker down: the runs wait for the next sweep
            if not PlanRun.objects.filter(pk=pk, status=PlanRun.Status.QUEUED).exists():
                continue  # the task ran here (eager mode) and failed; its run says so
            log.warning("broker unavailable; %s plan runs wait", len(lost) - handed)
            break
        handed += 1
    return handed


def apply_day_plan(*, run: PlanRun, by: User | None) -> PlanRun:
    """Apply a previewed plan in one transaction, or nothing if any visit changed since."""
    if run.status != PlanRun.Status.READY:
        raise PlanNotReady(
            _("This plan is %(status)s and cannot be applied.")
            % {"status": run.get_status_display()}
        )
    if not run.preview.get("changes", True):
        raise PlanNotReady(
            _("This plan changes nothing on the schedule: there is nothing to apply.")
        )
    try:
        with transaction.atomic():
            _apply(run, by)
    except StaleVersion:
        PlanRun.objects.filter(pk=run.pk).update(status=PlanRun.Status.STALE)
        raise
    run.refresh_from_db()
    return run


def _apply(run: PlanRun, by: User | None) -> None:
    apply_routes(
        day=run.day,
        plan=run.plan,
        scenario=run.scenario,
        versions=run.versions,
        by=by,
        reason=_("Day planner"),
        left_out_reason=lambda text: _("Day planner: %(reason)s") % {"reason": text},
        stale_message=lambda n: (
            ngettext(
                "%(n)d visit changed since this plan was made; nothing was applied. "
                "Plan the day again.",
                "%(n)d visits changed since this plan was made; nothing was applied. "
                "Plan the day again.",
                n,
            )
            % {"n": n}
        ),
    )
    PlanRun.objects.filter(pk=run.pk).update(status=PlanRun.Status.APPLIED)


def apply_routes(
    *,
    day: datetime.date,
    plan: dict,
    scenario: dict,
    versions: dict[str, int],
    by: User | None,
    reason: str,
    left_out_reason: Callable[[str], str],
    stale_message: Callable[[int], str],
    quiet_within_window: bool = False,
) -> None:
    """Put a checked plan's routes on the schedule: every visit that moves is placed, every
    scheduled one left out goes back to the queue. The caller holds a transaction. Refused
    with StaleVersion, nothing written, when any visit in `versions` changed since it was read.
    Visits under way (`started` in the scenario) stay as they are. With `quiet_within_window`,
    a customer whose visit moves inside the window promised is not told (their technician is).
    """
    tz = company_tz()
    started = {int(v["id"]) for v in scenario.get("visits", []) if v.get("started")}
    targets: dict[int, tuple[int, datetime.datetime]] = {}
    for route in plan.get("routes", []):
        # A week's routes each say their date; a day's are all on the run's day.
        on = datetime.date.fromisoformat(route["date"]) if "date" in route else day
        for stop in route.get("stops", []):
            if int(stop["visit"]) in started:
                continue
            start = datetime.datetime.combine(
                on, datetime.time.fromisoformat(stop["start"]), tzinfo=tz
            )
            targets[int(stop["visit"])] = (int(route["technician"]), start)
    dropped = {
        int(item["visit"]): item
        for item in plan.get("unassigned", [])
        if int(item["visit"]) not in started
    }
    promised = {int(v["id"]) for v in scenario.get("visits", []) if "promised" in v}
    visit_ids = sorted(int(pk) for pk in versions)

    # Locks in the fixed order: technicians, tickets, visits.
    current = {v.pk: v for v in Visit.objects.filter(pk__in=visit_ids)}
    tech_ids = sorted(
        {t for t, _ in targets.values()}
        | {v.technician_id for v in current.values() if v.technician_id}
    )
    technicians = {pk: locks.lock_technician(pk) for pk in tech_ids}
    tickets = {t.pk: t for t in locks.lock_tickets(sorted({v.ticket_id for v in current.values()}))}
    visits = {v.pk: v for v in locks.lock_visits(visit_ids)}
    changed = [
        pk for pk in visit_ids if pk not in visits or visits[pk].version != versions[str(pk)]
    ]
    if changed:
        raise StaleVersion(stale_message(len(changed)))

    moving = [
        pk
        for pk, (tech, start) in targets.items()
        if visits[pk].technician_id != tech or visits[pk].planned_start != start
    ]
    leaving = [pk for pk in dropped if visits[pk].status == Visit.Status.SCHEDULED]
    # Clear every visit that moves or leaves first, and release its bookings (which the
    # booking exclusion constraint checks), so that a visit taking the time another one leaves,
    # or two visits swapping, never collide; the objects in memory keep where they were, which
    # the history and the messages tell.
    Visit.objects.filter(pk__in=moving + leaving, status=Visit.Status.SCHEDULED).update(
        status=Visit.Status.UNASSIGNED, technician=None, planned_start=None, planned_end=None
    )
    VisitBooking.objects.filter(visit_id__in=moving + leaving, role=VisitBooking.Role.LEAD).update(
        active=False
    )
    for pk in moving:
        visit, (tech, start) = visits[pk], targets[pk]
        visit.ticket = tickets[visit.ticket_id]
        place_visit(
            visit=visit,
            technician=technicians[tech],
            start=start,
            by=by,
            reason=reason,
            quiet_within_window=quiet_within_window,
        )
    for pk in leaving:
        visit = visits[pk]
        visit.ticket = tickets[visit.ticket_id]
        previous = visit_snapshot(visit)
        take_off_day(
            visit=visit,
            by=by,
            reason=left_out_reason(reason_text(dropped[pk], {})),
        )
        if pk in promised:
            events.visit_needs_rebooking.send(sender=Visit, visit=visit, previous=previous)
