"""Free arrival windows a customer may book: only windows a technician can really keep.

A window is offered only if some technician with the skills (and, for skills that need one, a
licence valid that day) works then, is not off, and can fit the job plus the drives from their
previous and to their next commitment. Everything for the whole range is loaded in a fixed
number of queries; the rest is interval arithmetic (dispatch.gaps).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from customers.models import Site
from technicians.models import Certification, Skill, Technician, TimeOff, WorkingHours
from tickets.models import Visit

from .gaps import Booked, SiteTravel, earliest_fit, free_gaps
from .rules import split_missing
from .selectors import company_tz
from .travel import travel_source

FIRST_WINDOW_HOUR, LAST_WINDOW_END_HOUR = 8, 18
LEAD_TIME = datetime.timedelta(hours=2)  # nobody can be at the door sooner than this


@dataclass
class Window:
    start: datetime.datetime
    end: datetime.datetime
    # (arrival, technician id), earliest arrival first: who could keep this promise.
    offers: list[tuple[datetime.datetime, int]] = field(default_factory=list)


@dataclass
class _Tech:
    pk: int
    home: tuple[float, float]
    skills: set[int]
    licences: list[tuple[datetime.date | None, datetime.date, int]]
    hours: dict[int, WorkingHours]
    off: list[TimeOff] = field(default_factory=list)
    booked: dict[datetime.date, list[Booked]] = field(default_factory=dict)


def _load(first: datetime.date, last: datetime.date) -> list[_Tech]:
    tz = company_tz()
    start = datetime.datetime.combine(first, datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    techs = {
        pk: _Tech(pk, (lat, lon), set(), [], {})
        for pk, lat, lon in Technician.objects.filter(active=True).values_list(
            "pk", "home_latitude", "home_longitude"
        )
    }
    for tech_id, skill_id in Technician.skills.through.objects.filter(
        technician__active=True
    ).values_list("technician_id", "skill_id"):
        techs[tech_id].skills.add(skill_id)
    for tech_id, issued, expires, skill_id in Certification.skills.through.objects.filter(
        certification__technician__active=True, certification__expires_on__gte=first
    ).values_list(
        "certification__technician_id",
        "certification__issued_on",
        "certification__expires_on",
        "skill_id",
    ):
        techs[tech_id].licences.append((issued, expires, skill_id))
    for hours in WorkingHours.objects.filter(technician__active=True):
        techs[hours.technician_id].hours[hours.weekday] = hours
    for off in TimeOff.objects.filter(
        technician__active=True, starts_at__lt=end, ends_at__gt=start
    ):
        techs[off.technician_id].off.append(off)
    for tech_id, begins, ends, lat, lon in (
        Visit.objects.filter(
            status__in=Visit.BUSY_STATUSES,
            technician__active=True,
            planned_start__lt=end,
            planned_end__gt=start,
        )
        .order_by("planned_start")
        .values_list(
            "technician_id",
            "planned_start",
            "planned_end",
            "ticket__site__latitude",
            "ticket__site__longitude",
        )
    ):
        day = begins.astimezone(tz).date()
        techs[tech_id].booked.setdefault(day, []).append(Booked(begins, ends, (lat, lon)))
    return list(techs.values())


def _able(tech: _Tech, skills: list[Skill], day: datetime.date) -> bool:
    licensed = {
        s
        for issued, expires, s in tech.licences
        if (issued is None or issued <= day) and day <= expires
    }
    lacking, unlicensed = split_missing(skills, own=tech.skills, certified=licensed)
    return not lacking and not unlicensed


def _day_windows(day, tz, minutes, *, not_before):
    """The day's arrival windows of `minutes`, back to back from FIRST_WINDOW_HOUR to
    LAST_WINDOW_END_HOUR, that start no sooner than `not_before`; none offered yet."""
    windows = []
    begin = datetime.datetime.combine(day, datetime.time(FIRST_WINDOW_HOUR), tzinfo=tz)
    close = datetime.datetime.combine(day, datetime.time(LAST_WINDOW_END_HOUR), tzinfo=tz)
    while begin + datetime.timedelta(minutes=minutes) <= close:
        end = begin + datetime.timedelta(minutes=minutes)
        if begin >= not_before:
            windows.append(Window(begin, end))
        begin = end
    return windows


def free_windows(
    *,
    skills: list[Skill],
    minutes: int,
    site: Site,
    days: int = 14,
    window_minutes: int | None = None,
    now: datetime.datetime | None = None,
    first_day: datetime.date | None = None,
    all_offers: bool = False,
) -> list[Window]:
    """Arrival windows over the coming days that some able technician can really keep.

    One technician is enough to offer a window; `all_offers` lists every technician who could
    keep it (a booking tries them in order), which costs more and so is asked for one day only.
    """
    if site.latitude is None or site.longitude is None:
        return []  # not on the map yet: no drive to it can be timed, so no window is kept
    tz = company_tz()
    now = now or timezone.now()
    window_minutes = window_minutes or settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]
    first = first_day or now.astimezone(tz).date()
    last = first + datetime.timedelta(days=days - 1)
    where = (site.latitude, site.longitude)
    travel = SiteTravel(travel_source(), where)
    earliest = now + LEAD_TIME
    techs = _load(first, last)
    result = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        day_windows = _day_windows(day, tz, window_minutes, not_before=earliest)
        if not day_windows:
            continue
        gaps_by_tech = {}
        for tech in techs:
            hours = tech.hours.get(day.weekday())
            if hours is None or not _able(tech, skills, day):
                continue
            gaps_by_tech[tech.pk] = free_gaps(
                day=day,
                hours=hours,
                booked=tech.booked.get(day, []),
                time_off=tech.off,
                home=tech.home,
                not_before=earliest,
            )
        for window in day_windows:
            for tech_id, gaps in gaps_by_tech.items():
                for gap in gaps:
                    arrival = earliest_fit(
                        gap,
                        site=where,
                        minutes=minutes,
                        travel=travel,
                        window=(window.start, window.end),
                    )
                    if arrival is not None:
                        window.offers.append((arrival, tech_id))
                        break
                if window.offers and not all_offers:
                    break
            if window.offers:
                window.offers.sort()
                result.append(window)
    return result


def offers_for(
    *, skills: list[Skill], minutes: int, site: Site, start: datetime.datetime
) -> list[tuple[datetime.datetime, int]]:
    """Everyone who can keep the window that starts at `start`, earliest arrival first: a
    booking tries them in turn, so one taken by a parallel booking leaves the others to try."""
    day = start.astimezone(company_tz()).date()
    for window in free_windows(
        skills=skills, minutes=minutes, site=site, days=1, first_day=day, all_offers=True
    ):
        if window.start == start:
            return window.offers
    return []


def by_day(windows: list[Window]) -> dict[datetime.date, list[Window]]:
    grouped: dict[datetime.date, list[Window]] = defaultdict(list)
    for window in windows:
        grouped[window.start.astimezone(company_tz()).date()].append(window)
    return dict(grouped)
