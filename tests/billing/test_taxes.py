"""Which VAT applies (billing/services/taxes.py): the member state of a VAT number, its offline
check, the reverse charge, the country's standard rate and Italy's stamp duty, each rule at its
boundary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import Company, TaxRate
from billing.services import taxes
from fieldservice.errors import InvalidInput

ITALIAN = Company(legal_name="Idraulica", country="IT")
SPANISH = Company(legal_name="Fontanería", country="ES")
GERMAN_VAT = "DE136695976"  # a number python-stdnum's checksum accepts
ITALIAN_VAT = "IT00743110157"
GREEK_VAT = "EL094259216"


def test_the_default_company_comes_first_then_any_then_an_error(db):
    Company.objects.all().delete()
    with pytest.raises(InvalidInput) as refused:
        taxes.default_company()
    assert refused.value.field == "company"
    assert str(refused.value) == "No issuing company is set up."

    first = Company.objects.create(legal_name="First", country="IT")
    assert taxes.default_company() == first

    chosen = Company.objects.create(legal_name="Chosen", country="ES", is_default=True)
    assert taxes.default_company() == chosen


@pytest.mark.parametrize(
    ("vat_number", "country", "member_state"),
    [
        (GERMAN_VAT, "IT", "DE"),
        ("de 136 695 976", "IT", "DE"),  # compacted and upper-cased
        (GREEK_VAT, "IT", "GR"),  # Greece's VAT prefix is EL
        ("136695976", "DE", "DE"),  # no prefix: the country given
        ("", "ES", "ES"),
        ("D1234", "BG", "BG"),  # one letter is no prefix
    ],
)
def test_the_member_state_of_a_vat_number(vat_number, country, member_state):
    assert taxes.vat_country(vat_number, country) == member_state


@pytest.mark.parametrize(
    ("vat_number", "country", "valid"),
    [
        (GERMAN_VAT, "IT", True),
        ("DE136695977", "DE", False),  # checksum off by one
        ("136695976", "DE", True),  # the country's prefix is put in front
        ("136695976", "IT", False),  # ... and it must be the right one
        ("094259216", "GR", True),  # Greece's numbers are prefixed EL
        ("", "DE", False),
    ],
)
def test_a_vat_number_is_checked_offline_with_the_country_prefix(vat_number, country, valid):
    assert taxes.valid_vat(vat_number, country) is valid


def reverse_charge(company=ITALIAN, *, buyer_country="DE", vat_number=GERMAN_VAT, business=True):
    return taxes.is_reverse_charge(
        company, buyer_country=buyer_country, vat_number=vat_number, is_business=business
    )


def test_reverse_charge_for_a_business_of_another_member_state_with_a_valid_number():
    assert reverse_charge() is True
    assert reverse_charge(SPANISH, buyer_country="IT", vat_number=ITALIAN_VAT) is True


@pytest.mark.parametrize(
    "why_not",
    [
        {"business": False},  # a consumer pays the VAT
        {"company": Company(legal_name="Bau", country="DE")},  # the same member state
        {"vat_number": "DE136695977"},  # an invalid number
        {"vat_number": "", "buyer_country": "DE"},  # no number at all
        {"vat_number": "CHE116281710", "buyer_country": "CH"},  # outside the EU
    ],
)
def test_no_reverse_charge_when_any_condition_fails(why_not):
    assert not reverse_charge(**why_not)


def test_the_standard_rate_is_the_highest_active_standard_rate_of_the_country(db):
    TaxRate.objects.all().delete()
    TaxRate.objects.create(country="IT", kind=TaxRate.Kind.STANDARD, rate=Decimal("22"))
    TaxRate.objects.create(country="IT", kind=TaxRate.Kind.STANDARD, rate=Decimal("20"))
    TaxRate.objects.create(
        country="IT", kind=TaxRate.Kind.STANDARD, rate=Decimal("25"), active=False
    )
    TaxRate.objects.create(country="IT", kind=TaxRate.Kind.REDUCED, rate=Decimal("30"))
    TaxRate.objects.create(country="ES", kind=TaxRate.Kind.STANDARD, rate=Decimal("21"))

    assert taxes.standard_rate("IT").rate == Decimal("22")
    assert taxes.standard_rate("ES").rate == Decimal("21")
    assert taxes.standard_rate("BG") is None


@pytest.mark.parametrize(
    ("lines", "duty"),
    [
        ([("E", Decimal("77.48"))], Decimal("2.00")),
        ([("E", Decimal("77.47"))], Decimal("0.00")),  # exceed, not reach
        ([("E", Decimal("40.00")), ("Z", Decimal("37.48"))], Decimal("2.00")),  # summed
        ([("Z", Decimal("100.00"))], Decimal("2.00")),
        ([("S", Decimal("500.00")), ("AE", Decimal("500.00"))], Decimal("0.00")),  # taxed
        ([], Decimal("0.00")),
    ],
)
def test_italys_stamp_duty_on_more_than_77_47_euros_outside_vat(lines, duty):
    assert taxes.stamp_duty_for(ITALIAN, lines) == duty


def test_no_stamp_duty_outside_italy():
    assert taxes.stamp_duty_for(SPANISH, [("E", Decimal("1000.00"))]) == Decimal("0.00")
    assert str(taxes.stamp_duty_for(SPANISH, [])) == "0.00"
    assert str(taxes.stamp_duty_for(ITALIAN, [])) == "0.00"
    assert str(taxes.stamp_duty_for(ITALIAN, [("E", Decimal("80"))])) == "2.00"


def test_the_member_states_are_the_twenty_seven():
    assert {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    } == taxes.EU_COUNTRIES  # fmt: skip


def test_the_reverse_charge_wording_and_the_stamp_duty_figures():
    assert str(taxes.REVERSE_CHARGE_WORDING) == "Reverse charge"
    assert str(taxes.STAMP_DUTY) == "2.00"
    assert str(taxes.STAMP_DUTY_THRESHOLD) == "77.47"


@pytest.mark.parametrize(
    "written",
    ["ESX2482300W", "es x-2482300-w", "ES.X2482300W", "ESX2482300W,"],
)
def test_a_number_keeps_its_letters_and_loses_only_separators(written):
    # A Spanish foreigner's number starts with X: only spaces, dashes, dots and commas go.
    assert taxes.compact_vat(written) == "ESX2482300W"
    assert taxes.valid_vat(written, "ES")
    assert taxes.vat_country(written, "IT") == "ES"


def test_a_one_letter_number_is_no_prefix():
    assert taxes.vat_country("D", "BG") == "BG"
