"""Benchmark: drafting the month's deferred invoices for 5,000 completed visits' charge lines,
and the portal's invoices page for a customer with 500 invoices: time and query count.

Runs against DATABASE_URL (PostgreSQL for figures worth reading: bin/with-services) inside one
transaction that is rolled back at the end, so it leaves nothing behind.

    bin/with-services .venv/bin/python bench/invoices.py [visits] [customers]
"""

from __future__ import annotations

import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from djmoney.money import Money  # noqa: E402

from billing.models import ChargeLine, Invoice  # noqa: E402
from billing.services import draft_invoices_for_period  # noqa: E402
from customers.models import Appliance, ApplianceModel, Customer, Site  # noqa: E402
from tickets.models import Ticket, Visit  # noqa: E402
from tickets.services import create_visit, open_ticket  # noqa: E402


class Rollback(Exception):
    pass


def _clone(obj, **changes):
    fields = {
        f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key
    }
    fields.update(changes)
    return type(obj)(**fields)


def build(visits: int, customers: int) -> tuple[datetime.date, datetime.date]:
    """`visits` completed visits of resolved tickets over `customers` customers, each visit
    with two charge lines the customer pays, all done this month."""
    people = Customer.objects.bulk_create(
        [
            Customer(name=f"Bench customer {i}", email=f"bench{i}@example.com")
            for i in range(customers)
        ]
    )
    sites = Site.objects.bulk_create(
        [
            Site(customer=c, address=f"Via Bench {c.pk}", city="Rome", timezone="Europe/Rome")
            for c in people
        ]
    )
    model = ApplianceModel.objects.create(
        manufacturer="Bench", model_number="B-1", category=ApplianceModel.Category.WASHING_MACHINE
    )
    appliance = Appliance.objects.create(model=model, site=sites[0], serial_number="BENCH-1")
    template = open_ticket(
        customer=people[0], site=sites[0], appliance=appliance, codes=[], priority=3
    )
    template_visit = create_visit(ticket=template, by=None)
    now = timezone.now()
    start = timezone.localdate(now).replace(day=1)
    done = max(
        now - datetime.timedelta(hours=1),
        timezone.make_aware(datetime.datetime.combine(start, datetime.time(12))),
    )
    tickets = Ticket.objects.bulk_create(
        [
            _clone(
                template,
                customer_id=people[i % customers].pk,
                site_id=sites[i % customers].pk,
                status=Ticket.Status.RESOLVED,
                resolved_at=done,
            )
            for i in range(visits)
        ],
        batch_size=1000,
    )
    made = Visit.objects.bulk_create(
        [
            _clone(
                template_visit,
                ticket_id=t.pk,
                status=Visit.Status.COMPLETED,
                actual_start=done,
                actual_end=done,
            )
            for t in tickets
        ],
        batch_size=1000,
    )
    ChargeLine.objects.bulk_create(
        [
            ChargeLine(
                ticket_id=v.ticket_id,
                visit_id=v.pk,
                kind=kind,
                description=text,
                quantity=Decimal(quantity),
                unit_price=Money(Decimal(price), "EUR"),
                discount_percent=Decimal(discount),
                payer=ChargeLine.Payer.CUSTOMER,
            )
            for v in made
            for kind, text, quantity, price, discount in (
                ("labour", "Labour", "1.25", "42.00", "0"),
                ("part", "Pump", "1", "89.90", "10"),
            )
        ],
        batch_size=2000,
    )
    return start, timezone.localdate(now)


def portal_page(invoices: int) -> None:
    from django.contrib.auth.models import Group, User  # noqa: PLC0415

    company = Invoice._meta.get_field("company").related_model.objects.get(is_default=True)
    user = User.objects.create_user("bench-customer")
    user.groups.add(Group.objects.get(name="customer"))
    customer = Customer.objects.create(name="Bench portal customer", user=user)
    today = timezone.localdate()
    Invoice.objects.bulk_create(
        [
            Invoice(
                company=company,
                customer=customer,
                status=Invoice.Status.ISSUED,
                number=f"BENCH/{i:06d}",
                sequence=900_000 + i,
                year=today.year,
                issued_on=today - datetime.timedelta(days=i % 365),
                due_on=today - datetime.timedelta(days=i % 365) + datetime.timedelta(days=30),
                buyer_name=customer.name,
                net_total=Decimal("100.00"),
                tax_total=Decimal("22.00"),
                gross_total=Decimal("122.00"),
                paid_total=Decimal("122.00") if i % 3 else Decimal("0.00"),
            )
            for i in range(invoices)
        ]
    )
    client = Client()
    client.force_login(user)
    client.get("/portal/invoices/")  # warm the templates
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        page = client.get("/portal/invoices/")
        elapsed = time.perf_counter() - started
    assert page.status_code == 200, page.status_code
    print(
        f"portal invoices page, {invoices} invoices: {elapsed * 1000:.0f} ms, "
        f"{len(queries)} queries, {len(page.content) / 1024:.0f} KB"
    )


def main() -> None:
    visits = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    customers = int(sys.argv[2]) if len(sys.argv) > 2 else 800
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    try:
        with transaction.atomic():
            started = time.perf_counter()
            start, end = build(visits, customers)
            print(f"built {visits} completed visits in {time.perf_counter() - started:.1f} s")
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                made = draft_invoices_for_period(start, end, by=None)
                elapsed = time.perf_counter() - started
            lines = sum(1 for _ in ChargeLine.objects.filter(invoice_line__isnull=False))
            print(
                f"drafted {len(made)} deferred invoices ({lines} lines) for {visits} visits "
                f"in {elapsed:.2f} s, {len(queries)} queries"
            )
            portal_page(500)
            raise Rollback
    except Rollback:
        print("(rolled back)")


if __name__ == "__main__":
    main()
