"""Numbers by the rule of the company's country: Bulgaria's one ten-digit sequence for every
document that never restarts with the year; Italy's and Spain's yearly series per kind."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from billing.models import Invoice
from billing.services import credit_note, draft_invoice_for_ticket, issue_invoice, numbering
from tests.billing.helpers import completed_work, ensure_rates_and_company

pytestmark = pytest.mark.django_db


def _issue(on: datetime.date) -> Invoice:
    draft = draft_invoice_for_ticket(completed_work(), by=None)
    return issue_invoice(draft, by=None, today=on, late_confirmed=True)


def test_bulgaria_continues_one_ten_digit_sequence_across_the_year_and_the_kinds(db):
    ensure_rates_and_company("BG")
    new_years_eve = datetime.date(2026, 12, 31)

    first = _issue(new_years_eve)
    labour = first.lines.order_by("position").first()
    note = credit_note(
        first, reason="x", lines={labour.pk: Decimal("0.5")}, by=None, today=new_years_eve
    )
    next_year = _issue(new_years_eve + datetime.timedelta(days=1))

    assert [first.number, note.number, next_year.number] == [
        "0000000001",
        "0000000002",
        "0000000003",
    ]
    assert next_year.year == 2027


def test_italy_restarts_each_series_every_year(db):
    ensure_rates_and_company("IT")

    last_of_2026 = _issue(datetime.date(2026, 12, 31))
    first_of_2027 = _issue(datetime.date(2027, 1, 1))
    labour = first_of_2027.lines.order_by("position").first()
    note = credit_note(
        first_of_2027,
        reason="x",
        lines={labour.pk: Decimal("0.5")},
        by=None,
        today=datetime.date(2027, 1, 2),
    )

    assert last_of_2026.number == "2026/000001"
    assert first_of_2027.number == "2027/000001"
    assert note.number == "NC-2027/000001"


def test_the_rule_of_each_country_is_written_down():
    assert numbering.RULES["BG"].digits == 10
    assert not numbering.RULES["BG"].yearly
    assert numbering.RULES["BG"].one_series
    assert numbering.RULES["IT"].yearly
    assert numbering.RULES["ES"].yearly
    with pytest.raises(numbering.InvalidInput):
        numbering.RULES["BG"].format(Invoice.Kind.INVOICE, 2026, 10**10)
