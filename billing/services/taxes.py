"""Which VAT applies: the issuing company's country, the buyer's country and status."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.eu import vat as eu_vat
from stdnum.util import clean

from fieldservice.errors import InvalidInput

from ..models import Company, TaxRate

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
# The wording the law asks for on a reverse-charge invoice, in the invoice's language
# (the translations give "Inversione contabile", "Inversión del sujeto pasivo",
# "Обратно начисляване").
REVERSE_CHARGE_WORDING = gettext_lazy("Reverse charge")
# Italy: the stamp duty on invoices whose amounts not subject to VAT exceed the threshold.
STAMP_DUTY = Decimal("2.00")
STAMP_DUTY_THRESHOLD = Decimal("77.47")


def default_company() -> Company:
    company = Company.objects.filter(is_default=True).first() or Company.objects.first()
    if company is None:
        raise InvalidInput(_("No issuing company is set up."), field="company")
    return company


def compact_vat(vat_number: str) -> str:
    """The number without spaces, dashes and dots, upper-cased. Not python-stdnum's
    eu.vat.compact, which raises for a number without a member state's prefix (one written
    without it, or a Swiss one)."""
    return clean(vat_number, " -./,").upper().strip()


def vat_country(vat_number: str, country: str) -> str:
    """The member state of a VAT number (its prefix, Greece's EL as GR), else `country`."""
    prefix = compact_vat(vat_number)[:2]
    if prefix == "EL":
        return "GR"
    return prefix if prefix.isalpha() and len(prefix) == 2 else country


def valid_vat(vat_number: str, country: str) -> bool:
    """python-stdnum's offline checksum; a number without its prefix gets the country's."""
    if not vat_number:
        return False
    compact = compact_vat(vat_number)
    if not compact[:2].isalpha():
        compact = ("EL" if country == "GR" else country) + compact
    return bool(eu_vat.is_valid(compact))


def is_reverse_charge(
    company: Company, *, buyer_country: str, vat_number: str, is_business: bool
) -> bool:
    """An EU business in another member state, with a valid VAT number: the buyer accounts
    for the VAT (reverse charge, category AE, 0%)."""
    country = vat_country(vat_number, buyer_country)
    return (
        is_business
        and country in EU_COUNTRIES
        and country != company.country
        and valid_vat(vat_number, country)
    )


def standard_rate(country: str) -> TaxRate | None:
    return (
        TaxRate.objects.filter(country=country, kind=TaxRate.Kind.STANDARD, active=True)
        .order_by("-rate")
        .first()
    )


def stamp_duty_for(company: Company, lines: Iterable[tuple[str, Decimal]]) -> Decimal:
    """Italy's stamp duty: 2 euros when the lines outside VAT (exempt, zero, not subject)
    exceed 77.47 euros; `lines` are (category, net)."""
    if company.country != "IT":
        return Decimal("0.00")
    outside = sum((net for category, net in lines if category in {"E", "Z"}), Decimal(0))
    return STAMP_DUTY if outside > STAMP_DUTY_THRESHOLD else Decimal("0.00")
