"""Billable work for invoice tests: a resolved ticket whose completed visit has charges."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

from django.apps import apps
from django.utils import timezone
from djmoney.money import Money

from billing.models import ChargeLine, Company, TaxRate
from tests.factories import new_visit, open_ticket
from tickets.models import Ticket, Visit

_migration = importlib.import_module("billing.migrations.0002_invoices")


def ensure_rates_and_company(country: str = "IT") -> Company:
    """The rows the data migration loads (a transactional test's flush removes them)."""
    if not TaxRate.objects.exists() or not Company.objects.filter(is_default=True).exists():
        _migration.load_rates_and_company(apps, None)
    company = Company.objects.get(is_default=True)
    if company.country != country:
        company.country = country
        company.save()
    return company


def completed_work(
    *,
    customer=None,
    prices=(("Labour", "1.5", "40.00", "0"), ("Pump", "1", "89.90", "10")),
    done: datetime.datetime | None = None,
    resolve: bool = True,
    complete: bool = True,
    payer: str = ChargeLine.Payer.CUSTOMER,
) -> Ticket:
    kwargs = {}
    if customer is not None:
        from tests.factories import ApplianceFactory, SiteFactory  # noqa: PLC0415

        kwargs["appliance"] = ApplianceFactory(site=SiteFactory(customer=customer))
    ticket = open_ticket(**kwargs)
    visit = new_visit(ticket)
    done = done or timezone.now()
    if complete:
        Visit.objects.filter(pk=visit.pk).update(
            status=Visit.Status.COMPLETED, actual_start=done, actual_end=done
        )
    if resolve:
        Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED, resolved_at=done)
    for description, quantity, price, discount in prices:
        ChargeLine.objects.create(
            ticket=ticket,
            visit=visit,
            kind=ChargeLine.Kind.OTHER,
            description=description,
            quantity=Decimal(quantity),
            unit_price=Money(Decimal(price), "EUR"),
            discount_percent=Decimal(discount),
            payer=payer,
        )
    ticket.refresh_from_db()
    return ticket
