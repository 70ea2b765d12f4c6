"""Free time in a technician's day, with where they come from and go to around each gap.

Shared by the suggestions (one ticket, one day) and the customer's free-window search (one job,
fourteen days): both ask whether a job and the drives around it fit between commitments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

Point = tuple[float, float]


@dataclass(frozen=True)
class Booked:
    """A visit already on a technician's day, reduced to what the arithmetic needs."""

    planned_start: datetime.datetime
    planned_end: datetime.datetime
    where: Point


@dataclass(frozen=True)
class Gap:
    start: datetime.datetime
    end: datetime.datetime
    before: Point  # where the technician comes from
    after: Point  # where they must go next (home at the end of the day)


def free_gaps(
    *,
    day: datetime.date,
    hours,
    booked: list[Booked],
    time_off,
    home: Point,
    not_before: datetime.datetime,
) -> list[Gap]:
    """The free spans of a shift (WorkingHours `hours`) around visits, the break and time off."""
    tz = ZoneInfo(settings.TIME_ZONE)
    shift_start = datetime.datetime.combine(day, hours.starts_at, tzinfo=tz)
    shift_end = datetime.datetime.combine(day, hours.ends_at, tzinfo=tz)
    blocks: list[tuple[datetime.datetime, datetime.datetime, Point | None]] = [
        (b.planned_start, b.planned_end, b.where) for b in booked
    ]
    if hours.break_starts_at and hours.break_ends_at:
        blocks.append(
            (
                datetime.datetime.combine(day, hours.break_starts_at, tzinfo=tz),
                datetime.datetime.combine(day, hours.break_ends_at, tzinfo=tz),
                None,
            )
        )
    blocks += [(off.starts_at, off.ends_at, None) for off in time_off]
    blocks.sort(key=lambda b: b[0])
    gaps, cursor, here = [], shift_start, home
    for begin, end, where in blocks:
        if begin > cursor:
            # A break or time off is spent where the technician is; the next stop is unknown
            # until after it, so the drive is counted from here.
            gaps.append(Gap(cursor, min(begin, shift_end), here, where or here))
        cursor = max(cursor, end)
        here = where or here
    if cursor < shift_end:
        gaps.append(Gap(cursor, shift_end, here, home))
    return [
        Gap(max(g.start, not_before), g.end, g.before, g.after) for g in gaps if g.end > not_before
    ]


def earliest_fit(
    gap: Gap,
    *,
    site: Point,
    minutes: int,
    travel,
    window: tuple[datetime.datetime, datetime.datetime] | None = None,
    quarter_hours: bool = True,
) -> datetime.datetime | None:
    """The earliest arrival in the gap (and window) leaving time for the job and both drives."""
    job = datetime.timedelta(minutes=minutes)
    if gap.end - (max(gap.start, window[0]) if window else gap.start) < job:
        return None  # too short even before driving: skip the travel arithmetic
    if window is not None and gap.start > window[1]:
        return None
    start = gap.start + datetime.timedelta(seconds=travel.seconds(gap.before, site))
    if window is not None:
        start = max(start, window[0])
    if quarter_hours:
        start += datetime.timedelta(
            minutes=(-start.minute) % 15, seconds=-start.second, microseconds=-start.microsecond
        )
    if window is not None and start > window[1]:
        return None
    finish = start + datetime.timedelta(minutes=minutes, seconds=travel.seconds(site, gap.after))
    return start if finish <= gap.end else None


class SiteTravel:
    """Travel to and from one site, remembered per point: a search asks the same legs often."""

    def __init__(self, travel, site: Point) -> None:
        self.travel, self.site = travel, site
        self._seconds: dict[tuple[Point, Point], int] = {}

    def seconds(self, a: Point, b: Point) -> int:
        key = (a, b)
        if key not in self._seconds:
            self._seconds[key] = self.travel.seconds(a, b)
        return self._seconds[key]

    def km(self, a: Point, b: Point) -> float:
        return self.travel.km(a, b)
