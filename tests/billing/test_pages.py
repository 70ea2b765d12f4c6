"""The office's invoice pages and the customer's in the portal."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Invoice
from billing.services import draft_invoice_for_ticket, issue_invoice, record_payment
from tests.billing.helpers import completed_work, ensure_rates_and_company

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def company(db):
    return ensure_rates_and_company("IT")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_desk_drafts_edits_and_issues_an_invoice(dispatcher_client):
    ticket = completed_work()
    answer = dispatcher_client.post(reverse("billing:draft_for_ticket", args=[ticket.pk]))
    invoice = Invoice.objects.get()
    assert answer["Location"] == reverse("billing:invoice", args=[invoice.pk])

    page = dispatcher_client.post(
        reverse("billing:line_add", args=[invoice.pk]),
        {"description": "Travel", "quantity": "1", "unit_price": "10.005"},
        follow=True,
    )
    assert any("Unit price" in m or "decimal" in m for m in _messages(page))
    assert invoice.lines.count() == 2

    dispatcher_client.post(
        reverse("billing:line_add", args=[invoice.pk]),
        {"description": "Travel", "quantity": "1", "unit_price": "10.00"},
    )
    page = dispatcher_client.post(reverse("billing:issue", args=[invoice.pk]), follow=True)
    invoice.refresh_from_db()
    assert invoice.number is not None
    assert f"Issued as {invoice.number}" in " ".join(_messages(page))
    assert invoice.net_total == Decimal("150.91")

    again = dispatcher_client.post(reverse("billing:issue", args=[invoice.pk]), follow=True)
    assert "already issued" in " ".join(_messages(again))
    assert Invoice.objects.get().number == invoice.number


def test_the_desk_pays_and_credits_an_invoice(dispatcher_client):
    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    page = dispatcher_client.post(
        reverse("billing:payment", args=[invoice.pk]),
        {"amount": "500.00", "method": "card", "paid_on": "2026-01-05"},
        follow=True,
    )
    assert "more than" in " ".join(_messages(page))
    dispatcher_client.post(
        reverse("billing:payment", args=[invoice.pk]),
        {"amount": "50.00", "method": "card", "paid_on": "2026-01-05"},
    )
    invoice.refresh_from_db()
    assert invoice.paid_total == Decimal("50.00")
    answer = dispatcher_client.post(
        reverse("billing:credit", args=[invoice.pk]), {"reason": "Wrong customer"}
    )
    note = Invoice.objects.get(kind="credit_note")
    assert answer["Location"] == reverse("billing:invoice", args=[note.pk])
    assert note.gross_total == invoice.gross_total


def test_the_list_filters_and_the_pdf_and_csv(dispatcher_client):
    issued = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    draft = draft_invoice_for_ticket(completed_work(), by=None)
    page = dispatcher_client.get(reverse("billing:invoices"), {"show": "draft"})
    assert list(page.context["invoices"]) == [draft]
    page = dispatcher_client.get(reverse("billing:invoices"), {"show": "open"})
    assert list(page.context["invoices"]) == [issued]

    pdf = dispatcher_client.get(reverse("billing:pdf", args=[issued.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    export = dispatcher_client.get(reverse("billing:export"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert len(rows) == 3  # the header and the issued invoice's two lines
    assert rows[1][0] == issued.number
    assert rows[1][-1] == "60.00"


def test_a_ticket_not_resolved_is_refused_at_the_desk(dispatcher_client):
    ticket = completed_work(resolve=False)
    page = dispatcher_client.post(
        reverse("billing:draft_for_ticket", args=[ticket.pk]), follow=True
    )
    assert "not resolved" in " ".join(_messages(page))
    assert not Invoice.objects.exists()


def test_the_customer_sees_their_issued_invoices_only(customer_user):
    mine = completed_work(customer=customer_user.contacts.get().customer)
    invoice = issue_invoice(draft_invoice_for_ticket(mine, by=None), by=None)
    draft_invoice_for_ticket(
        completed_work(customer=customer_user.contacts.get().customer), by=None
    )
    theirs = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    client = Client()
    client.force_login(customer_user)

    page = client.get(reverse("portal:invoices"))
    assert list(page.context["invoices"]) == [invoice]
    detail = client.get(reverse("portal:invoice", args=[invoice.pk]))
    assert invoice.number.encode() in detail.content
    assert client.get(reverse("portal:invoice", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("portal:invoice_pdf", args=[theirs.pk])).status_code == 404


def test_the_portal_list_queries_do_not_grow_with_invoices(customer_user):
    client = Client()
    client.force_login(customer_user)
    issue_invoice(
        draft_invoice_for_ticket(
            completed_work(customer=customer_user.contacts.get().customer), by=None
        ),
        by=None,
    )
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:invoices"))
    for _ in range(3):
        invoice = issue_invoice(
            draft_invoice_for_ticket(
                completed_work(customer=customer_user.contacts.get().customer), by=None
            ),
            by=None,
        )
    record_payment(
        invoice, amount=Decimal("1.00"), method="cash", paid_on=invoice.issued_on, by=None
    )
    with CaptureQueriesContext(connection) as four:
        page = client.get(reverse("portal:invoices"))
    assert len(page.context["invoices"]) == 4
    assert len(four) == len(one)


def test_the_reverse_charge_wording_is_on_the_document(customer_user):
    from billing.models import CustomerBilling  # noqa: PLC0415
    from customers.models import Customer  # noqa: PLC0415

    customer = customer_user.contacts.get().customer
    Customer.objects.filter(pk=customer.pk).update(kind="company")
    CustomerBilling.objects.create(customer=customer, vat_number="ESB58378431", country="ES")
    invoice = issue_invoice(
        draft_invoice_for_ticket(completed_work(customer=customer), by=None), by=None
    )
    client = Client()
    client.force_login(customer_user)
    page = client.get(reverse("portal:invoice", args=[invoice.pk]))
    assert b'data-testid="reverse-charge">Reverse charge<' in page.content


def test_an_issued_invoice_is_emailed_through_the_outbox_with_its_pdf(
    dispatcher_client, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications.models import Notification  # noqa: PLC0415

    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    with django_capture_on_commit_callbacks(execute=True):
        dispatcher_client.post(reverse("billing:email", args=[invoice.pk]))

    row = Notification.objects.get(kind="invoice")
    assert row.recipient == invoice.customer.email
    assert row.status == "sent"
    (message,) = mailoutbox
    assert invoice.number in message.subject
    (_name, content, kind) = message.attachments[0]
    assert kind == "application/pdf"
    assert content.startswith(b"%PDF")


def test_a_draft_is_not_emailed(dispatcher_client):
    from notifications.models import Notification  # noqa: PLC0415

    draft = draft_invoice_for_ticket(completed_work(), by=None)
    page = dispatcher_client.post(reverse("billing:email", args=[draft.pk]), follow=True)
    assert "Issue the invoice" in " ".join(_messages(page))
    assert not Notification.objects.exists()
