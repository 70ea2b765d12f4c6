"""Hour banks for the demo: a few of the demo's contracts get a bank of prepaid hours with its
ledger (hours bought, visits drawn, an adjustment), one of them running low, one ending within
30 days. Written through the services, as the desk would; a second run adds nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from contracts.models import HourBankEntry, ServiceContract
from contracts.services import adjust_hours, draw_hours, purchase_hours


@transaction.atomic
def seed_contracts(*, today: datetime.date | None = None) -> int:
    """Give the first three demo contracts an hour bank. Returns the banks set up (0 when the
    demo has them already)."""
    today = today or timezone.localdate()
    if HourBankEntry.objects.exists():
        return 0
    picked = list(ServiceContract.objects.filter(number__startswith="SC-").order_by("number")[:3])
    for i, contract in enumerate(picked):
        contract.hour_bank = True
        contract.billing_increment_minutes = 15
        contract.low_balance_minutes = 120
        contract.starts_on = min(contract.starts_on, today - datetime.timedelta(days=60))
        if i == 1:  # one ending soon: its renewal reminder is due
            contract.ends_on = today + datetime.timedelta(days=20)
        elif contract.ends_on <= today + datetime.timedelta(days=60):
            contract.ends_on = today + datetime.timedelta(days=200)
        if i == 2:
            contract.labour = ServiceContract.Labour.DISCOUNTED
            contract.labour_discount_percent = 20
            contract.allow_overdraft = True
            contract.overage_rate = Money("75.00", "EUR")
            contract.unused_hours = ServiceContract.UnusedHours.ROLL_OVER
        contract.save()
        bought = today - datetime.timedelta(days=50)
        purchase_hours(contract=contract, minutes=600, on=bought, note="Order 10 h")
        # The first one runs low: 10 h bought, 9 h drawn (in started quarter hours).
        drawn = [190, 200, 135] if i == 0 else [95, 50]
        for n, minutes in enumerate(drawn):
            draw_hours(
                contract=contract,
                minutes=minutes,
                on=bought + datetime.timedelta(days=10 * (n + 1)),
                note=f"Visit {n + 1}",
            )
        if i == 2:
            adjust_hours(
                contract=contract,
                minutes=60,
                on=today - datetime.timedelta(days=5),
                reason="Goodwill hour after a repeat visit",
            )
    return len(picked)
