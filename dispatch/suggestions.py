"""Ranked technician suggestions for a visit on a day, each with its reason in words.

Everything the ranking needs (skills, certifications, hours, time off and the day's visits of
every technician) is loaded in a fixed number of queries; the rest is interval arithmetic.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers.services import ensure_placed
from technicians.models import Certification, Technician, TimeOff, WorkingHours
from tickets.models import Visit

from .gaps import Booked, Gap, earliest_fit, free_gaps
from .rules import split_missing
from .selectors import company_tz, day_bounds
from .travel import travel_source

# How the three measures weigh against each other, in minutes of extra driving.
LOAD_WEIGHT = 20  # one more visit that day costs as much as 20 minutes of driving
FREE_WEIGHT = 1 / 6  # every hour still free afterwards is worth 10 minutes of driving


@dataclass
class Suggestion:
    technician: Technician
    start: datetime.datetime
    window_end: datetime.datetime
    extra_km: float
    extra_minutes: float
    free_minutes: int
    load: int
    score: float
    reason: str


@dataclass
class Ineligible:
    technician: Technician
    reason: str


def _day_data(day: datetime.date, technicians=None) -> list[Technician]:
    """Technicians with their day's hours, time off, bookings, skill ids and licensed skill ids.

    Skills, licences and bookings come as plain id tuples: with hundreds of technicians, model
    instances for each would cost more than all the arithmetic.
    """
    start, end = day_bounds(day)
    qs = technicians if technicians is not None else Technician.objects.filter(active=True)
    techs = list(
        qs.select_related("user").prefetch_related(
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
    )
    ids = [t.pk for t in techs]
    own: dict[int, set[int]] = {}
    for tech_id, skill_id in Technician.skills.through.objects.filter(
        technician_id__in=ids
    ).values_list("technician_id", "skill_id"):
        own.setdefault(tech_id, set()).add(skill_id)
    certified: dict[int, set[int]] = {}
    for tech_id, skill_id in (
        Certification.skills.through.objects.filter(
            certification__technician_id__in=ids,
            certification__expires_on__gte=day,
        )
        .exclude(certification__issued_on__gt=day)
        .values_list("certification__technician_id", "skill_id")
    ):
        certified.setdefault(tech_id, set()).add(skill_id)
    booked: dict[int, list[Booked]] = {}
    for tech_id, begins, ends, lat, lon in (
        Visit.objects.filter(
            status__in=Visit.BUSY_STATUSES,
            planned_start__gte=start,
            planned_start__lt=end,
            technician_id__in=ids,
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
        booked.setdefault(tech_id, []).append(Booked(begins, ends, (lat, lon)))
    for tech in techs:
        tech.day_visits = booked.get(tech.pk, [])
        tech.own_skills = own.get(tech.pk, set())
        tech.licensed_skills = certified.get(tech.pk, set())
    return techs


def _place(visit, gaps: list[Gap], travel, site):
    """The first gap where the visit fits: start, window end, extra driving, the gap."""
    window_minutes = settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]
    promised = (visit.window_start, visit.window_end) if visit.window_start else None
    for gap in gaps:
        start = earliest_fit(
            gap, site=site, minutes=visit.duration_minutes, travel=travel, window=promised
        )
        if start is None:
            continue
        extra_s = (
            travel.seconds(gap.before, site)
            + travel.seconds(site, gap.after)
            - travel.seconds(gap.before, gap.after)
        )
        extra_km = (
            travel.km(gap.before, site)
            + travel.km(site, gap.after)
            - travel.km(gap.before, gap.after)
        )
        return start, start + datetime.timedelta(minutes=window_minutes), extra_s, extra_km, gap
    return None


def suggest(
    *, visit: Visit, day: datetime.date, technicians=None, now: datetime.datetime | None = None
) -> tuple[list[Suggestion], list[Ineligible]]:
    """Technicians who can do the visit that day, best first, and the others with why not."""
    ensure_placed(visit.ticket.site)
    now = now or timezone.now()
    travel = travel_source()
    site = (visit.ticket.site.latitude, visit.ticket.site.longitude)
    needed = list(visit.ticket.required_skills.all())
    start_of_day, _end = day_bounds(day)
    not_before = max(now, start_of_day)
    ranked, ineligible = [], []
    for tech in _day_data(day, technicians):
        lacking, uncertified = split_missing(
            needed, own=tech.own_skills, certified=tech.licensed_skills
        )
        if lacking:
            ineligible.append(
                Ineligible(
                    tech, _("lacks %(skills)s") % {"skills": ", ".join(s.name for s in lacking)}
                )
            )
            continue
        if uncertified:
            ineligible.append(
                Ineligible(
                    tech,
                    _("no valid certification for %(skills)s")
                    % {"skills": ", ".join(s.name for s in uncertified)},
                )
            )
            continue
        if not tech.day_hours:
            ineligible.append(Ineligible(tech, _("does not work that day")))
            continue
        gaps = free_gaps(
            day=day,
            hours=tech.day_hours[0],
            booked=tech.day_visits,
            time_off=tech.day_off,
            home=(tech.home_latitude, tech.home_longitude),
            not_before=not_before,
        )
        placed = _place(visit, gaps, travel, site)
        if placed is None:
            ineligible.append(Ineligible(tech, _("no free time long enough that day")))
            continue
        start, window_end, extra_s, extra_km, gap = placed
        before, gap_start, gap_end = gap.before, gap.start, gap.end
        free = sum(int((g.end - g.start).total_seconds() // 60) for g in gaps)
        free -= visit.duration_minutes + extra_s // 60
        load = len(tech.day_visits)
        score = extra_s / 60 + LOAD_WEIGHT * load - FREE_WEIGHT * free
        ranked.append(
            Suggestion(
                tech,
                start,
                window_end,
                round(extra_km, 1),
                round(extra_s / 60, 1),
                max(0, free),
                load,
                score,
                _reason(tech, needed, before, site, travel, gap_start, gap_end, load),
            )
        )
    ranked.sort(key=lambda s: (s.score, s.start))
    return ranked, ineligible


def _reason(tech, needed, before, site, travel, gap_start, gap_end, load) -> str:
    tz = company_tz()
    home = (tech.home_latitude, tech.home_longitude)
    skills = ", ".join(s.name for s in needed) or _("the basics")
    # Whole sentences, so each language can order them its own way.
    if before == home:
        text = ngettext(
            "has %(skills)s, %(km).1f km from home, free %(a)s-%(b)s, %(n)d visit that day",
            "has %(skills)s, %(km).1f km from home, free %(a)s-%(b)s, %(n)d visits that day",
            load,
        )
    else:
        text = ngettext(
            "has %(skills)s, %(km).1f km from the previous job, free %(a)s-%(b)s, "
            "%(n)d visit that day",
            "has %(skills)s, %(km).1f km from the previous job, free %(a)s-%(b)s, "
            "%(n)d visits that day",
            load,
        )
    return text % {
        "skills": skills,
        "km": travel.km(before, site),
        "a": gap_start.astimezone(tz).strftime("%H:%M"),
        "b": gap_end.astimezone(tz).strftime("%H:%M"),
        "n": load,
    }


def first_days_someone_can(
    *, visit: Visit, after: datetime.date, days: int = 14, limit: int = 3
) -> list[tuple[datetime.date, Suggestion]]:
    """For a visit nobody can take on `after`: the next days (up to `days` ahead) on which
    someone can, each with its best suggestion, at most `limit` of them."""
    found: list[tuple[datetime.date, Suggestion]] = []
    for offset in range(1, days + 1):
        day = after + datetime.timedelta(days=offset)
        ranked, _ineligible = suggest(visit=visit, day=day)
        if ranked:
            found.append((day, ranked[0]))
            if len(found) == limit:
                break
    return found
