"""Benchmark: the day board, its map's data and technician suggestions on a big day.

Builds 200 technicians and 2,000 visits on one day (bulk inserts) in the database named by
DATABASE_URL, then prints the median render time of the board page and of the suggestions for
one ticket, with their query counts. Run it under bin/with-services (make bench does).

Usage: python bench/board.py [--technicians 200] [--visits 2000] [--repeat 15]
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
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dispatch.selectors import day_map  # noqa: E402
from dispatch.suggestions import suggest  # noqa: E402
from technicians.models import Technician, WorkingHours  # noqa: E402
from tickets.models import Ticket, Visit  # noqa: E402


def build(technicians: int, visits: int, day: datetime.date) -> None:
    rng = random.Random(7)
    tz = ZoneInfo("Europe/Rome")
    call_command("seed_demo", verbosity=0)  # catalog, customers and tickets to hang visits on
    users = User.objects.bulk_create(
        [
            User(username=f"bench-tech-{i}", first_name="Bench", last_name=str(i))
            for i in range(technicians)
        ]
    )
    techs = Technician.objects.bulk_create(
        [
            Technician(
                user=u,
                home_latitude=41.9 + rng.uniform(-0.1, 0.1),
                home_longitude=12.5 + rng.uniform(-0.1, 0.1),
                region="Bench",
            )
            for u in users
        ]
    )
    WorkingHours.objects.bulk_create(
        [
            WorkingHours(
                technician=t,
                weekday=day.weekday(),
                starts_at=datetime.time(8),
                ends_at=datetime.time(18),
                break_starts_at=datetime.time(12),
                break_ends_at=datetime.time(13),
            )
            for t in techs
        ]
    )
    tickets = list(Ticket.objects.all()[:visits])
    per_tech = max(1, visits // technicians)
    rows = []
    for n in range(visits):
        tech = techs[n % technicians]
        slot = n // technicians % per_tech
        start = datetime.datetime.combine(day, datetime.time(8), tzinfo=tz) + datetime.timedelta(
            minutes=50 * slot + (60 if 8 * 60 + 50 * slot >= 12 * 60 else 0)
        )
        rows.append(
            Visit(
                ticket=tickets[n % len(tickets)],
                technician=tech,
                status="scheduled",
                planned_start=start,
                planned_end=start + datetime.timedelta(minutes=45),
                window_start=start,
                window_end=start + datetime.timedelta(hours=2),
                duration_minutes=45,
            )
        )
    Visit.objects.bulk_create(rows)


def timed(fn, repeat: int) -> tuple[float, int]:
    times, queries = [], 0
    for _ in range(repeat):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--technicians", type=int, default=200)
    parser.add_argument("--visits", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    day = datetime.datetime.now(ZoneInfo("Europe/Rome")).date() + datetime.timedelta(days=30)
    call_command("migrate", verbosity=0)
    if Visit.objects.filter(technician__region="Bench").count() < args.visits:
        build(args.technicians, args.visits, day)
    dispatcher = User.objects.get(username="dispatcher1")
    dispatcher.groups.add(Group.objects.get(name="dispatcher"))
    client = Client()
    client.force_login(dispatcher)
    url = f"/dispatch/?day={day.isoformat()}"
    assert client.get(url).status_code == 200
    board_ms, board_q = timed(lambda: client.get(url), args.repeat)
    map_ms, map_q = timed(lambda: day_map(day=day), args.repeat)
    map_page_ms, map_page_q = timed(lambda: client.get(url + "&view=map"), args.repeat)
    queued = Visit.objects.filter(status="unassigned").select_related("ticket__site").first()
    suggest_ms, suggest_q = timed(lambda: suggest(visit=queued, day=day), args.repeat)
    active = Technician.objects.filter(active=True).count()
    print(
        f"technicians active: {active}, visits that day: "
        f"{Visit.objects.filter(technician__region='Bench').count()}"
    )
    print(f"board page:  median {board_ms:7.1f} ms  ({board_q} queries)   target < 300 ms")
    print(f"day map data: median {map_ms:7.1f} ms  ({map_q} queries)   target < 150 ms")
    print(f"board's map page: median {map_page_ms:7.1f} ms  ({map_page_q} queries)")
    print(f"suggestions: median {suggest_ms:7.1f} ms  ({suggest_q} queries)   target < 100 ms")


if __name__ == "__main__":
    main()
