"""A visit's crew: the bookings of its lead and helpers kept in step with the visit, and the
rule that only the lead moves the visit along. Adding and removing helpers is the
dispatcher's (dispatch.crew), which checks each helper is free first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from fieldservice import roles
from fieldservice.errors import NotAllowed

from ..models import Visit, VisitBooking

if TYPE_CHECKING:
    from django.contrib.auth.models import User

LEAD = VisitBooking.Role.LEAD
HELPER = VisitBooking.Role.HELPER


def sync_bookings(visit: Visit) -> None:
    """Make the visit's bookings say what the visit says: the lead's booking is its technician
    (none while it is on nobody's day), and every member's period is the planned range, active
    while the visit holds its crew's time. Called by every service that changes the visit's
    technician, time or status, after saving it; the caller holds the visit's lock. On
    PostgreSQL a member booked elsewhere at that time makes this fail (the exclusion
    constraint): the services check first and name who is busy."""
    leads = VisitBooking.objects.filter(visit=visit, role=LEAD)
    if visit.technician_id is None:
        leads.delete()
    else:
        leads.exclude(technician_id=visit.technician_id).delete()
        # A helper made lead keeps one booking, as the lead.
        VisitBooking.objects.filter(
            visit=visit, role=HELPER, technician_id=visit.technician_id
        ).delete()
        VisitBooking.objects.get_or_create(
            visit=visit, role=LEAD, defaults={"technician_id": visit.technician_id}
        )
    active = visit.status in Visit.BUSY_STATUSES and visit.planned_start is not None
    VisitBooking.objects.filter(visit=visit).update(
        planned_start=visit.planned_start, planned_end=visit.planned_end, active=active
    )


def is_helper(visit: Visit, user: User | None) -> bool:
    """Whether `user` is a helper of the visit (not its lead)."""
    technician = getattr(user, "technician", None) if user is not None else None
    if technician is None or technician.pk == visit.technician_id:
        return False
    return VisitBooking.objects.filter(visit=visit, technician=technician, role=HELPER).exists()


def ensure_lead(visit: Visit, by: User | None) -> None:
    """Refuse a helper's step on the visit (on my way, arrived, done): the lead marks them for
    the crew. Dispatchers may act for the lead."""
    if roles.has_role(by, roles.DISPATCHER) or not is_helper(visit, by):
        return
    raise NotAllowed(
        _("%(lead)s leads this visit: only the lead marks its steps and completes it.")
        % {"lead": visit.technician}
    )
