"""The numbering rule itself (billing/services/numbering.py), without issuing an invoice: the
exact text of each country's numbers, the series a document counts in, the end of a series and
the next number inside the issuing transaction."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import transaction

from billing.models import Company, Invoice, NumberSeries
from billing.services import numbering
from fieldservice.errors import InvalidInput

INVOICE, CREDIT_NOTE, DEFERRED = (
    Invoice.Kind.INVOICE,
    Invoice.Kind.CREDIT_NOTE,
    Invoice.Kind.DEFERRED,
)
ITALY, SPAIN, BULGARIA = Company(country="IT"), Company(country="ES"), Company(country="BG")


@pytest.mark.parametrize(
    ("company", "kind", "number"),
    [
        (ITALY, INVOICE, "2026/000123"),
        (ITALY, CREDIT_NOTE, "NC-2026/000123"),
        (ITALY, DEFERRED, "FD-2026/000123"),
        (SPAIN, CREDIT_NOTE, "NC-2026/000123"),
        (BULGARIA, INVOICE, "0000000123"),
        (BULGARIA, CREDIT_NOTE, "0000000123"),
        (Company(country="FR"), DEFERRED, "FD-2026/000123"),  # no rule: yearly per kind
    ],
)
def test_the_number_as_each_country_writes_it(company, kind, number):
    assert numbering.format_number(company, kind, 2026, 123) == number


def test_a_series_ends_at_its_last_number_of_so_many_digits():
    assert numbering.format_number(ITALY, INVOICE, 2026, 999_999) == "2026/999999"
    assert numbering.format_number(BULGARIA, INVOICE, 2026, 9_999_999_999) == "9999999999"
    with pytest.raises(InvalidInput) as full:
        numbering.format_number(ITALY, INVOICE, 2026, 1_000_000)
    assert full.value.field == "number"
    assert str(full.value) == "The number series is full: 6 digits are used up."


@pytest.mark.parametrize(
    ("company", "kind", "year", "key"),
    [
        (ITALY, CREDIT_NOTE, 2026, (CREDIT_NOTE, 2026)),
        (SPAIN, DEFERRED, 2027, (DEFERRED, 2027)),
        (BULGARIA, CREDIT_NOTE, 2026, (INVOICE, 0)),  # one series, never restarting
        (BULGARIA, DEFERRED, 2027, (INVOICE, 0)),
    ],
)
def test_the_series_a_document_counts_in(company, kind, year, key):
    assert numbering.series_key(company, kind, year) == key


def test_a_rule_cannot_be_changed_in_passing():
    with pytest.raises(dataclasses.FrozenInstanceError):
        numbering.RULES["IT"].digits = 7  # type: ignore[misc]


def test_the_next_number_is_taken_only_inside_the_issuing_transaction(db):
    company = Company.objects.create(legal_name="Idraulica", country="IT")
    # pytest-django's test transaction is an atomic block: step out of it to see the refusal.
    connection = transaction.get_connection()
    connection.in_atomic_block, was = False, connection.in_atomic_block
    try:
        with pytest.raises(RuntimeError, match=r"^next_number\(\) runs inside the issuing"):
            numbering.next_number(company, INVOICE, 2026)
    finally:
        connection.in_atomic_block = was
    assert not NumberSeries.objects.exists()


def test_the_next_number_counts_up_per_series_and_is_saved(db):
    italy = Company.objects.create(legal_name="Idraulica", country="IT")
    bulgaria = Company.objects.create(legal_name="ВиК", country="BG")
    with transaction.atomic():
        taken = [
            numbering.next_number(italy, INVOICE, 2026),
            numbering.next_number(italy, INVOICE, 2026),
            numbering.next_number(italy, CREDIT_NOTE, 2026),
            numbering.next_number(italy, INVOICE, 2027),
            numbering.next_number(bulgaria, INVOICE, 2026),
            numbering.next_number(bulgaria, CREDIT_NOTE, 2027),
        ]

    assert taken == [
        (1, "2026/000001"),
        (2, "2026/000002"),
        (1, "NC-2026/000001"),
        (1, "2027/000001"),
        (1, "0000000001"),
        (2, "0000000002"),
    ]
    saved = {(s.company.country, s.kind, s.year): s.last_number for s in NumberSeries.objects.all()}
    assert saved == {
        ("IT", INVOICE, 2026): 2,
        ("IT", CREDIT_NOTE, 2026): 1,
        ("IT", INVOICE, 2027): 1,
        ("BG", INVOICE, 0): 2,
    }
