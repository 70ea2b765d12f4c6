"""Invoice numbers: per company, series (kind) and year, with no gaps and no doubles.

The series row is locked (SELECT ... FOR UPDATE) inside the issuing transaction, so two
documents issued at once wait for each other and a rolled-back issue gives its number back.
Bulgaria numbers every document of a company in one unbroken ten-digit sequence that does not
restart with the year; elsewhere each series restarts every year ("2026/000123")."""

from __future__ import annotations

from django.db import transaction

from ..models import Company, Invoice, NumberSeries

PREFIX: dict[str, str] = {
    Invoice.Kind.INVOICE: "",
    Invoice.Kind.CREDIT_NOTE: "NC-",
    Invoice.Kind.DEFERRED: "FD-",
}


def series_key(company: Company, kind: str, year: int) -> tuple[str, int]:
    if company.country == "BG":
        return Invoice.Kind.INVOICE, 0
    return kind, year


def format_number(company: Company, kind: str, year: int, sequence: int) -> str:
    if company.country == "BG":
        return f"{sequence:010d}"
    return f"{PREFIX[kind]}{year}/{sequence:06d}"


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
    series.save(update_fields=["last_number"])
    return series.last_number, format_number(company, kind, year, series.last_number)
