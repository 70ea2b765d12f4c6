"""Money as the pages show it: a Decimal amount with its currency, never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        # Two decimals with the language's separators ("45.00 EUR", "45,00 EUR").
        return f"{formats.number_format(self.amount, 2, use_l10n=True)} {self.currency}"
