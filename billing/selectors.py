"""Billing's reads shared by pages: quotes as each person may see them, warranty claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from customers.models import Customer

from .models import ChargeLine, Quote, QuoteLine, WarrantyClaim

if TYPE_CHECKING:
    from django.db.models import QuerySet


def quotes_for_office() -> QuerySet[Quote]:
    return Quote.objects.select_related("ticket__customer").prefetch_related(
        Prefetch("lines", queryset=QuoteLine.objects.order_by("pk"))
    )


def quotes_of(customer: Customer) -> QuerySet[Quote]:
    """The customer's quotes, drafts left out (the office is still writing them)."""
    return (
        Quote.objects.filter(ticket__customer=customer)
        .exclude(status=Quote.Status.DRAFT)
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
