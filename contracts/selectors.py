"""Reads of contracts that more than one caller needs."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from customers.models import Appliance, Site
from fieldservice import roles

from .models import ServiceContract


def contracts_for(user: User) -> QuerySet[ServiceContract]:
    """Contracts are commercial: dispatchers and the customer who holds them, not technicians."""
    return roles.scoped(
        ServiceContract.objects.select_related("customer"), user, customer="customer"
    )


def contract_covering(
    *, appliance: Appliance | None, site: Site | None, on: datetime.date
) -> ServiceContract | None:
    """The contract of the site's customer active on `on` that lists the appliance or its site;
    of several, the one ending last."""
    site = appliance.site if appliance is not None else site
    if site is None:
        return None
    covers = Q(sites=site)
    if appliance is not None:
        covers |= Q(appliances=appliance)
    return (
        ServiceContract.objects.filter(covers, customer_id=site.customer_id)
        .filter(starts_on__lte=on, ends_on__gte=on)
        .order_by("-ends_on", "pk")
        .first()
    )


def contracts_listing(appliance: Appliance) -> list[ServiceContract]:
    """Every contract of the appliance's customer that lists it or its site, active or not,
    the one ending last first."""
    if appliance.pk is None or appliance.site_id is None:
        return []
    return list(
        ServiceContract.objects.filter(
            Q(appliances=appliance) | Q(sites=appliance.site_id),
            customer_id=appliance.site.customer_id,
        )
        .distinct()
        .order_by("-ends_on", "pk")
    )
