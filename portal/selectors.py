"""Reads for the customer's pages."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

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
    """When the technician on the way to this visit should arrive; None unless en route."""
    if visit.status != Visit.Status.EN_ROUTE:
        return None
    return estimated_arrival(visit)


def awaiting_confirmation(customer: Customer) -> bool:
    """True while a customer who signed up has not yet confirmed their email address."""
    return SignUp.objects.filter(customer=customer, confirmed_at__isnull=True).exists()
