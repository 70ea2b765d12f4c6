"""Issuing an invoice at the desk, in a browser: open the draft, add a line, issue it, and see
its number and total."""

import pytest
from playwright.sync_api import expect

from billing.models import Invoice
from billing.services import draft_invoice_for_ticket
from tests.billing.helpers import completed_work, ensure_rates_and_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dispatcher_issues_a_draft_invoice(page, live_server, login, dispatcher):
    ensure_rates_and_company("IT")
    draft = draft_invoice_for_ticket(completed_work(), by=None)
    login(page, "dispatcher", next=f"/billing/invoices/{draft.pk}/")

    expect(page.get_by_test_id("invoice-title")).to_contain_text("draft")
    page.get_by_label("Description").last.fill("Travel")
    page.get_by_label("Unit price").last.fill("10.00")
    page.get_by_role("button", name="Add line").click()
    expect(page.get_by_test_id("lines")).to_contain_text("Travel")
    page.get_by_role("button", name="Issue", exact=True).click()

    invoice = Invoice.objects.get()
    expect(page.get_by_test_id("invoice-title")).to_contain_text(invoice.number)
    expect(page.get_by_test_id("total")).to_contain_text("184.11")  # 150.91 + 22% VAT
    expect(page.get_by_role("button", name="Issue", exact=True)).to_have_count(0)
