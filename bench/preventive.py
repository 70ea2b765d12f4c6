"""Benchmark: generating 60 days of preventive maintenance for 10,000 contracts.

Builds (bulk inserts) a customer, a site, an appliance, a contract and a preventive plan for
each of N contracts, in the database named by DATABASE_URL, with first dates spread over the
next 60 days and intervals of 1 to 12 months. Then times tickets.services.maintenance.generate
over the default horizon, which opens each chunk's maintenance tickets and visits in bulk
through tickets.services.planned, and prints the time, the occurrences made, the queries (in
all, per chunk of plans read, per occurrence made) and the process's peak memory; then times a
second run, which must make nothing. Run it under bin/with-services:

    bin/with-services .venv/bin/python bench/preventive.py [--contracts 10000]

Figures (2 shared cores): before the batch opener, 1,000 contracts took 17.0 s at 26.0 queries
an occurrence, and 10,000 took 807 s; in bulk, 1,000 take 3.8 s (27 queries in all) and
10,000 take 88.9 s (10,843 occurrences, 261 queries in all: 0.02 an occurrence, 13 a chunk).
Then without an UPDATE of the occurrences (written last) and with the search text updated 100
rows a query: 1,000 contracts on the same loaded machine, 23.7 s before and 9.5 s after.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from contracts.models import PreventivePlan, ServiceContract  # noqa: E402
from customers.models import Appliance, ApplianceModel, Customer, Site  # noqa: E402
from tickets.models import MaintenanceOccurrence  # noqa: E402
from tickets.services import maintenance  # noqa: E402

BATCH = 2000


class Counter:
    """Counts queries without keeping them (CaptureQueriesContext keeps 9,000 at most)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def build(contracts: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    model = ApplianceModel.objects.filter(model_number="BENCH-PM").first()
    if model is None:
        model = ApplianceModel.objects.create(
            manufacturer="Bench", model_number="BENCH-PM", name="Boiler", category="hvac"
        )
    people = Customer.objects.bulk_create(
        [Customer(name=f"Plan customer {n}", email=f"pm{n}@example.com") for n in range(contracts)],
        batch_size=BATCH,
    )
    sites = Site.objects.bulk_create(
        [
            Site(
                customer=c,
                address=f"Via Manutenzione {n}",
                city="Rome",
                latitude=41.9,
                longitude=12.5,
                timezone="Europe/Rome",
                placement=Site.Placement.PINNED,
            )
            for n, c in enumerate(people)
        ],
        batch_size=BATCH,
    )
    appliances = Appliance.objects.bulk_create(
        [Appliance(site=s, model=model, serial_number=f"PM{n:07d}") for n, s in enumerate(sites)],
        batch_size=BATCH,
    )
    deals = ServiceContract.objects.bulk_create(
        [
            ServiceContract(
                customer=c,
                number=f"PM-{n:06d}",
                starts_on=today - datetime.timedelta(days=30),
                ends_on=today + datetime.timedelta(days=700),
                response_hours=8,
            )
            for n, c in enumerate(people)
        ],
        batch_size=BATCH,
    )
    plans = PreventivePlan.objects.bulk_create(
        [
            PreventivePlan(
                contract=k,
                name="Boiler service",
                site=s,
                first_due_on=today + datetime.timedelta(days=rng.randint(0, 59)),
                every_months=rng.choice([1, 3, 6, 6, 12, 12]),
                tolerance_days=rng.choice([7, 14]),
                expected_minutes=60,
            )
            for k, s in zip(deals, sites, strict=True)
        ],
        batch_size=BATCH,
    )
    through = PreventivePlan.appliances.through
    through.objects.bulk_create(
        [
            through(preventiveplan_id=p.pk, appliance_id=a.pk)
            for p, a in zip(plans, appliances, strict=True)
        ],
        batch_size=BATCH,
    )


def run(label: str) -> maintenance.GenerationResult:
    counter = Counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = maintenance.generate()
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    per_made = f"{counter.n / result.created:.2f}" if result.created else "-"
    print(
        f"{label}: {result.plans} plans in {result.chunks} chunks, {result.created} made, "
        f"{result.failed} refused, {seconds:.1f} s "
        f"({result.created / seconds if seconds else 0:.0f} a second); "
        f"{counter.n} queries ({per_made} per occurrence made); "
        f"peak memory {peak / 1024:.0f} MB (was {before / 1024:.0f} MB)"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=10_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Customer.objects.filter(email="pm0@example.com").exists():
        started = time.perf_counter()
        build(args.contracts)
        print(
            f"built {args.contracts} contracts with plans in {time.perf_counter() - started:.1f} s"
        )
    print(f"horizon {maintenance.horizon_days()} days, chunks of {maintenance.CHUNK} plans")
    run("first run")
    again = run("second run")
    assert again.created == 0, "a second run made occurrences"
    # The reading side alone: a run with nothing to make, over the same plans.
    counter = Counter()
    with connection.execute_wrapper(counter):
        result = maintenance.generate()
    print(
        f"reading only: {counter.n} queries for {result.chunks} chunks "
        f"({(counter.n - 1) / max(result.chunks, 1):.1f} per chunk, plus the last empty read)"
    )
    print(f"occurrences: {MaintenanceOccurrence.objects.count()}")


if __name__ == "__main__":
    main()
