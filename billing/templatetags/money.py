"""{{ amount|money:currency }}: an amount as the reader's language writes it."""

from __future__ import annotations

from decimal import Decimal

from django import template

from fieldservice.money import Money

register = template.Library()


@register.filter
def money(value: object, currency: str = "") -> str:
    amount = getattr(value, "amount", value)
    code = str(getattr(value, "currency", "") or currency)
    if amount is None or amount == "":
        return ""
    return str(Money(Decimal(str(amount)), code))
