"""Writes of insights: the managers' weekly summary, once a week."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.db import transaction
from django.utils import timezone

from dispatch.selectors import company_tz

from . import events, selectors
from .kpis import Scope
from .models import WeeklySummary


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=company_tz()).astimezone(
        datetime.UTC
    )


def send_weekly_summary(*, now: datetime.datetime | None = None) -> bool:
    """Last week's headline figures (Monday to Sunday in the company's time zone) for the
    managers, once: the week's WeeklySummary row is claimed first, so a second run (the beat
    task runs hourly) writes nothing. Returns whether this run wrote it."""
    now = now or timezone.now()
    today = now.astimezone(company_tz()).date()
    this_monday = today - datetime.timedelta(days=today.weekday())
    week_start = this_monday - datetime.timedelta(days=7)
    week_end = this_monday - datetime.timedelta(days=1)
    with transaction.atomic():
        _summary, created = WeeklySummary.objects.get_or_create(week_start=week_start)
        if not created:
            return False
        scope = Scope(start=_midnight(week_start), end=_midnight(this_monday))
        events.weekly_summary.send(
            sender=WeeklySummary,
            week_start=week_start,
            week_end=week_end,
            figures=selectors.headline(scope, now=now, today=today),
            query=urlencode({"start": week_start.isoformat(), "end": week_end.isoformat()}),
        )
    return True
