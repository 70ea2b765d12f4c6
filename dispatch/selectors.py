"""Reads for the dispatcher's pages: the day board and its queue, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import NothingToPlace
from technicians.models import Technician, TimeOff, WorkingHours
from technicians.selectors import with_qualifications
from tickets import selectors as ticket_selectors
from tickets.horizon import MAX_DAYS_AHEAD
from tickets.models import Ticket, Visit, VisitBooking

from .positions import fresh_position, max_age
from .travel import Point, travel_source

BOARD_START_HOUR, BOARD_END_HOUR = 7, 19  # the hours the board shows across
BOARD_DAYS_BACK = 366  # older days are history, which each ticket's panel shows


def company_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def board_days() -> tuple[datetime.date, datetime.date]:
    """The first and the last day the board (and its suggestions) can show: a year back, and
    as far ahead as a visit can be assigned."""
    today = timezone.localdate()
    return (
        today - datetime.timedelta(days=BOARD_DAYS_BACK),
        today + datetime.timedelta(days=MAX_DAYS_AHEAD),
    )


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = company_tz()
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return start, end


@dataclass
class Span:
    """Something placed on the board's time axis, in percent of the axis."""

    left: float
    width: float
    label: str = ""


@dataclass
class Block:
    """A visit as the board draws it: plain values, no model instances (2,000 per day)."""

    visit: int
    version: int
    ticket: int
    number: str
    status: str
    status_label: str
    priority: int
    minutes: int
    customer: str
    city: str
    start: str
    end: str
    codes: str
    span: Span
    # The crew's helpers by name; on a helper's own lane, the block says whom they help.
    crew: str = ""
    crew_size: int = 0
    helping: str = ""


@dataclass
class TechnicianRow:
    technician: Technician
    shift: Span | None = None
    breaks: list[Span] = field(default_factory=list)
    off: list[Span] = field(default_factory=list)
    visits: list[Block] = field(default_factory=list)
    # Skills, then certifications and training courses valid on the board's day.
    trained: list[str] = field(default_factory=list)


def _span(
    start: datetime.datetime, end: datetime.datetime, day: datetime.date, label: str = ""
) -> Span:
    tz = company_tz()
    axis_start = datetime.datetime.combine(day, datetime.time(BOARD_START_HOUR), tzinfo=tz)
    total = (BOARD_END_HOUR - BOARD_START_HOUR) * 3600
    left = max(0.0, (start - axis_start).total_seconds() / total * 100)
    right = min(100.0, (end - axis_start).total_seconds() / total * 100)
    return Span(round(left, 3), round(max(0.0, right - left), 3), label)


def _local(day: datetime.date, t: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, t, tzinfo=company_tz())


def visits_of_day(day: datetime.date) -> QuerySet[Visit]:
    start, end = day_bounds(day)
    return Visit.objects.filter(
        planned_start__gte=start, planned_start__lt=end, technician__isnull=False
    ).exclude(status=Visit.Status.CANCELLED)


