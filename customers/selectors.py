"""Customers and what they own, scoped by who asks (pages and API alike).

Dispatchers see all; a customer sees their own; a technician sees the customers, sites and
appliances behind their own visits. Lookups go through the reverse relations by name, so this
app imports nothing from the apps above it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from fieldservice import roles

from .models import Appliance, Customer, ServiceContract, Site

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


def _scope(qs: QuerySet, user: User, *, own: str, visited: str | None) -> QuerySet:
    if roles.has_role(user, roles.DISPATCHER):
        return qs
    if visited and roles.has_role(user, roles.TECHNICIAN) and hasattr(user, "technician"):
        return qs.filter(**{visited: user.technician.pk}).distinct()
    if roles.has_role(user, roles.CUSTOMER) and hasattr(user, "customer"):
        return qs.filter(**{own: user.customer.pk})
    return qs.none()


def customers_for(user: User) -> QuerySet[Customer]:
    return _scope(Customer.objects.all(), user, own="pk", visited="tickets__visits__technician")


def sites_for(user: User) -> QuerySet[Site]:
    return _scope(
        Site.objects.select_related("customer"),
        user,
        own="customer",
        visited="tickets__visits__technician",
    )


def appliances_for(user: User) -> QuerySet[Appliance]:
    return _scope(
        Appliance.objects.select_related("model", "site__customer"),
        user,
        own="site__customer",
        visited="tickets__visits__technician",
    )


def contracts_for(user: User) -> QuerySet[ServiceContract]:
    """Contracts are commercial: dispatchers and the customer who holds them, not technicians."""
    return _scope(
        ServiceContract.objects.select_related("customer"), user, own="customer", visited=None
    )
