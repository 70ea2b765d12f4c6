"""Technicians' last known positions: recorded from the phone while a visit is en route, kept
one per technician (the latest), read fresh for arrival estimates and the tracking map, and
swept once older than settings.POSITION_MAX_AGE_MINUTES. No history of positions is kept."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput, NotAllowed
from technicians.models import Technician
from tickets import locks
from tickets.models import Visit

from .models import TechnicianPosition

# A phone's clock may run a little ahead of the server's; a reading further ahead is refused.
CLOCK_SKEW = datetime.timedelta(minutes=2)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.POSITION_MAX_AGE_MINUTES)


def in_working_hours(technician: Technician, moment: datetime.datetime) -> bool:
    """Whether `moment` falls inside the technician's local shift of that weekday."""
    shift = shift_today(technician, moment)
    return shift is not None and shift[0] <= moment < shift[1]


def record_position(
    *,
    technician: Technician,
    visit: Visit,
    latitude: float,
    longitude: float,
    accuracy: float | None,
    recorded_at: datetime.datetime,
) -> TechnicianPosition | None:
    """Keep the technician's position read at `recorded_at` while driving to `visit`, in place
    of the one stored; a reading no newer than the stored one (or already stale) changes
    nothing and returns None. Refused unless the visit is the technician's and en route now,
    the reading was taken after they set off, and it falls inside their working hours."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise InvalidInput(_("The position is not on the Earth."), field="latitude")
    if accuracy is not None and accuracy < 0:
        raise InvalidInput(_("The accuracy cannot be negative."), field="accuracy")
    now = timezone.now()
    if recorded_at > now + CLOCK_SKEW:
        raise InvalidInput(_("The position was read in the future: check the phone's clock."))
    with transaction.atomic():
        # Readings of one technician are stored one at a time: the newest wins, whatever order
        # two copies arrive in.
        technician = locks.lock_technician(technician.pk)
        visit = Visit.objects.get(pk=visit.pk)
        if visit.technician_id != technician.pk or visit.status != Visit.Status.EN_ROUTE:
            raise NotAllowed(
                _("Your position is only sent while you are on your way to one of your visits.")
            )
        if not in_working_hours(technician, recorded_at):
            raise NotAllowed(_("Your position is never recorded outside your working hours."))
        if recorded_at < now - max_age() or (
            visit.en_route_at is not None and recorded_at < visit.en_route_at
        ):
            return None
        stored = TechnicianPosition.objects.filter(technician=technician).first()
        if stored is not None and stored.recorded_at >= recorded_at:
            return None
        position, _created = TechnicianPosition.objects.update_or_create(
            technician=technician,
            defaults={
                "visit": visit,
                "latitude": latitude,
                "longitude": longitude,
                "accuracy": accuracy,
                "recorded_at": recorded_at,
            },
        )
    return position


def fresh_position(visit: Visit) -> TechnicianPosition | None:
    """The position its technician sent while driving to `visit`, if the visit is still en
    route and the position is not older than POSITION_MAX_AGE_MINUTES; None otherwise."""
    if visit.status != Visit.Status.EN_ROUTE or visit.technician_id is None:
        return None
    position = TechnicianPosition.objects.filter(
        technician_id=visit.technician_id,
        visit_id=visit.pk,
        recorded_at__gte=timezone.now() - max_age(),
    ).first()
    if position is None or (visit.en_route_at and position.recorded_at < visit.en_route_at):
        return None
    return position


def drop_stale_positions() -> int:
    """Delete the positions older than POSITION_MAX_AGE_MINUTES; how many went."""
    deleted, _by_model = TechnicianPosition.objects.filter(
        recorded_at__lt=timezone.now() - max_age()
    ).delete()
    return deleted


def shift_today(
    technician: Technician, moment: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime] | None:
    """The technician's shift on the local day of `moment` (start, end), None on a day off:
    the phone sends positions only inside it."""
    tz = ZoneInfo(str(technician.timezone))
    day = moment.astimezone(tz).date()
    for shift in technician.working_hours.all():
        if shift.weekday == day.weekday():
            return (
                datetime.datetime.combine(day, shift.starts_at, tzinfo=tz),
                datetime.datetime.combine(day, shift.ends_at, tzinfo=tz),
            )
    return None
