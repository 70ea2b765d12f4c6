"""Reads for the customer's pages."""

from __future__ import annotations

import datetime

from customers.models import Customer
from dispatch.travel import travel_source
from tickets.models import Ticket, Visit


def tickets_of(customer: Customer):
    return (
        Ticket.objects.filter(customer=customer)
        .select_related("site", "appliance__model", "appliance_model")
        .prefetch_related("visits")
        .order_by("-created_at")
    )


def eta(visit: Visit) -> datetime.datetime | None:
    """When an en-route technician should arrive: left at en_route_at, drove from home base
    (the phone app does not report positions)."""
    if visit.status != Visit.Status.EN_ROUTE or not visit.en_route_at or not visit.technician:
        return None
    tech, site = visit.technician, visit.ticket.site
    seconds = travel_source().seconds(
        (tech.home_latitude, tech.home_longitude), (site.latitude, site.longitude)
    )
    return visit.en_route_at + datetime.timedelta(seconds=seconds)
