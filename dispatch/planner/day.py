"""A day of the database as a planner scenario (the `fieldservice-scenario/1` format that
`manage.py plan_scenario` reads): the working technicians with their shifts, breaks and
certified skills, and the visits in scope with their windows and the versions they were read at.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from technicians.models import Technician
from tickets.models import Ticket, Visit, VisitBooking
from tickets.selectors import offered_on

FIXED = (Visit.Status.EN_ROUTE, Visit.Status.ON_SITE)
ROUND_UP = 5  # minutes: today's plan starts at the next multiple after now
LAST_MINUTE = "23:59"
MAX_QUEUE = 3000  # the queue is long on big days; the oldest, most urgent work goes first


def company_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def hhmm(moment: datetime.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%H:%M")


def _day_bounds(day: datetime.date, tz: ZoneInfo) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz
    )


def plan_from(now: datetime.datetime, tz: ZoneInfo) -> datetime.datetime:
    """Where planning today begins: now, rounded up to the next ROUND_UP minutes."""
    local = now.astimezone(tz).replace(second=0, microsecond=0)
    if local < now:
        local += datetime.timedelta(minutes=1)
    return local + datetime.timedelta(minutes=-local.minute % ROUND_UP)


def _under_way(day: datetime.date, tz: ZoneInfo) -> dict[int, Visit]:
    """Today's visits already en route or on site, by technician (the latest one): fixed, so
    the technician's plan starts where and when it ends."""
    day_start, day_end = _day_bounds(day, tz)
    visits = (
        Visit.objects.filter(
            status__in=FIXED, planned_start__gte=day_start, planned_start__lt=day_end
        )
        .select_related("ticket__site")
        .order_by("planned_start")
    )
    return {v.technician_id: v for v in visits if v.technician_id is not None}


def _break(day, hours, start, tz):
    """The shift's start and its break (start, end), or None once the break has begun: the
    rest of the day then starts after it."""
    if not (hours.break_starts_at and hours.break_ends_at):
        return start, None
    b0 = datetime.datetime.combine(day, hours.break_starts_at, tzinfo=tz)
    b1 = datetime.datetime.combine(day, hours.break_ends_at, tzinfo=tz)
    if b0 >= start:
        return start, (b0, b1)
    return max(start, b1), None


def _technicians(
    day: datetime.date,
    area: str,
    opens: datetime.datetime | None,
    busy: dict[int, Visit],
    hold: frozenset[int],
) -> list[dict]:
    """The day's working technicians but those in `hold`; with `opens` (today), from then
    on, each starting where and when a visit already under way (`busy`) ends."""
    tz = company_tz()
    qs = Technician.objects.filter(active=True, working_hours__weekday=day.weekday())
    if area:
        qs = qs.filter(Q(region__iexact=area) | Q(region__istartswith=f"{area} "))
    day_start, day_end = _day_bounds(day, tz)
    qs = qs.select_related("user").prefetch_related(
        "skills",
        "certifications__skills",
        "working_hours",
        "time_off",
        # Where they help a crew that day: that time is not theirs to plan (like time off).
        Prefetch(
            "bookings",
            queryset=VisitBooking.objects.filter(
                role=VisitBooking.Role.HELPER,
                active=True,
                planned_start__lt=day_end,
                planned_end__gt=day_start,
            ),
            to_attr="helping",
        ),
    )
    result = []
    for tech in qs.exclude(pk__in=hold).distinct():
        hours = next(h for h in tech.working_hours.all() if h.weekday == day.weekday())
        start = datetime.datetime.combine(day, hours.starts_at, tzinfo=tz)
        end = datetime.datetime.combine(day, hours.ends_at, tzinfo=tz)
        home = [tech.home_latitude, tech.home_longitude]
        begin = home
        if opens is not None:
            start = max(start, opens)
        if tech.pk in busy and busy[tech.pk].ticket.site.is_placed:
            fixed = busy[tech.pk]
            begin = [fixed.ticket.site.latitude, fixed.ticket.site.longitude]
            if fixed.planned_end is not None:
                start = max(start, fixed.planned_end.astimezone(tz))
        taken = [(off.starts_at, off.ends_at) for off in tech.time_off.all()]
        taken += [(b.planned_start, b.planned_end) for b in tech.helping]
        for taken_from, taken_to in taken:
            if taken_to <= day_start or taken_from >= day_end:
                continue
            # Keep the longer free part of the shift around the time off (or the crew's visit).
            before = (start, min(end, taken_from))
            after = (max(start, taken_to), end)
            start, end = max((before, after), key=lambda span: span[1] - span[0])
        start, brk = _break(day, hours, start, tz)
        if brk is not None and brk[1] > end:
            brk = None  # no break inside what is left of the shift
        if end <= start:
            continue
        certified = {
            s.pk for c in tech.certifications.all() if c.is_valid_on(day) for s in c.skills.all()
        }
        skills = sorted(
            s.code for s in tech.skills.all() if not s.requires_certification or s.pk in certified
        )
        uncertified = sorted({s.code for s in tech.skills.all()} - set(skills))
        entry = {
            "id": tech.pk,
            "start": begin,
            "end": home,
            "shift": [hhmm(start, tz), hhmm(end, tz)],
            "skills": skills,
        }
        if uncertified:
            # Not usable that day; the planner names them when they are why a visit waits.
            entry["uncertified"] = uncertified
        if brk is not None:
            minutes = int((brk[1] - brk[0]).total_seconds()) // 60
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


