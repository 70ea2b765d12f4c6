"""Benchmark: the desk's ticket list, searched and filtered, on 100,000 tickets.

Builds the demo data, then a few thousand customers (each with a site and an appliance) and
100,000 tickets with believable descriptions and error codes, about half with a visit by a
technician (bulk inserts, search text written as tickets.services.search writes it), in the
database named by DATABASE_URL. Then times the first page of the list as a dispatcher sees it
through Django's test client (a search word, an open status and a priority), over several runs,
and prints the median and the 95th percentile in ms with the page's query count, and whether
PostgreSQL's plan reads the full-text index. Run it under bin/with-services:

    bin/with-services .venv/bin/python bench/desk_search.py [--tickets 100000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from catalog.models import ErrorCode  # noqa: E402
from customers.models import Appliance, ApplianceModel, Customer, Site  # noqa: E402
from desk.selectors import TicketFilters, ticket_list  # noqa: E402
from technicians.models import Technician  # noqa: E402
from tickets.models import Ticket, Visit  # noqa: E402
from tickets.services.search import search_document  # noqa: E402

FIRST = ["Giulia", "Marco", "Anna", "Luca", "Sofia", "Paolo", "Elena", "Davide", "Chiara", "Maria"]
LAST = ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo"]
CITIES = [
    ("Rome", 41.9, 12.5),
    ("Milan", 45.46, 9.19),
    ("Turin", 45.07, 7.69),
    ("Bari", 41.12, 16.87),
]
SYMPTOMS = [
    "water stays in the drum after the cycle",
    "the door will not open",
    "loud noise when spinning",
    "leaks from the door seal",
    "does not heat the water",
    "the display shows an error and stops",
    "trips the circuit breaker",
    "smells of burning",
    "the drain pump hums but no water goes out",
    "the fridge is warm at the top",
    "ice builds up behind the back panel",
    "the boiler pressure drops overnight",
    "no hot water in the morning",
    "the fan runs but no cold air",
    "clothes come out still wet",
]
DETAILS = [
    "Customer is home after 14:00.",
    "Dog in the garden, ring twice.",
    "Bought two years ago.",
    "Second time this month.",
    "Tried a reset, no change.",
    "Parking in the courtyard.",
    "",
]
SEARCH_WORD = "seal"  # in one symptom of 15: about 6,600 of 100,000 tickets


def build(tickets: int, customers: int, seed: int = 17) -> None:
    rng = random.Random(seed)
    models = list(ApplianceModel.objects.all())
    codes = list(ErrorCode.objects.all())
    technicians = list(Technician.objects.all())
    people = Customer.objects.bulk_create(
        [
            Customer(
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {n}",
                email=f"bench{n}@example.com",
            )
            for n in range(customers)
        ],
        batch_size=2000,
    )
    sites = Site.objects.bulk_create(
        [
            Site(
                customer=c,
                address=f"Via Bench {n}",
                city=(city := rng.choice(CITIES))[0],
                latitude=city[1] + rng.uniform(-0.05, 0.05),
                longitude=city[2] + rng.uniform(-0.05, 0.05),
                placement=Site.Placement.PINNED,
            )
            for n, c in enumerate(people)
        ],
        batch_size=2000,
    )
    appliances = Appliance.objects.bulk_create(
        [
            Appliance(site=s, model=rng.choice(models), serial_number=f"BENCH{n:07d}")
            for n, s in enumerate(sites)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    statuses = [*Ticket.OPEN_STATUSES, *[Ticket.Status.CLOSED] * 6, Ticket.Status.CANCELLED]
    names = dict(Customer.objects.values_list("pk", "name"))
    # Numbers given here, so that each row is written once with its search text.
    next_pk = (Ticket.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    rows, chosen = [], []
    for n in range(tickets):
        appliance = rng.choice(appliances)
        opened = now - datetime.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        picked = rng.sample(codes, k=rng.choice([0, 1, 1, 2])) if codes else []
        description = f"{rng.choice(SYMPTOMS).capitalize()}. {rng.choice(DETAILS)}".strip()
        reported = [c.code for c in picked]
        pk = next_pk + n
        rows.append(
            Ticket(
                pk=pk,
                customer_id=appliance.site.customer_id,
                site_id=appliance.site_id,
                appliance=appliance,
                appliance_model_id=appliance.model_id,
                reported_codes=reported,
                description=description,
                channel=rng.choice(Ticket.Channel.values),
                priority=rng.choice([1, 2, 2, 3, 3, 3, 4]),
                status=rng.choice(statuses),
                tier=rng.choice([1, 1, 1, 2, 3]),
                coverage=rng.choice(Ticket.Coverage.values),
                coverage_reason="Bench",
                sla_due_at=opened + datetime.timedelta(hours=rng.choice([4, 8, 24, 40])),
                response_due_at=opened + datetime.timedelta(hours=2),
                created_at=opened,
                search_text=search_document(
                    pk=pk,
                    customer_name=names[appliance.site.customer_id],
                    description=description,
                    codes=[*reported, *(f"{c.code} {c.title}" for c in picked)],
                ),
            )
        )
        chosen.append(picked)
    created = Ticket.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Ticket]):
            cursor.execute(sql)
    through = Ticket.error_codes.through
    through.objects.bulk_create(
        [
            through(ticket_id=t.pk, errorcode_id=c.pk)
            for t, picked in zip(created, chosen, strict=True)
            for c in picked
        ],
        batch_size=5000,
    )
    if technicians:
        Visit.objects.bulk_create(
            [
                Visit(
                    ticket=t,
                    technician=rng.choice(technicians),
                    status=Visit.Status.COMPLETED,
                    duration_minutes=60,
                )
                for t in created
                if rng.random() < 0.5
            ],
            batch_size=2000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Customer.objects.filter(email="bench0@example.com").exists():
        call_command("seed_demo", verbosity=0)
        started = time.perf_counter()
        build(args.tickets, args.customers)
        print(f"built {args.tickets} tickets in {time.perf_counter() - started:.1f} s")
    dispatcher = User.objects.get(username="dispatcher1")
    dispatcher.groups.add(Group.objects.get(name="dispatcher"))
    client = Client()
    client.force_login(dispatcher)
    params = {"q": SEARCH_WORD, "status": "open", "priority": "2"}
    url = "/desk/tickets/"
    first = client.get(url, params)
    assert first.status_code == 200, first.status_code
    times: list[float] = []
    queries = 0
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        queries = len(captured)
    filters = TicketFilters(q=SEARCH_WORD, status="open", priority=2)
    found = ticket_list(user=dispatcher, filters=filters).count()
    print(f"tickets: {Ticket.objects.count()}, customers: {Customer.objects.count()}")
    print(f"list page ?q={SEARCH_WORD}&status=open&priority=2: {found} found, first page shown")
    print(
        f"median {statistics.median(times):6.1f} ms   p95 {percentile(times, 0.95):6.1f} ms   "
        f"({queries} queries, {args.repeat} runs)   target < 200 ms"
    )
    if connection.vendor == "postgresql":
        plan = ticket_list(user=dispatcher, filters=filters)[:50].explain(analyze=True)
        print("the first page's plan:", plan, sep="\n")


if __name__ == "__main__":
    main()
