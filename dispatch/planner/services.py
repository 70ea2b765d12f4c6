"""The automatic day planner, as the dispatcher uses it: `request_day_plan` records a PlanRun
and hands it to a planning worker (runs.compute_day_plan); `apply_day_plan` applies the
previewed plan in one transaction, or nothing at all if any visit changed since the preview.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput, PlanNotReady, StaleVersion
from tickets import locks
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Visit

from ..models import PlanRun
from ..services import place_visit, take_off_day
from .day import company_tz
from .tasks import compute_day_plan_task

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def request_day_plan(
    *, day: datetime.date, by: User | None, area: str = "", time_limit: float = 10.0
) -> PlanRun:
    """Record a plan request and hand it to a planning worker once committed."""
    if not 1 <= time_limit <= 120:
        raise InvalidInput(_("The time limit must be 1 to 120 seconds."), field="time_limit")
    if day < timezone.localdate():
        raise InvalidInput(_("A day in the past cannot be planned."), field="day")
    if too_far_ahead(day):
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
            requested_by=by if by and by.is_authenticated else None,
        )
        # Celery's Django fixup makes every task a DjangoTask; celery-types' shared_task says Task.
        compute_day_plan_task.delay_on_commit(run.pk)  # type: ignore[attr-defined]
    return run


def apply_day_plan(*, run: PlanRun, by: User | None) -> PlanRun:
    """Apply a previewed plan in one transaction, or nothing if any visit changed since."""
    if run.status != PlanRun.Status.READY:
        raise PlanNotReady(
            _("This plan is %(status)s and cannot be applied.")
            % {"status": run.get_status_display()}
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
    tz = company_tz()
    targets: dict[int, tuple[int, datetime.datetime]] = {}
    for route in run.plan.get("routes", []):
        for stop in route.get("stops", []):
            start = datetime.datetime.combine(
                run.day, datetime.time.fromisoformat(stop["start"]), tzinfo=tz
            )
            targets[int(stop["visit"])] = (int(route["technician"]), start)
    dropped = {int(item["visit"]) for item in run.plan.get("unassigned", [])}
    visit_ids = sorted(int(pk) for pk in run.versions)

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
        pk for pk in visit_ids if pk not in visits or visits[pk].version != run.versions[str(pk)]
    ]
    if changed:
        raise StaleVersion(
            _(
                "%(n)d visit(s) changed since this plan was made; nothing was applied. "
                "Plan the day again."
            )
            % {"n": len(changed)}
        )

    moving = [
        pk
        for pk, (tech, start) in targets.items()
        if visits[pk].technician_id != tech or visits[pk].planned_start != start
    ]
    leaving = [pk for pk in dropped if visits[pk].status == Visit.Status.SCHEDULED]
    # Clear every visit that moves first, so swaps between technicians never collide; the
    # objects in memory keep where they were, which the history and the messages tell.
    Visit.objects.filter(pk__in=moving + leaving, status=Visit.Status.SCHEDULED).update(
        status=Visit.Status.UNASSIGNED, technician=None, planned_start=None, planned_end=None
    )
    for pk in moving:
        visit, (tech, start) = visits[pk], targets[pk]
        visit.ticket = tickets[visit.ticket_id]
        place_visit(
            visit=visit, technician=technicians[tech], start=start, by=by, reason=_("Day planner")
        )
    for pk in leaving:
        visit = visits[pk]
        visit.ticket = tickets[visit.ticket_id]
        take_off_day(
            visit=visit, by=by, reason=_("Day planner: higher-priority work took the slot")
        )
    PlanRun.objects.filter(pk=run.pk).update(status=PlanRun.Status.APPLIED)
