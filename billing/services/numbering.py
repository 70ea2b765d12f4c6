"""Invoice numbers: per company, with no gaps and no doubles, by the rule of the company's
country (RULES, one row per country, explicit rather than an `if` for one of them).

- Italy and Spain: one series per kind of document (invoices, credit notes, deferred
  invoices), restarting every year: "2026/000123", "NC-2026/000004".
- Bulgaria (ЗДДС art. 114, ППЗДДС art. 78): every document of a company, invoices and credit
  notes alike, in one unbroken sequence of exactly ten digits that never restarts with the
  year: "0000000123" follows "0000000122" across 31 December.

The series row is locked (SELECT ... FOR UPDATE) inside the issuing transaction, so two
documents issued at once wait for each other and a rolled-back issue gives its number back."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput

from ..models import Company, Invoice, NumberSeries

PREFIX: dict[str, str] = {
    Invoice.Kind.INVOICE: "",
    Invoice.Kind.CREDIT_NOTE: "NC-",
    Invoice.Kind.DEFERRED: "FD-",
}
# The year a series that never restarts is kept under.
NO_YEAR = 0


@dataclass(frozen=True)
class NumberingRule:
    one_series: bool  # every kind of document shares one sequence
    yearly: bool  # the sequence restarts on 1 January
    digits: int  # the sequence is zero-padded to this many digits
    with_year_and_prefix: bool  # "NC-2026/000004" rather than the bare digits

    def format(self, kind: str, year: int, sequence: int) -> str:
        if sequence >= 10**self.digits:
            raise InvalidInput(
                _("The number series is full: %(digits)s digits are used up.")
                % {"digits": self.digits},
                field="number",
            )
        digits = f"{sequence:0{self.digits}d}"
        return f"{PREFIX[kind]}{year}/{digits}" if self.with_year_and_prefix else digits


YEARLY_PER_KIND = NumberingRule(one_series=False, yearly=True, digits=6, with_year_and_prefix=True)
RULES: dict[str, NumberingRule] = {
    "IT": YEARLY_PER_KIND,
    "ES": YEARLY_PER_KIND,
    "BG": NumberingRule(one_series=True, yearly=False, digits=10, with_year_and_prefix=False),
}


def rule_for(company: Company) -> NumberingRule:
    return RULES.get(company.country, YEARLY_PER_KIND)


def series_key(company: Company, kind: str, year: int) -> tuple[str, int]:
    rule = rule_for(company)
    return (
        Invoice.Kind.INVOICE if rule.one_series else kind,
        year if rule.yearly else NO_YEAR,
    )


def format_number(company: Company, kind: str, year: int, sequence: int) -> str:
    return rule_for(company).format(kind, year, sequence)


def next_number(company: Company, kind: str, year: int) -> tuple[int, str]:
    """The next (sequence, number) of the series; call inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() runs inside the issuing transaction")
    series_kind, series_year = series_key(company, kind, year)
    NumberSeries.objects.get_or_create(company=company, kind=series_kind, year=series_year)
    series = NumberSeries.objects.select_for_update().get(
        company=company, kind=series_kind, year=series_year
    )
    series.last_number += 1
    number = format_number(company, kind, year, series.last_number)
    series.save(update_fields=["last_number"])
    return series.last_number, number
