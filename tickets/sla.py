"""SLA clocks counted in business hours of a calendar with public holidays, or in a
contract's own support hours (calendar_for: around the clock, or its opening times and days).

All arithmetic is done on UTC instants built from local opening times through zoneinfo, so a
business day is as long as its opening hours say, whatever the daylight-saving change does to
the wall clock. (Subtracting two aware datetimes that share a tzinfo ignores their offsets in
Python, which is the classic way to get this wrong.)
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, CharField, F, Q, Value, When

from contracts.models import ServiceContract

from .models import BusinessCalendar, Ticket

UTC = datetime.UTC
_MAX_DAYS = 3660  # a calendar with no open day would loop forever; ten years is plenty


@dataclass(frozen=True)
class Calendar:
    """A pure-value business calendar (loaded from BusinessCalendar or the defaults)."""

    tz: ZoneInfo
    opens: datetime.time
    closes: datetime.time
    weekdays: frozenset[int]
    holidays: frozenset[datetime.date] = frozenset()

    @property
    def around_the_clock(self) -> bool:
        return self.opens == self.closes

    def open_intervals(self, first_day: datetime.date) -> Iterator[tuple[datetime.datetime, ...]]:
        """Yield (open, close) in UTC for each business day from first_day on."""
        for offset in range(_MAX_DAYS):
            day = first_day + datetime.timedelta(days=offset)
            if day.weekday() not in self.weekdays or day in self.holidays:
                continue
            opens = datetime.datetime.combine(day, self.opens, tzinfo=self.tz)
            close_day = day + datetime.timedelta(days=1) if self.opens >= self.closes else day
            closes = datetime.datetime.combine(close_day, self.closes, tzinfo=self.tz)
            yield opens.astimezone(UTC), closes.astimezone(UTC)

    def _first_day(self, instant: datetime.datetime) -> datetime.date:
        # Start a day early: an interval opened yesterday may still be running.
        return instant.astimezone(self.tz).date() - datetime.timedelta(days=1)

    def add(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        """The instant when `duration` of business time has passed since `start`."""
        cursor = start.astimezone(UTC)
        remaining = duration
        if remaining <= datetime.timedelta(0):
            return cursor
        for opens, closes in self.open_intervals(self._first_day(cursor)):
            if closes <= cursor:
                continue
            segment_start = max(opens, cursor)
            available = closes - segment_start
            if remaining <= available:
                return segment_start + remaining
            remaining -= available
        raise ValueError("The business calendar has no open hours.")

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Business time from start to end (zero if end is not after start)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        total = datetime.timedelta(0)
        if end <= start:
            return total
        for opens, closes in self.open_intervals(self._first_day(start)):
            if opens >= end:
                break
            overlap = min(closes, end) - max(opens, start)
            if overlap > datetime.timedelta(0):
                total += overlap
        return total


def load_calendar(calendar=None) -> Calendar:
    """The given BusinessCalendar row, the default one, or Mon-Fri 08-18 in TIME_ZONE."""
    if calendar is None:
        calendar = BusinessCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        return Calendar(
            tz=ZoneInfo(settings.TIME_ZONE),
            opens=datetime.time(8),
            closes=datetime.time(18),
            weekdays=frozenset(range(5)),
        )
    return Calendar(
        tz=ZoneInfo(str(calendar.timezone)),
        opens=calendar.opens_at,
        closes=calendar.closes_at,
        weekdays=calendar.weekdays,
        holidays=frozenset(calendar.holidays.values_list("date", flat=True)),
    )


def calendar_for(contract: ServiceContract | None, default: Calendar | None = None) -> Calendar:
    """The calendar a ticket's SLA clocks count in: its contract's support hours. Around the
    clock is every hour of every day, public holidays included; business hours are the default
    calendar's (`default`, for a caller that loaded it already), with the contract's own opening
    times and days where it sets them, and the calendar's public holidays."""
    base = default if default is not None else load_calendar()
    if contract is None:
        return base
    if contract.around_the_clock:
        midnight = datetime.time(0)
        return Calendar(tz=base.tz, opens=midnight, closes=midnight, weekdays=frozenset(range(7)))
    opens, closes = contract.support_opens_at, contract.support_closes_at
    weekdays = contract.weekdays
    if (opens is None or closes is None) and weekdays is None:
        return base
    if opens is None or closes is None:
        opens, closes = base.opens, base.closes
    return Calendar(
        tz=base.tz,
        opens=opens,
        closes=closes,
        weekdays=weekdays if weekdays is not None else base.weekdays,
        holidays=base.holidays,
    )


