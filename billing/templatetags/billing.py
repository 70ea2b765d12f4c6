"""{{ amount|money:invoice.currency }}: an amount in the reader's locale with its currency."""

from __future__ import annotations

from decimal import Decimal

from django import template

from fieldservice.money import Money

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    if amount is None:
        return ""
    return str(Money(Decimal(amount), currency))
