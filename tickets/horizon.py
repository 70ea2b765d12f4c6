"""How far ahead a visit may be promised, assigned or planned, and which day is today."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

if TYPE_CHECKING:
    from .models import Visit

# How far ahead a visit may be promised, assigned or planned. Further is a slip of the keyboard
# (3000 for 2030), and near the calendar's end (9999-12-31) date arithmetic overflows.
MAX_DAYS_AHEAD = 366


def too_far_ahead(when: datetime.date | datetime.datetime) -> bool:
    """Whether a day, or an aware instant, lies after the last day MAX_DAYS_AHEAD from today."""
    last_day = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD)
    if isinstance(when, datetime.datetime):
        # Compare instants: converting one near the calendar's end to local time can overflow.
        after_last_day = datetime.datetime.combine(
            last_day + datetime.timedelta(days=1),
            datetime.time(0),
            tzinfo=timezone.get_current_timezone(),
        )
        return when >= after_last_day
    return when > last_day


def planned_for_today(visit: Visit, *, now: datetime.datetime | None = None) -> bool:
    """Whether a visit's planned start falls on today in the company's time zone (TIME_ZONE):
    "on my way" for any other day is a slip the technician confirms, and the customer is not
    sent an arrival time for it."""
    if visit.planned_start is None:
        return False
    tz = timezone.get_default_timezone()
    today = timezone.localtime(now or timezone.now(), tz).date()
    return timezone.localtime(visit.planned_start, tz).date() == today
