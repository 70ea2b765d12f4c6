"""Reads for the technician's phone pages: their own visits only, with what to bring."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from catalog.models import ErrorCode, Part
from catalog.selectors import catalog_for
from technicians.models import Technician
from tickets.models import Visit, VisitBooking
from tickets.selectors import helped_visit_ids


def day_visits(*, technician: Technician, days: int = 2) -> QuerySet[Visit]:
    """Today's and tomorrow's visits of one technician in planned order, those they lead and
    those they help on, in a fixed number of queries whatever their number (codes, parts,
    skills and the crew prefetched)."""
    tz = ZoneInfo(str(technician.timezone))
    today = timezone.now().astimezone(tz).date()
    start = datetime.datetime.combine(today, datetime.time(0), tzinfo=tz)
    end = start + datetime.timedelta(days=days)
    return (
        Visit.objects.filter(
            Q(technician=technician) | Q(pk__in=helped_visit_ids(technician)),
            planned_start__gte=start,
            planned_start__lt=end,
        )
        .exclude(status=Visit.Status.CANCELLED)
        .select_related(
            "ticket__customer",
            "ticket__site",
            "ticket__appliance__model",
            "ticket__appliance_model",
        )
        .prefetch_related(
            Prefetch("ticket__error_codes", queryset=ErrorCode.objects.prefetch_related("parts")),
            Prefetch("bookings", queryset=crew_bookings()),
        )
        .order_by("planned_start")
    )


def crew_bookings() -> QuerySet[VisitBooking]:
    """A visit's crew as the pages list it: the lead first, then the helpers."""
    return VisitBooking.objects.select_related("technician__user").order_by(
        "-role", "pk"
    )  # "lead" after "helper"


# A visit the technician is finished with, whatever its outcome.
DONE = {Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE}


@dataclass(frozen=True)
class Stop:
    """One visit on the day list: its place in the day's planned order (from 1), whether the
    technician is done with it, and whether it is the one to go to next."""

    visit: Visit
    number: int
    done: bool
    next: bool


@dataclass(frozen=True)
class Day:
    date: datetime.date
    stops: list[Stop]


def day_plan(*, technician: Technician, days: int = 2) -> list[Day]:
    """The day list: day_visits() numbered per local day in planned order; the next stop is the
    first one not done, whichever day it is on."""
    tz = ZoneInfo(str(technician.timezone))
    plan: list[Day] = []
    next_found = False
    for visit in day_visits(technician=technician, days=days):
        if visit.planned_start is None:  # day_visits() filters on it; this tells mypy
            continue
        date = visit.planned_start.astimezone(tz).date()
        if not plan or plan[-1].date != date:
            plan.append(Day(date=date, stops=[]))
        done = visit.status in DONE
        is_next = not done and not next_found
        next_found = next_found or is_next
        plan[-1].stops.append(
            Stop(visit=visit, number=len(plan[-1].stops) + 1, done=done, next=is_next)
        )
    return plan


@dataclass(frozen=True)
class ExpectedParts:
    """The parts the job page offers before any search: those the ticket's error codes need,
    then those the codes of its appliance model often need."""

    for_codes: list[Part]
    for_model: list[Part]

    @property
    def ids(self) -> list[int]:
        return [part.pk for part in [*self.for_codes, *self.for_model]]


def expected_parts(*, visit: Visit, limit: int = 30) -> ExpectedParts:
    """What a technician most likely fits on this job, each part once, in two queries."""
    ticket = visit.ticket
    codes = Part.objects.filter(error_codes__tickets=ticket).distinct().order_by("name", "sku")
    for_codes = list(codes[:limit])
    model = ticket.appliance.model if ticket.appliance else ticket.appliance_model
    for_model: list[Part] = []
    if model is not None and len(for_codes) < limit:
        family = (
            Part.objects.filter(error_codes__in=catalog_for(model))
            .exclude(pk__in=[part.pk for part in for_codes])
            .distinct()
            .order_by("name", "sku")
        )
        for_model = list(family[: limit - len(for_codes)])
    return ExpectedParts(for_codes=for_codes, for_model=for_model)
