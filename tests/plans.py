"""Preventive plans for tests: a contract of the site's customer covering one appliance there."""

from __future__ import annotations

import datetime

from django.utils import timezone

from contracts.models import PreventivePlan
from tests.factories import ApplianceFactory, ServiceContractFactory, SiteFactory


def a_plan(
    *,
    first_due_on: datetime.date | None = None,
    every_months: int = 6,
    tolerance_days: int = 14,
    site=None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    name: str = "Boiler service",
    **kwargs,
) -> PreventivePlan:
    site = site or SiteFactory()
    today = timezone.localdate()
    contract = ServiceContractFactory(
        customer=site.customer,
        starts_on=starts_on or today - datetime.timedelta(days=30),
        ends_on=ends_on or today + datetime.timedelta(days=3 * 365),
    )
    appliance = ApplianceFactory(site=site, contract=contract)
    plan = PreventivePlan.objects.create(
        contract=contract,
        name=name,
        site=site,
        first_due_on=first_due_on or today + datetime.timedelta(days=20),
        every_months=every_months,
        tolerance_days=tolerance_days,
        **kwargs,
    )
    plan.appliances.add(appliance)
    return plan
