"""Billing's reads shared by pages: invoices for the office and for a customer (open and
overdue ones), quotes as each person may see them, a ticket's requests for the client's
approval, warranty claims, price lists, a visit's labour."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.db.models import Count, F, Prefetch, QuerySet
from django.utils import timezone

from customers.models import Customer
from tickets.models import Visit

from .models import (
    ChargeLine,
    Invoice,
    LabourRate,
    PartPrice,
    PriceList,
    Quote,
    QuoteLine,
    WarrantyClaim,
    WorkApproval,
)


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


def quotes_for_office() -> QuerySet[Quote]:
    return Quote.objects.select_related("ticket__customer").prefetch_related(
        Prefetch("lines", queryset=QuoteLine.objects.order_by("pk"))
    )


def quotes_of(customer: Customer, *, requested_by: User | None = None) -> QuerySet[Quote]:
    """The customer's quotes, drafts left out (the office is still writing them); with
    `requested_by`, only those of that contact's tickets (a requester's)."""
    quotes = Quote.objects.filter(ticket__customer=customer)
    if requested_by is not None:
        quotes = quotes.filter(ticket__requested_by=requested_by)
    return (
        quotes.exclude(status=Quote.Status.DRAFT)
        .select_related("ticket")
        .prefetch_related(Prefetch("lines", queryset=QuoteLine.objects.order_by("pk")))
    )


def open_claims() -> QuerySet[WarrantyClaim]:
    return WarrantyClaim.objects.prefetch_related(
        Prefetch(
            "lines",
            queryset=ChargeLine.objects.select_related("ticket", "part").order_by("pk"),
        )
    )


def price_lists() -> QuerySet[PriceList]:
    """Every price list with how many labour rates and part prices it sets."""
    return PriceList.objects.annotate(
        rate_count=Count("rates", distinct=True), part_count=Count("parts", distinct=True)
    ).order_by("-is_default", "name")


def price_list_prices(price_list: PriceList) -> tuple[list[LabourRate], list[PartPrice]]:
    """The list's labour rates (by job kind) and part prices (by part name), two queries."""
    rates = list(price_list.rates.order_by("kind"))
    parts = list(price_list.parts.select_related("part").order_by("part__name", "pk"))
    return rates, parts


def labour_of(visit_id: int) -> Visit:
    """A visit with its ticket, technician and labour correction (if any), for the page that
    corrects its labour minutes."""
    return Visit.objects.select_related(
        "ticket__customer", "technician__user", "labour_correction__by"
    ).get(pk=visit_id)


def work_approvals_of(ticket_id: int) -> QuerySet[WorkApproval]:
    """A ticket's requests for the client's approval of billable work, newest first, with
    their quote and who asked and decided."""
    return WorkApproval.objects.filter(quote__ticket_id=ticket_id).select_related(
        "quote", "requested_by", "decided_by__user"
    )
