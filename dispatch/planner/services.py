"""The automatic day planner, as the dispatcher uses it.

`request_day_plan` records a PlanRun and hands it to a Celery task; `compute_day_plan` turns the
day's visits and technicians into a planner scenario (the `fieldservice-scenario/1` format that
`manage.py plan_scenario` reads), solves it with progress, checks the plan with the independent
checker and stores a preview against the current schedule; `apply_day_plan` applies it in one
transaction, or nothing at all if any visit changed since the preview.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import DomainError, InvalidInput, StaleVersion
from technicians.models import Technician
from tickets import events, locks
from tickets.horizon import MAX_DAYS_AHEAD, too_far_ahead
from tickets.models import Ticket, TicketEvent, Visit
from tickets.services import record, set_ticket_status
from tickets.transitions import ticket_can

from ..models import PlanRun
from ..travel import travel_source

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User

FIXED = (Visit.Status.EN_ROUTE, Visit.Status.ON_SITE)
MAX_QUEUE = 3000  # the queue is long on big days; the oldest, most urgent work goes first


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _hhmm(moment: datetime.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _day_bounds(day: datetime.date, tz: ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
    )


def _technicians(day: datetime.date, area: str, now: datetime.datetime) -> list[dict]:
    tz = _tz()
    qs = Technician.objects.filter(active=True, working_hours__weekday=day.weekday())
    if area:
        qs = qs.filter(Q(region__iexact=area) | Q(region__istartswith=f"{area} "))
    qs = qs.select_related("user").prefetch_related(
        "skills", "certifications__skills", "working_hours", "time_off"
    )
    day_start, day_end = _day_bounds(day, tz)
    result = []
    for tech in qs.distinct():
        hours = next(h for h in tech.working_hours.all() if h.weekday == day.weekday())
        start = datetime.datetime.combine(day, hours.starts_at, tzinfo=tz)
        end = datetime.datetime.combine(day, hours.ends_at, tzinfo=tz)
        if day == now.astimezone(tz).date():
            start = max(
                start,
                now.astimezone(tz).replace(second=0, microsecond=0) + datetime.timedelta(minutes=1),
            )
        for off in tech.time_off.all():
            if off.ends_at <= day_start or off.starts_at >= day_end:
                continue
            # Keep the longer free part of the shift around the time off.
            before = (start, min(end, off.starts_at))
            after = (max(start, off.ends_at), end)
            start, end = max((before, after), key=lambda span: span[1] - span[0])
        if end <= start:
            continue
        certified = {
            s.pk for c in tech.certifications.all() if c.is_valid_on(day) for s in c.skills.all()
        }
        skills = sorted(
            s.code for s in tech.skills.all() if not s.requires_certification or s.pk in certified
        )
        home = [tech.home_latitude, tech.home_longitude]
        entry = {
            "id": tech.pk,
            "start": home,
            "end": home,
            "shift": [_hhmm(start, tz), _hhmm(end, tz)],
            "skills": skills,
        }
        if hours.break_starts_at and hours.break_ends_at:
            minutes = (
                datetime.datetime.combine(day, hours.break_ends_at)
                - datetime.datetime.combine(day, hours.break_starts_at)
            ).seconds // 60
            entry["break"] = {
                "earliest": hours.break_starts_at.strftime("%H:%M"),
                "latest": hours.break_starts_at.strftime("%H:%M"),
                "minutes": minutes,
            }
        result.append(entry)
    return result


def _sites_in_area(area: str) -> Q:
    """Visits of an area's sites. An area is a city ("Rome": every Rome region) or a
    technician region named after its city ("Rome North": the sites of Rome)."""
    cities = Q(ticket__site__city__iexact=area)
    for end in range(len(area)):
        if area[end] == " ":
            cities |= Q(ticket__site__city__iexact=area[:end])
    return cities


def _visits_in_scope(day: datetime.date, tech_ids: set[int], area: str = ""):
    tz = _tz()
    day_start, day_end = _day_bounds(day, tz)
    busy = Q(
        status__in=Visit.BUSY_STATUSES,
        planned_start__gte=day_start,
        planned_start__lt=day_end,
        technician__in=tech_ids,
    )
    dated = Q(status=Visit.Status.UNASSIGNED, window_start__lt=day_end, window_end__gt=day_start)
    queued = Q(status=Visit.Status.UNASSIGNED, window_start__isnull=True)
    if area:
        # The area's technicians keep all their visits; waiting work is the area's own.
        dated &= _sites_in_area(area)
        queued &= _sites_in_area(area)
    return (
        Visit.objects.filter(busy | dated | queued, ticket__status__in=Ticket.OPEN_STATUSES)
        .select_related("ticket__site")
        .prefetch_related("ticket__required_skills")
        .order_by("ticket__priority", "ticket__sla_due_at", "pk")[:MAX_QUEUE]
    )


def build_scenario(
    *, day: datetime.date, area: str = "", now: datetime.datetime | None = None
) -> tuple[dict, dict[str, int]]:
    """The planner's scenario for a day, and the version of every visit it includes."""
    tz = _tz()
    now = now or timezone.now()
    technicians = _technicians(day, area, now)
    tech_ids = {t["id"] for t in technicians}
    day_start, day_end = _day_bounds(day, tz)
    visits, versions = [], {}
    for visit in _visits_in_scope(day, tech_ids, area):
        site = visit.ticket.site
        entry = {
            "id": visit.pk,
            "location": [site.latitude, site.longitude],
            "minutes": visit.duration_minutes,
            "skills": sorted(s.code for s in visit.ticket.required_skills.all()),
            "priority": visit.ticket.priority,
        }
        if visit.status in FIXED or (visit.locked and visit.pinned):
            entry["technician"] = visit.technician_id
            entry["window"] = [_hhmm(visit.planned_start, tz)] * 2
        else:
            if visit.locked:
                entry["technician"] = visit.technician_id
            if visit.window_start is not None:
                start = max(visit.window_start, day_start)
                end = min(visit.window_end, day_end - datetime.timedelta(minutes=1))
                entry["window"] = [_hhmm(start, tz), _hhmm(end, tz)]
            else:
                entry["window"] = ["00:00", "23:59"]
        visits.append(entry)
        versions[str(visit.pk)] = visit.version
    travel = settings.FIELDSERVICE.get("TRAVEL_OPTIONS", {})
    scenario = {
        "format": "fieldservice-scenario/1",
        "date": day.isoformat(),
        "timezone": settings.TIME_ZONE,
        "travel": {
            "speed_kmh": float(travel.get("speed_kmh", 35.0)),
            "road_factor": float(travel.get("road_factor", 1.3)),
        },
        "technicians": technicians,
        "visits": visits,
    }
    return scenario, versions