def _blocks(day: datetime.date, technician_ids: list[int]) -> dict[int, list[Block]]:
    """The day's visits as blocks, per technician, in three queries whatever their number."""
    tz = company_tz()
    helped = VisitBooking.objects.filter(visit=OuterRef("pk"), role=VisitBooking.Role.HELPER)
    rows = list(
        visits_of_day(day)
        .filter(technician__in=technician_ids)
        .annotate(crewed=Exists(helped))
        .order_by("planned_start")
        .values_list(
            "pk",
            "version",
            "ticket_id",
            "status",
            "ticket__priority",
            "duration_minutes",
            "ticket__customer__name",
            "ticket__site__city",
            "planned_start",
            "planned_end",
            "technician_id",
            "crewed",
        )
    )
    codes: dict[int, list[str]] = {}
    for ticket_id, code in Ticket.error_codes.through.objects.filter(
        ticket_id__in={r[2] for r in rows}
    ).values_list("ticket_id", "errorcode__code"):
        codes.setdefault(ticket_id, []).append(code)
    labels = dict(Visit.Status.choices)
    # The crews' helpers, with their lead's name: one query.
    helpers: dict[int, list[Technician]] = {}
    lead_names: dict[int, str] = {}
    crewed = [r[0] for r in rows if r[11]]  # read only when a crew is on the day
    for booking in (
        VisitBooking.objects.filter(
            visit_id__in=crewed, role=VisitBooking.Role.HELPER
        ).select_related("technician__user", "visit__technician__user")
        if crewed
        else ()
    ):
        helpers.setdefault(booking.visit_id, []).append(booking.technician)
        lead_names[booking.visit_id] = str(booking.visit.technician or "")
    leads: dict[int, Block | None] = dict.fromkeys(helpers)
    blocks: dict[int, list[Block]] = {}
    for (
        pk,
        version,
        ticket,
        status,
        priority,
        minutes,
        customer,
        city,
        start,
        end,
        tech,
        _c,
    ) in rows:
        assert start is not None
        assert end is not None
        blocks.setdefault(tech, []).append(
            Block(
                pk,
                version,
                ticket,
                f"T-{ticket:06d}",
                status,
                str(labels[status]),
                priority,
                minutes,
                customer,
                city,
                start.astimezone(tz).strftime("%H:%M"),
                end.astimezone(tz).strftime("%H:%M"),
                " · ".join(codes.get(ticket, [])),
                _span(start, end, day),
                crew=", ".join(str(t) for t in helpers.get(pk, [])),
                crew_size=len(helpers.get(pk, [])),
            )
        )
        if pk in leads:
            leads[pk] = blocks[tech][-1]
    # A helper's lane shows the visit too, as theirs for its time (their booking).
    for visit_id, crew in helpers.items():
        lead_block = leads.get(visit_id)
        if lead_block is None:
            continue
        for helper in crew:
            blocks.setdefault(helper.pk, []).append(
                replace(lead_block, helping=lead_names[visit_id])
            )
    for lane in blocks.values():
        lane.sort(key=lambda b: b.start)
    return blocks


def board_rows(*, day: datetime.date, region: str = "") -> list[TechnicianRow]:
    """One row per active technician with shift, break, time off and visits placed on the axis."""
    start, end = day_bounds(day)
    # With what each was trained and certified on, for the row's name (three queries).
    technicians = with_qualifications(
        Technician.objects.filter(active=True).select_related("user")
    ).prefetch_related(
        Prefetch(
            "working_hours",
            queryset=WorkingHours.objects.filter(weekday=day.weekday()),
            to_attr="day_hours",
        ),
        Prefetch(
            "time_off",
            queryset=TimeOff.objects.filter(starts_at__lt=end, ends_at__gt=start),
            to_attr="day_off",
        ),
    )
    if region:
        technicians = technicians.filter(region=region)
    rows: dict[int, TechnicianRow] = {}
    for tech in technicians:
        row = rows[tech.pk] = TechnicianRow(tech)
        row.trained = [
            *(skill.name for skill in tech.skills.all()),
            *(str(c.get_kind_display()) for c in tech.certifications.all() if c.is_valid_on(day)),
            *(r.course for r in tech.training_records.all() if not r.is_expired_on(day)),
        ]
        if tech.day_hours:
            hours = tech.day_hours[0]
            row.shift = _span(_local(day, hours.starts_at), _local(day, hours.ends_at), day)
            if hours.break_starts_at and hours.break_ends_at:
                row.breaks.append(
                    _span(_local(day, hours.break_starts_at), _local(day, hours.break_ends_at), day)
                )
        for off in tech.day_off:
            row.off.append(_span(max(off.starts_at, start), min(off.ends_at, end), day, off.reason))
    for tech_id, blocks in _blocks(day, list(rows)).items():
        rows[tech_id].visits = blocks
    return list(rows.values())