def response_hours(*, priority: int, contract: ServiceContract | None) -> int:
    """Business hours to resolve: by priority, or the contract's time when that is stricter.
    (The name is older than the response clock: this one is the resolution target.)"""
    hours = settings.FIELDSERVICE["SLA_HOURS"][int(priority)]
    if contract is not None:
        hours = min(hours, contract.response_hours)
    return hours


def first_response_hours(*, priority: int, contract: ServiceContract | None) -> int:
    """Business hours to respond (a public reply or a scheduled visit): by priority, the
    contract's response time when stricter, and never later than the resolution target."""
    hours = settings.FIELDSERVICE["SLA_RESPONSE_HOURS"][int(priority)]
    if contract is not None:
        hours = min(hours, contract.response_hours)
    return min(hours, response_hours(priority=priority, contract=contract))


def response_due(
    *,
    opened_at: datetime.datetime,
    priority: int,
    contract: ServiceContract | None,
    calendar: Calendar,
) -> datetime.datetime:
    """When the first response is due for a ticket opened at `opened_at`."""
    hours = first_response_hours(priority=priority, contract=contract)
    return calendar.add(opened_at, datetime.timedelta(hours=hours))


def sla_due(
    *,
    opened_at: datetime.datetime,
    priority: int,
    contract: ServiceContract | None,
    calendar: Calendar,
) -> datetime.datetime:
    """When the ticket is due to be resolved (Ticket.sla_due_at)."""
    hours = response_hours(priority=priority, contract=contract)
    return calendar.add(opened_at, datetime.timedelta(hours=hours))


def resumed_due(
    *,
    due: datetime.datetime,
    paused_at: datetime.datetime,
    resumed_at: datetime.datetime,
    calendar: Calendar,
) -> datetime.datetime:
    """Push the due time by the business time that passed while the clock was paused."""
    if due <= paused_at:
        return due  # already overdue when paused: the pause cannot make it on time again
    remaining = calendar.between(paused_at, due)
    return calendar.add(resumed_at, remaining)


# A ticket's SLA state, as the desk's list shows and filters it. Closed, resolved and cancelled
# tickets have none.
BREACHED, AT_RISK, FINE = "breached", "at_risk", "fine"


def at_risk_margin() -> datetime.timedelta:
    """How close to its due time an open ticket is "at risk": the margin of the dispatchers'
    SLA alerts (settings.FIELDSERVICE["NOTIFICATIONS"]["SLA_ALERT_MINUTES"], one hour)."""
    minutes = settings.FIELDSERVICE.get("NOTIFICATIONS", {}).get("SLA_ALERT_MINUTES", 60)
    return datetime.timedelta(minutes=minutes)


def sla_state_conditions(now: datetime.datetime) -> dict[str, Q]:
    """The query conditions of each state at `now`. Breached: open and past due; a paused
    clock (waiting for parts or the customer) counts as breached only when it was paused
    after its due time (resumed_due keeps such a due time). At risk: open, running, due within
    at_risk_margin(). Fine: any other open ticket."""
    is_open = Q(status__in=Ticket.OPEN_STATUSES)
    breached = (
        is_open
        & Q(sla_due_at__lt=now)
        & (Q(sla_paused_at__isnull=True) | Q(sla_paused_at__gte=F("sla_due_at")))
    )
    at_risk = (
        is_open
        & Q(sla_paused_at__isnull=True)
        & Q(sla_due_at__gte=now, sla_due_at__lt=now + at_risk_margin())
    )
    return {BREACHED: breached, AT_RISK: at_risk, FINE: is_open & ~breached & ~at_risk}


def sla_state_annotation(now: datetime.datetime) -> Case:
    """The state as a column ("" for closed tickets), from the same conditions as the filter."""
    conditions = sla_state_conditions(now)
    return Case(
        When(conditions[BREACHED], then=Value(BREACHED)),
        When(conditions[AT_RISK], then=Value(AT_RISK)),
        When(Q(status__in=Ticket.OPEN_STATUSES), then=Value(FINE)),
        default=Value(""),
        output_field=CharField(),
    )
