"""Drafting from completed work, issuing with gap-free numbers, credit notes, payments, taxes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from billing import selectors
from billing.models import CustomerBilling, Invoice, InvoiceLine, NumberSeries
from billing.services import (
    add_line,
    credit_note,
    draft_invoice_for_ticket,
    draft_invoices_for_period,
    issue_invoice,
    record_payment,
    remove_line,
    update_line,
)
from customers.models import Customer
from fieldservice.errors import DomainError, InvalidInput, NeedsConfirmation
from tests.billing.helpers import completed_work, ensure_rates_and_company
from tests.factories import CustomerFactory
from tests.helpers import race

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate  # called in each test: the suite may cross midnight


@pytest.fixture(autouse=True)
def company(db):
    return ensure_rates_and_company("IT")


def test_a_draft_bills_the_customers_charges_of_a_resolved_ticket_once():
    ticket = completed_work()
    invoice = draft_invoice_for_ticket(ticket, by=None)

    assert invoice.status == "draft"
    assert invoice.number is None
    # 1.5 x 40 = 60.00; 89.90 less 10% = 80.91; VAT 22% of 140.91 = 31.00
    assert [line.net_amount for line in invoice.lines.all()] == [Decimal("60.00"), Decimal("80.91")]
    assert (invoice.net_total, invoice.tax_total, invoice.gross_total) == (
        Decimal("140.91"),
        Decimal("31.00"),
        Decimal("171.91"),
    )
    with pytest.raises(InvalidInput) as refused:
        draft_invoice_for_ticket(ticket, by=None)
    assert refused.value.field == "ticket"
    assert Invoice.objects.count() == 1


def test_work_not_completed_is_not_invoiced():
    with pytest.raises(InvalidInput) as refused:
        draft_invoice_for_ticket(completed_work(resolve=False), by=None)
    assert refused.value.field == "ticket"
    with pytest.raises(InvalidInput) as refused:
        draft_invoice_for_ticket(completed_work(complete=False), by=None)
    assert refused.value.field == "visit"
    assert not Invoice.objects.exists()
    assert not InvoiceLine.objects.exists()


def test_issuing_numbers_in_order_and_a_second_click_is_refused():
    first = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    second = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)

    assert (first.number, second.number) == (f"{TODAY().year}/000001", f"{TODAY().year}/000002")
    assert first.buyer_name == first.customer.name
    assert first.due_on > first.issued_on
    with pytest.raises(DomainError, match="already issued as"):
        issue_invoice(first, by=None)
    assert NumberSeries.objects.get().last_number == 2


def test_an_issued_invoice_is_never_edited():
    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    line = invoice.lines.first()
    for change in (
        lambda: add_line(invoice, {"description": "x", "unit_price": "1.00"}, by=None),
        lambda: update_line(line, {"description": "x", "unit_price": "1.00"}, by=None),
        lambda: remove_line(line, by=None),
    ):
        with pytest.raises(DomainError, match="credit note"):
            change()
    assert invoice.lines.count() == 2


def test_a_draft_is_edited_and_bad_lines_are_refused_naming_the_field():
    invoice = draft_invoice_for_ticket(completed_work(), by=None)
    add_line(invoice, {"description": "Travel", "quantity": "2", "unit_price": "15.00"}, by=None)
    invoice.refresh_from_db()
    assert invoice.net_total == Decimal("170.91")
    for data, field in (
        ({"description": "x", "quantity": "-1", "unit_price": "1.00"}, "quantity"),
        ({"description": "x", "quantity": "1", "unit_price": "1.001"}, "unit_price"),
        ({"description": "x", "unit_price": "1", "discount_percent": "101"}, "discount_percent"),
        ({"description": "", "unit_price": "1"}, "description"),
    ):
        with pytest.raises(InvalidInput) as refused:
            add_line(invoice, data, by=None)
        assert refused.value.field == field
    assert invoice.lines.count() == 3


def test_bulgaria_numbers_with_ten_digits(company):
    company.country = "BG"
    company.save()
    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    assert invoice.number == "0000000001"
    assert invoice.tax_total == Decimal("28.18")  # 20% of 140.91


def test_an_eu_business_elsewhere_with_a_valid_vat_number_gets_reverse_charge():
    customer = CustomerFactory(kind=Customer.Kind.COMPANY)
    CustomerBilling.objects.create(customer=customer, vat_number="DE136695976", country="DE")
    invoice = draft_invoice_for_ticket(completed_work(customer=customer), by=None)
    invoice = issue_invoice(invoice, by=None)

    assert invoice.reverse_charge
    assert invoice.tax_total == Decimal("0.00")
    assert {(line.category, line.exemption_reason) for line in invoice.lines.all()} == {
        ("AE", "Reverse charge")
    }


def test_an_invalid_vat_number_is_no_reverse_charge():
    customer = CustomerFactory(kind=Customer.Kind.COMPANY)
    CustomerBilling.objects.create(customer=customer, vat_number="DE136695977", country="DE")
    invoice = draft_invoice_for_ticket(completed_work(customer=customer), by=None)
    assert not invoice.reverse_charge
    assert invoice.tax_total == Decimal("31.00")


def test_italian_stamp_duty_on_exempt_invoices_above_the_threshold():
    from billing.models import TaxRate  # noqa: PLC0415

    exempt = TaxRate.objects.get(country="IT", kind="exempt")
    invoice = draft_invoice_for_ticket(completed_work(), by=None)
    for line in invoice.lines.all():
        update_line(
            line,
            {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_percent": line.discount_percent,
                "tax_rate": exempt,
            },
            by=None,
        )
    invoice = issue_invoice(invoice, by=None)
    assert invoice.stamp_duty == Decimal("2.00")
    assert invoice.amount_due == Decimal("142.91")
    assert {line.exemption_reason for line in invoice.lines.all()} == {exempt.legal_reason}


def test_a_credit_note_corrects_an_issued_invoice_in_its_own_series():
    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    labour = invoice.lines.get(position=1)
    note = credit_note(invoice, reason="Half an hour too much", lines={labour.pk: "0.5"}, by=None)

    assert note.number == f"NC-{TODAY().year}/000001"
    assert note.corrects == invoice
    assert note.gross_total == Decimal("24.40")  # 20.00 + 22%
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("147.51")
    with pytest.raises(InvalidInput) as refused:
        credit_note(invoice, reason="again", lines={labour.pk: "1.5"}, by=None)
    assert refused.value.field == "quantity"
    with pytest.raises(InvalidInput) as refused:
        credit_note(invoice, reason=" ", by=None)
    assert refused.value.field == "reason"


def test_payments_full_or_partial_and_overpaying_refused():
    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    record_payment(invoice, amount=Decimal("100.00"), method="card", paid_on=TODAY(), by=None)
    assert list(selectors.open_invoices()) == [invoice]
    with pytest.raises(InvalidInput) as refused:
        record_payment(invoice, amount=Decimal("71.92"), method="card", paid_on=TODAY(), by=None)
    assert refused.value.field == "amount"
    record_payment(invoice, amount=Decimal("71.91"), method="cash", paid_on=TODAY(), by=None)
    invoice.refresh_from_db()
    assert invoice.balance == 0
    assert not selectors.open_invoices().exists()


def test_overdue_is_open_past_its_due_date():
    invoice = issue_invoice(draft_invoice_for_ticket(completed_work(), by=None), by=None)
    assert not selectors.overdue_invoices(TODAY()).exists()
    assert list(selectors.overdue_invoices(invoice.due_on + datetime.timedelta(days=1))) == [
        invoice
    ]


def test_italian_legal_time_asks_before_issuing_late():
    done = timezone.now() - datetime.timedelta(days=20)
    invoice = draft_invoice_for_ticket(completed_work(done=done), by=None)
    with pytest.raises(NeedsConfirmation) as asked:
        issue_invoice(invoice, by=None)
    assert asked.value.field == "issued_on"
    assert not NumberSeries.objects.filter(last_number__gt=0).exists()
    assert issue_invoice(invoice, by=None, late_confirmed=True).number


def test_the_month_deferred_invoice_lists_each_customers_visits():
    customer = CustomerFactory()
    first, second = completed_work(customer=customer), completed_work(customer=customer)
    other = completed_work()
    invoices = draft_invoices_for_period(TODAY().replace(day=1), TODAY(), by=None)

    assert sorted(i.customer_id for i in invoices) == sorted([customer.pk, other.customer_id])
    mine = next(i for i in invoices if i.customer_id == customer.pk)
    assert mine.kind == "deferred"
    assert mine.lines.count() == 4
    assert mine.net_total == Decimal("281.82")
    assert {line.charge.ticket_id for line in mine.lines.all()} == {first.pk, second.pk}
    assert draft_invoices_for_period(TODAY().replace(day=1), TODAY(), by=None) == []
    late = TODAY().replace(day=1) + datetime.timedelta(days=70)
    with pytest.raises(NeedsConfirmation):
        issue_invoice(mine, by=None, today=late)


@pytest.mark.django_db(transaction=True)
def test_twenty_invoices_issued_at_once_get_twenty_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    ensure_rates_and_company("IT")
    drafts = [draft_invoice_for_ticket(completed_work(), by=None) for _ in range(20)]
    results = race([lambda d=d: issue_invoice(d, by=None) for d in drafts])

    assert [r for r in results if isinstance(r, Exception)] == []
    sequences = sorted(Invoice.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 21))
    assert NumberSeries.objects.get().last_number == 20


@pytest.mark.django_db(transaction=True)
def test_issuing_from_two_tabs_at_once_issues_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    ensure_rates_and_company("IT")
    draft = draft_invoice_for_ticket(completed_work(), by=None)
    results = race([lambda: issue_invoice(draft, by=None)] * 2)

    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1
    assert "already issued" in refused[0].message
    assert NumberSeries.objects.get().last_number == 1
