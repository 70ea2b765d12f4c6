"""Demo invoices, one of each state: a draft, issued and unpaid, partly paid, paid, overdue, and
a credit note. Written once (a second seed_demo leaves them as they are)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from billing.models import Company, Invoice
from billing.services import add_line, credit_note, issue_invoice, record_payment
from customers.models import Customer

LINES = (
    {"description": "Call-out fee", "quantity": "1", "unit_price": "35.00"},
    {"description": "Labour", "quantity": "1.5", "unit_price": "42.00"},
    {"description": "Drain pump", "quantity": "1", "unit_price": "89.90", "discount_percent": "10"},
)


def _draft(company: Company, customer: Customer) -> Invoice:
    invoice = Invoice.objects.create(company=company, customer=customer, language=customer.language)
    for line in LINES:
        add_line(invoice, line, by=None)
    return invoice


@transaction.atomic
def seed_invoices() -> int:
    """The six demo invoices, on the first demo customers; 0 when they exist already."""
    if Invoice.objects.exists():
        return 0
    company = Company.objects.filter(is_default=True).first()
    customers = list(Customer.objects.filter(sites__isnull=False).distinct().order_by("pk")[:5])
    if company is None or len(customers) < 5:
        return 0
    today = timezone.localdate()
    # The overdue one first: numbers follow the dates they were issued on.
    issue_invoice(
        _draft(company, customers[4]),
        by=None,
        today=today - datetime.timedelta(days=company.payment_days + 10),
        late_confirmed=True,
    )
    _draft(company, customers[0])
    issue_invoice(_draft(company, customers[1]), by=None, late_confirmed=True)
    partly = issue_invoice(_draft(company, customers[2]), by=None, late_confirmed=True)
    record_payment(partly, amount=Decimal("100.00"), method="bank_transfer", paid_on=today, by=None)
    paid = issue_invoice(_draft(company, customers[3]), by=None, late_confirmed=True)
    record_payment(paid, amount=paid.balance, method="card", paid_on=today, by=None)
    credited = issue_invoice(_draft(company, customers[1]), by=None, late_confirmed=True)
    credit_note(
        credited,
        reason="Call-out fee charged twice",
        by=None,
        lines={credited.lines.get(position=1).pk: Decimal("1")},
    )
    return Invoice.objects.count()
