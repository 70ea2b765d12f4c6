"""Benchmark: the customer's 14-day free-window search with 50 technicians and 1,000 visits.

Builds the data with bulk inserts in the database named by DATABASE_URL (run it under
bin/with-services), then prints the median search time and its query count.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from customers.models import Site  # noqa: E402
from dispatch.availability import free_windows  # noqa: E402
from technicians.models import Technician, WorkingHours  # noqa: E402
from tickets.models import Ticket, Visit  # noqa: E402

TZ = ZoneInfo("Europe/Rome")


def build(first: datetime.date) -> None:
    rng = random.Random(3)
    call_command("seed_demo", verbosity=0)
    Technician.objects.update(active=False)  # only the benchmark's 50 count
    users = User.objects.bulk_create([User(username=f"avail-{i}") for i in range(50)])
    techs = Technician.objects.bulk_create(
        [
            Technician(
                user=u,
                home_latitude=41.9 + rng.uniform(-0.1, 0.1),
                home_longitude=12.5 + rng.uniform(-0.1, 0.1),
            )
            for u in users
        ]
    )
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(
                technician=t,
                weekday=d,
                starts_at=datetime.time(8),
                ends_at=datetime.time(17),
                break_starts_at=datetime.time(12),
                break_ends_at=datetime.time(13),
            )
            for t in techs
            for d in range(5)
        ]
    )
    tickets = list(Ticket.objects.all()[:200])
    visits, n = [], 0
    for offset in range(14):
        day = first + datetime.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for tech in techs:
            for slot in (8, 10, 14):
                if n >= 1000:
                    break
                start = datetime.datetime.combine(day, datetime.time(slot), tzinfo=TZ)
                visits.append(
                    Visit(
                        ticket=tickets[n % len(tickets)],
                        technician=tech,
                        status="scheduled",
                        planned_start=start,
                        planned_end=start + datetime.timedelta(minutes=90),
                        window_start=start,
                        window_end=start + datetime.timedelta(hours=2),
                    )
                )
                n += 1
    Visit.objects.bulk_create(visits)


def main() -> None:
    first = datetime.datetime.now(TZ).date() + datetime.timedelta(days=1)
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="avail-0").exists():
        build(first)
    site = Site.objects.first()
    times = []
    for _ in range(15):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            windows = free_windows(skills=[], minutes=90, site=site, first_day=first, days=14)
            times.append((time.perf_counter() - started) * 1000)
    busy = Visit.objects.filter(technician__user__username__startswith="avail-").count()
    print(f"technicians: 50, visits in the 14 days: {busy}, windows offered: {len(windows)}")
    print(
        f"free-window search: median {statistics.median(times):.1f} ms "
        f"({len(captured)} queries)   target < 150 ms"
    )


if __name__ == "__main__":
    main()
