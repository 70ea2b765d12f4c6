"""Demo preventive plans: a few of the demo contracts get a plan, one of them with a visit
overdue (its window passed a few days ago, nobody went), one due this week and one next
month, generated as the beat task would (tickets.services.maintenance). Idempotent: a
contract that has a demo plan already is left as it is."""

from __future__ import annotations

import datetime

from django.utils import timezone

from contracts.models import PreventivePlan, ServiceContract
from tickets.services import maintenance

PLANS = [
    # (what, first due in days from today, every months, tolerance days)
    ("Boiler service and flue check", -9, 12, 3),  # overdue: its window ended 6 days ago
    ("Air-conditioning filters and gas check", 5, 6, 7),
    ("Dishwasher descaling", 40, 3, 14),
]


def seed_maintenance() -> int:
    """Make the demo plans and their occurrences; return how many plans were made."""
    today = timezone.localdate()
    contracts = (
        ServiceContract.objects.filter(
            starts_on__lte=today, ends_on__gte=today + datetime.timedelta(days=90)
        )
        .filter(appliances__isnull=False)
        .distinct()
        .order_by("pk")
    )
    if PreventivePlan.objects.filter(name__in=[name for name, *_ in PLANS]).exists():
        return 0
    made: list[PreventivePlan] = []
    for contract, (name, due_in, every, tolerance) in zip(
        contracts[: len(PLANS)], PLANS, strict=False
    ):
        appliance = contract.appliances.select_related("site").order_by("pk").first()
        if appliance is None:
            continue
        plan = PreventivePlan.objects.create(
            contract=contract,
            name=name,
            site=appliance.site,
            first_due_on=today + datetime.timedelta(days=due_in),
            every_months=every,
            tolerance_days=tolerance,
            expected_minutes=60,
        )
        plan.appliances.add(appliance)
        made.append(plan)
    if not made:
        return 0
    late = [p.pk for p in made if p.first_due_on < today]
    # The overdue one was generated when its window was open, as the task would have done.
    maintenance.generate(now=timezone.now() - datetime.timedelta(days=9), plan_ids=late)
    maintenance.generate(plan_ids=[p.pk for p in made])
    maintenance.mark_missed()
    return len(made)
