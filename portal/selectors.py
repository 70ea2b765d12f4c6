"""Reads for the customer's pages."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from customers.models import Customer
from dispatch.selectors import estimated_arrival
from tickets.models import Ticket, Visit

from .models import SignUp

if TYPE_CHECKING:
    from django.db.models import QuerySet


def tickets_of(customer: Customer) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(customer=customer)
        .select_related("site", "appliance__model", "appliance_model")
        .prefetch_related("visits")
        .order_by("-created_at")
    )


def eta(visit: Visit) -> datetime.datetime | None:
    """When the technician on the way to this visit should arrive; None unless en route, and
    None when that would be before the day of the promised window (or of the planned start):
    a technician who set off the evening before is not "on the way, expected at 22:24"."""
    if visit.status != Visit.Status.EN_ROUTE:
        return None
    arrival = estimated_arrival(visit)
    promised = visit.window_start or visit.planned_start
    if arrival is None or promised is None:
        return arrival
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    if arrival.astimezone(tz).date() < promised.astimezone(tz).date():
        return None
    return arrival


def awaiting_confirmation(customer: Customer) -> bool:
    """True while a customer who signed up has not yet confirmed their email address."""
    return SignUp.objects.filter(customer=customer, confirmed_at__isnull=True).exists()