def technicians_to_choose() -> QuerySet[Technician]:
    """The active technicians a visit can be given to, as the board's place form lists them."""
    return (
        Technician.objects.filter(active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def queue(
    *, skill: str = "", area: str = "", priority: str = "", day: datetime.date | None = None
) -> QuerySet[Visit]:
    """Visits waiting for a technician, overdue SLA first, then by SLA due time. On a `day`,
    a preventive visit waits only from the first day of its tolerance on."""
    qs = (
        Visit.objects.filter(
            status=Visit.Status.UNASSIGNED, ticket__status__in=Ticket.OPEN_STATUSES
        )
        .select_related(
            "ticket__customer", "ticket__site", "ticket__appliance__model", "maintenance"
        )
        .prefetch_related("ticket__error_codes", "ticket__required_skills")
        .order_by("ticket__sla_due_at", "pk")
    )
    if day is not None:
        qs = qs.filter(ticket_selectors.offered_on(day))
    if skill:
        qs = qs.filter(ticket__required_skills__code=skill)
    if area:
        qs = qs.filter(ticket__site__city=area)
    if priority:
        qs = qs.filter(ticket__priority=priority)
    return qs


def board_version() -> str:
    """Changes whenever a visit or ticket changes anywhere (two aggregate queries).

    Global on purpose: a visit moved away from the day changes the day's board too.
    """
    visits = Visit.objects.aggregate(last=Max("updated_at"), n=Count("pk"))
    tickets = Ticket.objects.aggregate(last=Max("updated_at"))
    parts = [visits["last"], visits["n"], tickets["last"]]
    return "/".join(p.isoformat() if hasattr(p, "isoformat") else str(p) for p in parts)


def trip(visit: Visit) -> tuple[Point, Point] | None:
    """Where the technician set off for `visit` from, and its site: from the site of the visit
    they finished last before setting off that day, or from their home base on the first trip
    (estimated_arrival prefers the phone's fresh position). None when the visit is not on its
    way or its site is not on the map."""
    if not visit.en_route_at or visit.technician is None:
        return None
    tech, site = visit.technician, visit.ticket.site
    if site.latitude is None or site.longitude is None:
        return None
    destination = (site.latitude, site.longitude)
    tz = ZoneInfo(str(tech.timezone))
    day_start = datetime.datetime.combine(
        visit.en_route_at.astimezone(tz).date(), datetime.time(), tzinfo=tz
    )
    previous = (
        Visit.objects.filter(
            technician_id=tech.pk, actual_end__gte=day_start, actual_end__lte=visit.en_route_at
        )
        .exclude(pk=visit.pk)
        .select_related("ticket__site")
        .order_by("-actual_end")
        .first()
    )
    origin = (tech.home_latitude, tech.home_longitude)
    if previous is not None:
        before = previous.ticket.site
        if before.latitude is not None and before.longitude is not None:
            origin = (before.latitude, before.longitude)
    return origin, destination


def estimated_arrival(visit: Visit) -> datetime.datetime | None:
    """When a technician who set off for `visit` should be there: the driving time from the
    position their phone sent on the way, while it is fresh (positions.fresh_position), else
    from where they set off (trip)."""
    points = trip(visit)
    if points is None or visit.en_route_at is None:
        return None
    position = fresh_position(visit)
    if position is not None:
        here = (position.latitude, position.longitude)
        seconds = travel_source().seconds(here, points[1])
        return position.recorded_at + datetime.timedelta(seconds=seconds)
    return visit.en_route_at + datetime.timedelta(seconds=travel_source().seconds(*points))


def trip_km(visit: Visit) -> float | None:
    """The drive to `visit` in km, by the configured travel source; None without a map."""
    points = trip(visit)
    return None if points is None else travel_source().km(*points)


def visit_to_place(ticket: Ticket) -> Visit:
    """The ticket's visit that suggestions are for: its first unassigned one, else its first
    scheduled one (to move); NothingToPlace when it has neither."""
    waiting = list(
        ticket.visits.filter(status__in=[Visit.Status.UNASSIGNED, Visit.Status.SCHEDULED])
        .select_related("ticket__site")
        .order_by("pk")
    )
    unassigned = [v for v in waiting if v.status == Visit.Status.UNASSIGNED]
    if not (unassigned or waiting):
        raise NothingToPlace(_("The ticket has no visit waiting to be placed."))
    return (unassigned or waiting)[0]


# The technicians' colours on the day map: distinct at a glance, dark enough for white text and
# for a line on a light map; a technician keeps theirs from day to day (by id).
ROUTE_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#ff7f0e",
    "#393b79",
    "#637939",
    "#843c39",
)


def technician_colour(technician_id: int) -> str:
    return ROUTE_COLOURS[technician_id % len(ROUTE_COLOURS)]


def _on_map(latitude: float | None, longitude: float | None) -> list[float] | None:
    return None if latitude is None or longitude is None else [latitude, longitude]


def _last_position(technician: Technician, tz: ZoneInfo) -> dict | None:
    """A technician's last position for the dispatcher's map, while fresh; None otherwise."""
    position = getattr(technician, "position", None)
    if position is None or position.recorded_at < timezone.now() - max_age():
        return None
    return {
        "at": [position.latitude, position.longitude],
        "accuracy": position.accuracy,
        "recorded": position.recorded_at.astimezone(tz).strftime("%H:%M"),
        "visit": position.visit_id,
    }


def day_map(
    *,
    day: datetime.date,
    skill: str = "",
    area: str = "",
    priority: int | str | None = None,
) -> dict:
    """What the board's map draws for `day`, as plain JSON-ready values, in four queries
    whatever the number of technicians and visits.

    - `routes`: one per technician with a visit on the day matching the filters, in their
      colour, from their home base through all their visits of the day in planned order and
      back home (a route is drawn whole: the filters choose whose routes, not which stops);
    - `visits`: the markers of the routes' visits, with priority, status and place in the route;
    - `queued`: the visits waiting for a technician, filtered like the board's queue;
    - each route's `position`: the technician's last position while fresh (dispatchers alone
      see it exactly; positions.py keeps no history).
    Visits whose site is not on the map are counted in `not_on_map`, not drawn."""
    tz = company_tz()
    labels = dict(Visit.Status.choices)
    matching = visits_of_day(day)
    if skill:
        matching = matching.filter(ticket__required_skills__code=skill)
    if area:
        matching = matching.filter(ticket__site__city=area)
    if priority:
        matching = matching.filter(ticket__priority=priority)
    technician_ids = set(matching.values_list("technician_id", flat=True).distinct())
    fields = (
        "pk",
        "ticket_id",
        "status",
        "ticket__priority",
        "ticket__customer__name",
        "ticket__site__city",
        "ticket__site__latitude",
        "ticket__site__longitude",
        "planned_start",
        "planned_end",
        "technician_id",
    )
    rows = (
        list(
            visits_of_day(day)
            .filter(technician_id__in=technician_ids)
            .order_by("technician_id", "planned_start", "pk")
            .values_list(*fields)
        )
        if technician_ids
        else []
    )
    technicians = (
        {
            t.pk: t
            # Their last positions come along (one row each at most): no query of their own.
            for t in Technician.objects.filter(pk__in=technician_ids).select_related(
                "user", "position"
            )
        }
        if technician_ids
        else {}
    )
    not_on_map = 0

    def marker(row: tuple, order: int | None) -> dict | None:
        nonlocal not_on_map
        pk, ticket, status, prio, customer, city, lat, lon, start, end, tech = row
        point = _on_map(lat, lon)
        if point is None:
            not_on_map += 1
            return None
        return {
            "visit": pk,
            "ticket": ticket,
            "number": f"T-{ticket:06d}",
            "status": status,
            "status_label": str(labels[status]),
            "priority": prio,
            "customer": customer,
            "city": city,
            "at": point,
            "start": start.astimezone(tz).strftime("%H:%M") if start else "",
            "end": end.astimezone(tz).strftime("%H:%M") if end else "",
            "technician": tech,
            "order": order,
        }

    routes: dict[int, dict] = {}
    visits: list[dict] = []
    for row in rows:
        tech_id = row[10]
        route = routes.get(tech_id)
        if route is None:
            tech = technicians[tech_id]
            home = [tech.home_latitude, tech.home_longitude]
            route = routes[tech_id] = {
                "technician": tech_id,
                "name": str(tech),
                "colour": technician_colour(tech_id),
                "start": home,
                "end": home,
                "visits": [],
                "points": [home],
                "position": _last_position(tech, tz),
            }
        drawn = marker(row, len(route["visits"]) + 1)
        if drawn is not None:
            route["visits"].append(drawn["visit"])
            route["points"].append(drawn["at"])
            visits.append(drawn)
    for route in routes.values():
        route["points"].append(route["end"])
    waiting = queue(skill=skill, area=area, priority=str(priority or ""), day=day)
    queued = [
        m
        for m in (
            marker(row, None)
            for row in waiting.prefetch_related(None).values_list(*fields)[:QUEUE_ON_MAP]
        )
        if m is not None
    ]
    return {
        "day": day.isoformat(),
        "routes": sorted(routes.values(), key=lambda r: (r["name"], r["technician"])),
        "visits": visits,
        "queued": queued,
        "not_on_map": not_on_map,
        # The board's hours, for the legend's row of each technician's day.
        "hours": [BOARD_START_HOUR, BOARD_END_HOUR],
    }


QUEUE_ON_MAP = 2000  # queued visits drawn on the map at most, most urgent first
