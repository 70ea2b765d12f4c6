"""Demo prices and quotes: a price list per country (Italy's the default) with labour rates
for each kind of job, and quotes in each state on open tickets. Safe to run twice."""

from __future__ import annotations

import datetime

from django.utils import timezone

from billing.models import PriceList, Quote
from billing.services import pricing, quotes
from customers.models import Customer
from tickets.models import Ticket

# name, country, call-out fee, hourly rates by kind (installation, repair, maintenance)
LISTS = [
    ("Italia", "IT", "45.00", ("55.00", "60.00", "50.00")),
    ("España", "ES", "40.00", ("48.00", "52.00", "45.00")),
    ("България", "BG", "25.00", ("30.00", "35.00", "28.00")),
]
KINDS = ("installation", "repair", "maintenance")
LINES = [
    ("Replace the drain pump", "85.00", "1"),
    ("Labour", "60.00", "0.75"),
]


def seed_quotes() -> int:
    """Write what is missing; returns the number of quotes written."""
    for name, country, fee, rates in LISTS:
        price_list = PriceList.objects.filter(name=name).first() or pricing.save_price_list(
            name=name, currency="EUR", is_default=country == "IT", callout_fee=fee, by=None
        )
        for kind, rate in zip(KINDS, rates, strict=True):
            pricing.set_labour_rate(price_list=price_list, kind=kind, hourly_rate=rate, by=None)
        if country != "IT":
            price_list.customers.add(
                *Customer.objects.filter(sites__country=country)
                .distinct()
                .values_list("pk", flat=True)
            )
    if Quote.objects.exists():
        return 0
    tickets = list(
        Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES).order_by("pk")[: len(Quote.Status)]
    )
    today = timezone.localdate()
    for ticket, status in zip(tickets, Quote.Status.values, strict=False):
        quote = quotes.create_quote(
            ticket=ticket,
            by=None,
            lines=[quotes.LineInput(description=d, unit_price=p, quantity=q) for d, p, q in LINES],
        )
        if status == Quote.Status.DRAFT:
            continue
        quotes.send_quote(quote=quote, by=None)
        if status == Quote.Status.ACCEPTED:
            quotes.decide_quote(
                quote=quote, accept=True, how=Quote.How.PORTAL, name=str(ticket.customer)
            )
        elif status == Quote.Status.DECLINED:
            quotes.decide_quote(
                quote=quote, accept=False, how=Quote.How.LINK, name=str(ticket.customer)
            )
        elif status == Quote.Status.EXPIRED:
            Quote.objects.filter(pk=quote.pk).update(valid_until=today - datetime.timedelta(days=1))
            quotes.expire_quotes(today=today)
    return len(tickets)
