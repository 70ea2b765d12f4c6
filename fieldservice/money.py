"""Money as the pages show it: a Decimal amount with its currency, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings
from django.utils import translation

# CLDR's currency spacing, which babel leaves out: a code or a lettered symbol is kept apart
# from the digits ("CHF 85.00", "85,00 лв."), a sign such as € or $ is not.
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def __str__(self) -> str:
        # The reader's language places the symbol and separators: "€1,234.50" in English,
        # "1.234,50 €" in Italian and Spanish, "1 234,50 €" in Bulgarian. Django has no
        # currency formats, babel's CLDR data does.
        language = translation.get_language() or settings.LANGUAGE_CODE
        text = format_currency(self.amount, self.currency, locale=translation.to_locale(language))
        return _LETTER_DIGIT.sub("\N{NO-BREAK SPACE}", text)
