"""Money as the pages show it: a Decimal amount with its currency, never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        # The reader's language places the symbol and separators: "€1,234.50" in English,
        # "1.234,50 €" in Italian and Spanish, "1 234,50 €" in Bulgarian. Django has no
        # currency formats, babel's CLDR data does.
        language = translation.get_language() or settings.LANGUAGE_CODE
        return format_currency(self.amount, self.currency, locale=translation.to_locale(language))