def _visits_in_scope(day: datetime.date, tech_ids: set[int], area: str = "") -> QuerySet[Visit]:
    tz = company_tz()
    day_start, day_end = _day_bounds(day, tz)
    busy = Q(
        status__in=Visit.BUSY_STATUSES,
        planned_start__gte=day_start,
        planned_start__lt=day_end,
        technician__in=tech_ids,
    )
    dated = Q(status=Visit.Status.UNASSIGNED, window_start__lt=day_end, window_end__gt=day_start)
    # A preventive visit has no promised window: it is offered from its tolerance's first day.
    queued = Q(status=Visit.Status.UNASSIGNED, window_start__isnull=True) & offered_on(day)
    if area:
        # The area's technicians keep all their visits; waiting work is the area's own.
        dated &= _sites_in_area(area)
        queued &= _sites_in_area(area)
    crewed = Exists(
        VisitBooking.objects.filter(visit=OuterRef("pk"), role=VisitBooking.Role.HELPER)
    )
    return (
        Visit.objects.filter(busy | dated | queued, ticket__status__in=Ticket.OPEN_STATUSES)
        .annotate(crewed=crewed)
        # A crew waiting for its time is the dispatcher's to place: each member must be free.
        .exclude(crewed=True, status=Visit.Status.UNASSIGNED)
        .select_related("ticket__site")
        .prefetch_related("ticket__required_skills")
        .order_by("ticket__priority", "ticket__sla_due_at", "pk")[:MAX_QUEUE]
    )


def build_scenario(
    *,
    day: datetime.date,
    area: str = "",
    now: datetime.datetime | None = None,
    may_break_windows: bool = False,
    hold: frozenset[int] = frozenset(),
) -> tuple[dict, dict[str, int]]:
    """The planner's scenario for a day, and the version of every visit it includes.

    Today is planned from now (rounded up): visits en route or on site stay as they are and
    their technician's day goes on from there. A scheduled visit's arrival window was promised
    to the customer: it is kept (`keep`), inside that window, unless `may_break_windows`, when
    the whole day is open to it. Every window is recorded as `promised`, for the preview.
    The technicians in `hold` (whose promises the plan could not keep) are left out with
    all their visits, which stay as they are (`held`).
    """
    tz = company_tz()
    now = now or timezone.now()
    opens = plan_from(now, tz) if day == now.astimezone(tz).date() else None
    busy = _under_way(day, tz) if opens is not None else {}
    technicians = _technicians(day, area, opens, busy, hold)
    tech_ids = {t["id"] for t in technicians}
    day_start, day_end = _day_bounds(day, tz)
    earliest = max(day_start, opens) if opens is not None else day_start
    last = day_end - datetime.timedelta(minutes=1)
    visits, versions, unplaced = [], {}, []
    for visit in _visits_in_scope(day, tech_ids, area):
        if opens is not None and visit.status in FIXED:
            continue  # under way: its technician's day starts after it
        site = visit.ticket.site
        if not site.is_placed:
            # No point to drive to: left out, and the preview says to place it first.
            unplaced.append(visit.pk)
            continue
        entry: dict = {
            "id": visit.pk,
            "location": [site.latitude, site.longitude],
            "minutes": visit.duration_minutes,
            "skills": sorted(s.code for s in visit.ticket.required_skills.all()),
            "priority": visit.ticket.priority,
        }
        # A crew's visit stays as the dispatcher placed it, whatever its lock says.
        if visit.status in FIXED or (visit.locked and visit.pinned) or visit.crewed:
            entry["technician"] = visit.technician_id
            entry["window"] = [hhmm(visit.planned_start, tz)] * 2
        else:
            if visit.locked:
                entry["technician"] = visit.technician_id
            entry["window"] = [hhmm(earliest, tz), LAST_MINUTE]
            if visit.window_start is not None and visit.window_end is not None:
                entry["promised"] = [hhmm(visit.window_start, tz), hhmm(visit.window_end, tz)]
                start = max(visit.window_start, earliest)
                end = min(visit.window_end, last)
                # A window already past cannot be kept any more: the rest of the day is open.
                if start <= end and not may_break_windows:
                    entry["window"] = [hhmm(start, tz), hhmm(end, tz)]
                    entry["keep"] = visit.status == Visit.Status.SCHEDULED
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
    if hold:
        scenario["held"] = sorted(hold)
    if unplaced:
        scenario["unplaced"] = unplaced
    return scenario, versions


