"""Customers and what they own, scoped by who asks (pages and API alike).

Dispatchers see all; a customer sees their own; a technician sees the customers, sites and
appliances behind their own visits. Lookups go through the reverse relations by name, so this
app imports nothing from the apps above it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from fieldservice import roles

from .models import Appliance, Customer, ServiceContract, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def customers_for(user: User) -> QuerySet[Customer]:
    return roles.scoped(
        Customer.objects.all(),
        user,
        customer="pk",
        technician="tickets__visits__technician",
        distinct=True,
    )


def sites_for(user: User) -> QuerySet[Site]:
    return roles.scoped(
        Site.objects.select_related("customer"),
        user,
        customer="customer",
        technician="tickets__visits__technician",
        distinct=True,
    )


def appliances_for(user: User) -> QuerySet[Appliance]:
    return roles.scoped(
        Appliance.objects.select_related("model", "site__customer"),
        user,
        customer="site__customer",
        technician="tickets__visits__technician",
        distinct=True,
    )


def contracts_for(user: User) -> QuerySet[ServiceContract]:
    """Contracts are commercial: dispatchers and the customer who holds them, not technicians."""
    return roles.scoped(
        ServiceContract.objects.select_related("customer"), user, customer="customer"
    )


def search_customers(*, q: str, limit: int = 10) -> QuerySet[Customer]:
    """Customers by name, email, phone or an appliance's serial number, as an agent types:
    nothing for fewer than 2 characters (or a null character, which PostgreSQL cannot compare
    and nobody's name contains)."""
    q = q.strip()
    if len(q) < 2 or "\x00" in q:
        return Customer.objects.none()
    match = (
        Q(name__icontains=q) | Q(email__icontains=q) | Q(sites__appliances__serial_number__iexact=q)
    )
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) >= 4:
        match |= Q(phone__contains=digits)
    return (
        Customer.objects.filter(match)
        .distinct()
        .prefetch_related("sites__appliances__model")[:limit]
    )