def solve(
    scenario: dict, *, time_limit: float, progress: Callable[[float], None] | None = None
) -> dict:
    """Run the planner engine on a scenario and check its plan independently."""
    from . import solve_scenario, verify_plan

    plan = solve_scenario(scenario, time_limit=time_limit, progress=progress)
    violations = verify_plan(scenario, plan)
    if violations:
        raise DomainError(
            _("The planner produced an invalid plan: %(v)s") % {"v": "; ".join(violations[:3])}
        )
    return plan


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
    if len(area) > area_length:
        raise InvalidInput(
            _("The area can be at most %(n)d characters long.") % {"n": area_length}, field="area"
        )
    from .tasks import compute_day_plan_task

    with transaction.atomic():
        run = PlanRun.objects.create(
            day=day,
            area=area,
            time_limit=time_limit,
            requested_by=by if by and by.is_authenticated else None,
        )
        compute_day_plan_task.delay_on_commit(run.pk)
    return run


def compute_day_plan(*, run_id: int) -> None:
    """Solve a queued run; claimed with a conditional update so a second worker does nothing."""
    if not PlanRun.objects.filter(pk=run_id, status=PlanRun.Status.QUEUED).update(
        status=PlanRun.Status.RUNNING, progress=1
    ):
        return
    run = PlanRun.objects.get(pk=run_id)
    last = [0.0]

    def progress(fraction: float) -> None:
        # Progress is written at most twice a second: the page polls, the solver does not wait.
        if time.monotonic() - last[0] >= 0.5:
            last[0] = time.monotonic()
            PlanRun.objects.filter(pk=run_id).update(progress=max(1, min(99, int(fraction * 100))))

    try:
        scenario, versions = build_scenario(day=run.day, area=run.area)
        plan = solve(scenario, time_limit=run.time_limit, progress=progress)
        preview = build_preview(scenario, plan)
    except Exception as exc:  # noqa: BLE001 - the run records any failure for the dispatcher
        PlanRun.objects.filter(pk=run_id).update(
            status=PlanRun.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    PlanRun.objects.filter(pk=run_id).update(
        status=PlanRun.Status.READY,
        progress=100,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview,
        finished_at=timezone.now(),
    )


def _route_totals(routes: dict[int, list[tuple[int, str]]], scenario: dict) -> dict:
    """Travel seconds and km over routes {technician: [(visit, start HH:MM[:SS]), ...]}."""
    source = travel_source()
    homes = {t["id"]: tuple(t["start"]) for t in scenario["technicians"]}
    where = {v["id"]: tuple(v["location"]) for v in scenario["visits"]}
    seconds, km = 0, 0.0
    for tech, stops in routes.items():
        points = [homes[tech]] + [where[v] for v, _start in sorted(stops, key=lambda s: s[1])]
        points.append(homes[tech])
        for a, b in zip(points, points[1:], strict=False):
            seconds += source.seconds(a, b)
            km += source.km(a, b)
    return {"travel_seconds": seconds, "travel_km": round(km, 1)}


def build_preview(scenario: dict, plan: dict) -> dict:
    """What the plan changes against the schedule now: added, moved, left out, totals."""
    tz = _tz()
    ids = [v["id"] for v in scenario["visits"]]
    current = {
        v.pk: v
        for v in Visit.objects.filter(pk__in=ids).select_related(
            "ticket__site", "ticket__customer", "technician__user"
        )
    }
    priority = {v["id"]: v["priority"] for v in scenario["visits"]}
    names = {
        t.pk: str(t)
        for t in Technician.objects.filter(
            pk__in=[t["id"] for t in scenario["technicians"]]
        ).select_related("user")
    }

    before: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for visit in current.values():
        if visit.status in Visit.BUSY_STATUSES and visit.technician_id in names:
            before[visit.technician_id].append((visit.pk, _hhmm(visit.planned_start, tz)))
    after: dict[int, list[tuple[int, str]]] = defaultdict(list)
    added, moved, unchanged = [], [], 0
    for route in plan.get("routes", []):
        tech = int(route["technician"])
        for stop in route.get("stops", []):
            vid, start = int(stop["visit"]), stop["start"]
            after[tech].append((vid, start))
            visit = current[vid]
            line = {
                "visit": vid,
                "ticket": visit.ticket.number,
                "priority": priority[vid],
                "customer": str(visit.ticket.customer),
                "technician": names.get(tech, ""),
                "start": start[:5],
            }
            if visit.status == Visit.Status.UNASSIGNED:
                added.append(line)
            elif visit.technician_id != tech or _hhmm(visit.planned_start, tz) != start[:5]:
                line["was"] = (
                    f"{names.get(visit.technician_id, '?')} {_hhmm(visit.planned_start, tz)}"
                )
                moved.append(line)
            else:
                unchanged += 1
    left_out = []
    for item in plan.get("unassigned", []):
        visit = current[int(item["visit"])]
        left_out.append(
            {
                "visit": visit.pk,
                "ticket": visit.ticket.number,
                "priority": priority[visit.pk],
                "customer": str(visit.ticket.customer),
                "reason": item.get("reason", ""),
                "unschedules": visit.status == Visit.Status.SCHEDULED,
            }
        )

    def per_priority(routes):
        counts = {str(p): 0 for p in (1, 2, 3, 4)}
        for stops in routes.values():
            for vid, _start in stops:
                counts[str(priority[vid])] += 1
        return counts

    return {
        "added": added,
        "moved": moved,
        "left_out": left_out,
        "unchanged": unchanged,
        "before": {"planned": per_priority(before), **_route_totals(before, scenario)},
        "after": {"planned": per_priority(after), **_route_totals(after, scenario)},
    }


def apply_day_plan(*, run: PlanRun, by: User | None) -> PlanRun:
    """Apply a previewed plan in one transaction, or nothing if any visit changed since."""
    if run.status != PlanRun.Status.READY:
        raise DomainError(
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
    tz = _tz()
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
    for tech_id in tech_ids:
        locks.lock_technician(tech_id)
    tickets = {
        t.pk: t
        for t in Ticket.objects.select_for_update()
        .filter(pk__in=sorted({v.ticket_id for v in current.values()}))
        .order_by("pk")
    }
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
    # Clear every visit that moves first, so swaps between technicians never collide.
    Visit.objects.filter(pk__in=moving + leaving, status=Visit.Status.SCHEDULED).update(
        status=Visit.Status.UNASSIGNED, technician=None, planned_start=None, planned_end=None
    )
    window = datetime.timedelta(minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"])
    for pk in moving:
        visit, (tech, start) = visits[pk], targets[pk]
        visit.ticket = tickets[visit.ticket_id]
        was_scheduled = visit.status == Visit.Status.SCHEDULED
        previous = {
            "technician_id": visit.technician_id,
            "planned_start": visit.planned_start.isoformat() if visit.planned_start else None,
        }
        visit.technician_id, visit.planned_start = tech, start
        visit.planned_end = start + visit.duration
        if visit.window_start is None:
            visit.window_start, visit.window_end = start, start + window
        visit.status = Visit.Status.SCHEDULED
        visit.version += 1
        visit.save()
        record(
            visit.ticket,
            by=by,
            kind=TicketEvent.Kind.ASSIGNED,
            from_value=previous["technician_id"] or "",
            to_value=tech,
            reason=_("Day planner"),
            visit=pk,
            planned_start=start.isoformat(),
        )
        ticket = visit.ticket
        if ticket.status != Ticket.Status.SCHEDULED and ticket_can(
            ticket.status, Ticket.Status.SCHEDULED
        ):
            set_ticket_status(ticket, Ticket.Status.SCHEDULED, by=by, now=timezone.now())
        if was_scheduled:
            events.visit_moved.send(sender=Visit, visit=visit, previous=previous)
        else:
            events.visit_scheduled.send(sender=Visit, visit=visit)
    for pk in leaving:
        visit = visits[pk]
        visit.ticket = tickets[visit.ticket_id]
        previous = {"technician_id": visit.technician_id}
        visit.status, visit.technician_id = Visit.Status.UNASSIGNED, None
        visit.planned_start = visit.planned_end = None
        visit.version += 1
        visit.save()
        record(
            visit.ticket,
            by=by,
            kind=TicketEvent.Kind.UNASSIGNED,
            from_value=previous["technician_id"] or "",
            reason=_("Day planner: higher-priority work took the slot"),
            visit=pk,
        )
        events.visit_unassigned.send(sender=Visit, visit=visit, previous=previous)
        busy = visit.ticket.visits.filter(status__in=Visit.BUSY_STATUSES).exists()
        if visit.ticket.status == Ticket.Status.SCHEDULED and not busy:
            set_ticket_status(visit.ticket, Ticket.Status.TRIAGED, by=by, now=timezone.now())
    PlanRun.objects.filter(pk=run.pk).update(status=PlanRun.Status.APPLIED)
