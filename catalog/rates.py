"""What billable work costs: the company's call-out fee and hourly labour rate, from its
settings (CALLOUT_FEE, HOURLY_RATE, CURRENCY) until a price list replaces them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from fieldservice.money import Money


@dataclass(frozen=True)
class LabourRates:
    """None where the company has not set a price: the desk then gives it."""

    callout_fee: Money | None
    hourly_rate: Money | None


def labour_rates() -> LabourRates:
    config = settings.FIELDSERVICE
    currency = config.get("CURRENCY", "EUR")

    def money(key: str) -> Money | None:
        amount = config.get(key)
        return None if amount is None else Money(amount, currency)

    return LabourRates(callout_fee=money("CALLOUT_FEE"), hourly_rate=money("HOURLY_RATE"))
