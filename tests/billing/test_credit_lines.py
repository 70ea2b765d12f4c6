"""A credit note for chosen lines and quantities, from the invoice page's form: never more
than is left of a line (the refusal names the line and changes nothing)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice
from billing.services import draft_invoice_for_ticket, issue_invoice
from tests.billing.helpers import completed_work, ensure_rates_and_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(db):
    ensure_rates_and_company("BG")  # no exchange, no VeriFactu: only the credit
    return issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)


def _lines(invoice):
    labour, pump = invoice.lines.order_by("position")
    return labour, pump


def test_the_form_lists_each_line_with_what_is_left(invoice, dispatcher_client):
    page = dispatcher_client.get(reverse("billing:credit_lines", args=[invoice.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Labour (at most 1.5)" in text
    assert "Pump (at most 1)" in text


def test_a_partial_credit_note_takes_the_chosen_quantities(invoice, dispatcher_client):
    labour, pump = _lines(invoice)

    response = dispatcher_client.post(
        reverse("billing:credit_lines", args=[invoice.pk]),
        {"reason": "Half an hour less", f"line_{labour.pk}": "0.5", f"line_{pump.pk}": ""},
    )

    note = invoice.credit_notes.get()
    assert response["Location"] == reverse("billing:invoice", args=[note.pk])
    assert [(line.description, line.quantity) for line in note.lines.all()] == [
        ("Labour", Decimal("0.500"))
    ]
    assert note.gross_total == Decimal("24.00")  # 0.5 h x 40.00 + 20% VAT (Bulgaria)
    page = dispatcher_client.get(reverse("billing:credit_lines", args=[invoice.pk]))
    assert "Labour (at most 1)" in page.content.decode()


def test_more_than_was_invoiced_is_refused_naming_the_line(invoice, dispatcher_client):
    labour, pump = _lines(invoice)

    response = dispatcher_client.post(
        reverse("billing:credit_lines", args=[invoice.pk]),
        {"reason": "Too much", f"line_{labour.pk}": "0.5", f"line_{pump.pk}": "2"},
    )

    assert response.status_code == 400
    assert "At most 1 of “Pump” can be credited." in response.content.decode()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_a_negative_quantity_or_no_reason_is_refused(invoice, dispatcher_client):
    labour, _pump = _lines(invoice)

    negative = dispatcher_client.post(
        reverse("billing:credit_lines", args=[invoice.pk]),
        {"reason": "x", f"line_{labour.pk}": "-1"},
    )
    no_reason = dispatcher_client.post(
        reverse("billing:credit_lines", args=[invoice.pk]), {f"line_{labour.pk}": "1"}
    )
    nothing = dispatcher_client.post(
        reverse("billing:credit_lines", args=[invoice.pk]), {"reason": "x"}
    )

    assert negative.status_code == no_reason.status_code == nothing.status_code == 400
    assert "Nothing is left to credit" not in negative.content.decode()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()


def test_cancelling_credits_the_whole_invoice(invoice, dispatcher_client):
    dispatcher_client.post(
        reverse("billing:credit_lines", args=[invoice.pk]),
        {"reason": "Issued in error", "cancel": "on"},
    )

    note = invoice.credit_notes.get()
    assert note.gross_total == invoice.gross_total
