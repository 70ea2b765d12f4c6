"""Technicians' private calendar feeds."""

from __future__ import annotations

import datetime
import secrets
from zoneinfo import ZoneInfo

from django.utils import timezone

from technicians.models import Technician
from tickets.models import Visit

from .. import calendar
from ..models import CalendarFeed
from .recipients import staff_language


def issue_feed(*, technician: Technician) -> CalendarFeed:
    """A new secret feed URL for the technician; any earlier one stops working."""
    feed, _created = CalendarFeed.objects.update_or_create(
        technician=technician, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def revoke_feed(*, technician: Technician) -> None:
    CalendarFeed.objects.filter(technician=technician).delete()


def open_feed(*, token: str) -> CalendarFeed | None:
    """The feed a private URL names, or None. The URL is a credential that outlives nothing:
    once the technician's login is deactivated, or the technician is marked inactive, it stops
    answering, though nobody revoked it."""
    return (
        CalendarFeed.objects.select_related("technician__user")
        .filter(token=token, technician__active=True, technician__user__is_active=True)
        .first()
    )


def feed_calendar(feed: CalendarFeed) -> bytes:
    """The technician's visits from a week ago to a month ahead, as an iCalendar feed."""
    tech = feed.technician
    tz = ZoneInfo(str(tech.timezone))
    now = timezone.now()
    visits = (
        Visit.objects.filter(
            technician=tech,
            planned_start__gte=now - datetime.timedelta(days=7),
            planned_start__lte=now + datetime.timedelta(days=31),
        )
        .exclude(status=Visit.Status.CANCELLED)
        .select_related(
            "ticket__site",
            "ticket__customer",
            "ticket__appliance__model",
            "ticket__appliance_model",
        )
        .prefetch_related("ticket__error_codes")
    )
    return calendar.feed(visits, tz=tz, name=str(tech), language=staff_language(tech.user))
