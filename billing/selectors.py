"""Billing's reads: invoices for the office and for a customer, open and overdue ones."""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from customers.models import Customer

from .models import Invoice


def invoices() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("customer", "company")


def open_invoices() -> QuerySet[Invoice]:
    """Issued invoices with something left to pay."""
    return (
        invoices()
        .filter(status=Invoice.Status.ISSUED)
        .exclude(kind=Invoice.Kind.CREDIT_NOTE)
        .filter(gross_total__gt=F("paid_total") + F("credited_total") - F("stamp_duty"))
    )


def overdue_invoices(today: datetime.date | None = None) -> QuerySet[Invoice]:
    return open_invoices().filter(due_on__lt=today or timezone.localdate())


def drafts() -> QuerySet[Invoice]:
    return invoices().filter(status=Invoice.Status.DRAFT)


def customer_invoices(customer: Customer) -> QuerySet[Invoice]:
    """What the customer sees: their issued documents (never drafts)."""
    return Invoice.objects.filter(customer=customer, status=Invoice.Status.ISSUED).order_by(
        "-issued_on", "-pk"
    )