def build_week_scenario(
    *,
    first: datetime.date,
    days: int,
    area: str = "",
    now: datetime.datetime | None = None,
    may_break_windows: bool = False,
    hold: frozenset[int] = frozenset(),
) -> tuple[dict, dict[str, int]]:
    """The planner's `fieldservice-scenario/2` for `days` days from `first`, and the version of
    every visit it includes: each day as build_scenario reads it (its working technicians with
    shifts, breaks and time off; today from now on), and every visit with the days it may go on.

    A preventive visit may go on any day of its tolerance window in the range (or, already
    overdue, any day of the range), its last day being its due day; a visit already on a day
    (scheduled, promised, under way, a crew's) stays on that day; a dated one waiting goes
    inside its window; a repair waiting without a date goes on the first day, as the day plan
    would place it.
    """
    dates = [first + datetime.timedelta(days=i) for i in range(days)]
    week_days, versions, entries, unplaced = [], {}, {}, set()
    for on in dates:
        scenario, seen = build_scenario(
            day=on, area=area, now=now, may_break_windows=may_break_windows, hold=hold
        )
        week_days.append({"date": on.isoformat(), "technicians": scenario["technicians"]})
        versions.update(seen)
        unplaced.update(scenario.get("unplaced", []))
        for visit in scenario["visits"]:
            window = visit.pop("window")
            entry = entries.setdefault(visit["id"], {**visit, "days": {}})
            entry["days"][on.isoformat()] = window
    facts = {
        row["pk"]: row
        for row in Visit.objects.filter(pk__in=list(entries)).values(
            "pk", "status", "window_start", "maintenance__earliest", "maintenance__latest"
        )
    }
    for pk, entry in entries.items():
        fact = facts[pk]
        latest = fact["maintenance__latest"]
        if latest is not None and fact["status"] == Visit.Status.UNASSIGNED:
            on_time = {d: w for d, w in entry["days"].items() if d <= latest.isoformat()}
            entry["days"] = on_time or entry["days"]
            entry["due"] = latest.isoformat()
        elif fact["status"] == Visit.Status.UNASSIGNED and fact["window_start"] is None:
            first_day = min(entry["days"])
            entry["days"] = {first_day: entry["days"][first_day]}
    travel = settings.FIELDSERVICE.get("TRAVEL_OPTIONS", {})
    scenario = {
        "format": "fieldservice-scenario/2",
        "timezone": settings.TIME_ZONE,
        "travel": {
            "speed_kmh": float(travel.get("speed_kmh", 35.0)),
            "road_factor": float(travel.get("road_factor", 1.3)),
        },
        "days": week_days,
        "visits": list(entries.values()),
    }
    if hold:
        scenario["held"] = sorted(hold)
    if unplaced:
        scenario["unplaced"] = sorted(unplaced)
    return scenario, versions
