"""Reads for the technician's phone pages: their own visits only, with what to bring."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from catalog.models import ErrorCode
from technicians.models import Technician
from tickets.models import Visit


def day_visits(*, technician: Technician, days: int = 2) -> QuerySet[Visit]:
    """Today's and tomorrow's visits of one technician in planned order, in a fixed number of
    queries whatever their number (codes, parts and skills prefetched)."""
    tz = ZoneInfo(str(technician.timezone))
    today = timezone.now().astimezone(tz).date()
    start = datetime.datetime.combine(today, datetime.time(0), tzinfo=tz)
    end = start + datetime.timedelta(days=days)
    return (
        Visit.objects.filter(technician=technician, planned_start__gte=start, planned_start__lt=end)
        .exclude(status=Visit.Status.CANCELLED)
        .select_related(
            "ticket__customer",
            "ticket__site",
            "ticket__appliance__model",
            "ticket__appliance_model",
        )
        .prefetch_related(
            Prefetch("ticket__error_codes", queryset=ErrorCode.objects.prefetch_related("parts"))
        )
        .order_by("planned_start")
    )
