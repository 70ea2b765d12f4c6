"""The state of one SLA clock (response or resolution) as the desk and the board show it.

Pure values, no models: the Ticket model's properties and the selectors both call it."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

MET = "met"
MET_LATE = "met_late"
BREACHED = "breached"
AT_RISK = "at_risk"
FINE = "fine"


def at_risk_margin() -> datetime.timedelta:
    """How close to its due time an unmet clock is "at risk" (the dispatchers' alert margin)."""
    minutes = settings.FIELDSERVICE.get("NOTIFICATIONS", {}).get("SLA_ALERT_MINUTES", 60)
    return datetime.timedelta(minutes=minutes)


def clock_state(
    *,
    due: datetime.datetime | None,
    met_at: datetime.datetime | None,
    paused: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """Met (on time or late) once met; otherwise breached past due, at risk within the margin
    (not while the clock is paused: the due time moves when it resumes), else fine."""
    if due is None:
        return FINE
    if met_at is not None:
        return MET if met_at <= due else MET_LATE
    now = now or timezone.now()
    if now > due:
        return BREACHED
    if paused is None and due - now <= at_risk_margin():
        return AT_RISK
    return FINE
