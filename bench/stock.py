"""Benchmark: stock on hand for 100 vans x 2,000 parts, and the evening restock list for 100
technicians.

Builds (bulk inserts, in the database named by DATABASE_URL) N technicians with a van each, a
warehouse, P parts, a receipt and two consumptions in the ledger for every part in every van
(so the ledger holds 3 x N x P moves) with the level rows they sum to, a reorder point for a
tenth of the parts in each van and some reservations waiting there. Then times, with query
counts: one van's stock page read (inventory.selectors.levels_at), every van's stock at once,
the same figures re-summed from the ledger for one van (what the level rows save), the restock
lists of all vans (inventory.selectors.restock_lists), and consumptions through the service
(inventory.services.move_stock, with its row locks). Run it under bin/with-services:

    bin/with-services .venv/bin/python bench/stock.py [--vans 100] [--parts 2000]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldservice.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q, Sum  # noqa: E402
from django.utils import timezone  # noqa: E402

from catalog.models import Part  # noqa: E402
from inventory import selectors, services  # noqa: E402
from inventory.models import (  # noqa: E402
    ReorderPoint,
    Reservation,
    StockLevel,
    StockLocation,
    StockMove,
)
from technicians.models import Technician  # noqa: E402
from tickets.models import Ticket  # noqa: E402

BATCH = 5000
PREFIX = "BENCH-STOCK"


class Counter:
    """Counts queries without keeping them."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def _copy(table: str, columns: list[str], rows) -> None:
    """PostgreSQL's COPY for the ledger's hundreds of thousands of rows (bulk_create would take
    minutes); the values are numbers and plain keys, written tab-separated."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def build(vans: int, parts: int, seed: int = 19) -> list[StockLocation]:
    rng = random.Random(seed)
    now = timezone.now().isoformat()
    warehouse = StockLocation.objects.create(
        name=f"{PREFIX} warehouse", kind=StockLocation.Kind.WAREHOUSE
    )
    catalog = Part.objects.bulk_create(
        [Part(sku=f"{PREFIX}-{n:05d}", name=f"Bench part {n}") for n in range(parts)],
        batch_size=BATCH,
    )
    users = User.objects.bulk_create(
        [User(username=f"bench-stock-{n}") for n in range(vans)], batch_size=BATCH
    )
    people = Technician.objects.bulk_create(
        [Technician(user=u, home_latitude=41.9, home_longitude=12.5) for u in users]
    )
    places = StockLocation.objects.bulk_create(
        [
            StockLocation(
                name=f"{PREFIX} van {n}",
                kind=StockLocation.Kind.VAN,
                technician=t,
                restocked_from=warehouse,
            )
            for n, t in enumerate(people)
        ]
    )
    moves, levels, points = [], [], []
    for van in places:
        for part in catalog:
            got, used = rng.randint(2, 20), [rng.randint(0, 1), rng.randint(0, 1)]
            moves.append(("receipt", part.pk, None, van.pk, got, f"b:{van.pk}:{part.pk}:r"))
            for i, n in enumerate(used):
                if n:
                    moves.append(
                        ("consumption", part.pk, van.pk, None, n, f"b:{van.pk}:{part.pk}:{i}")
                    )
            levels.append((part.pk, van.pk, got - sum(used), 0))
            if rng.random() < 0.1:
                points.append(ReorderPoint(part=part, location=van, minimum=10, target=20))
    _copy(
        "inventory_stockmove",
        [
            "kind",
            "part_id",
            "from_location_id",
            "to_location_id",
            "quantity",
            "key",
            "shortfall",
            "reason",
            "at",
        ],
        ((*m, 0, "", now) for m in moves),
    )
    _copy("inventory_stocklevel", ["part_id", "location_id", "on_hand", "reserved"], levels)
    ReorderPoint.objects.bulk_create(points, batch_size=BATCH)
    ticket = Ticket.objects.order_by("pk").first()
    if ticket is not None:
        Reservation.objects.bulk_create(
            [
                Reservation(
                    ticket=ticket,
                    part=rng.choice(catalog),
                    location=van,
                    quantity=1,
                    status=Reservation.Status.WAITING,
                )
                for van in places
                for _ in range(5)
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE inventory_stockmove; ANALYZE inventory_stocklevel")
    return places


def timed(label: str, call):
    counter = Counter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    print(f"{label}: {seconds * 1000:.1f} ms, {counter.n} queries")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vans", type=int, default=100)
    parser.add_argument("--parts", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    places = list(StockLocation.objects.filter(name__startswith=f"{PREFIX} van").order_by("pk"))
    if not places:
        started = time.perf_counter()
        places = build(args.vans, args.parts)
        print(f"built in {time.perf_counter() - started:.1f} s")
    ids = [p.pk for p in places]
    print(
        f"{len(places)} vans, {StockLevel.objects.filter(location_id__in=ids).count()} level rows, "
        f"{StockMove.objects.count()} moves in the ledger"
    )
    one = places[0]
    rows = timed("one van's stock (2,000 parts) as rows", lambda: list(selectors.on_hand([one.pk])))
    print(f"  {len(rows)} rows")
    rows = timed("every van's stock at once as rows", lambda: list(selectors.on_hand(ids)))
    print(f"  {len(rows)} rows")
    rows = timed(
        "one van's stock (2,000 parts) from its level rows, as model objects",
        lambda: list(selectors.levels_at([one.pk])),
    )
    print(f"  {len(rows)} rows")

    def ledger_sum():
        came = (
            StockMove.objects.filter(to_location=one).values("part_id").annotate(q=Sum("quantity"))
        )
        went = (
            StockMove.objects.filter(from_location=one)
            .values("part_id")
            .annotate(q=Sum("quantity"))
        )
        return len(list(came)) + len(list(went))

    timed("the same van re-summed from the ledger (what the level rows save)", ledger_sum)

    def ledger_all():
        came = (
            StockMove.objects.filter(to_location_id__in=ids)
            .values("to_location_id", "part_id")
            .annotate(q=Sum("quantity"))
        )
        went = (
            StockMove.objects.filter(from_location_id__in=ids)
            .values("from_location_id", "part_id")
            .annotate(q=Sum("quantity"))
        )
        return len(list(came)) + len(list(went))

    timed("every van re-summed from the ledger", ledger_all)
    timed("one technician's restock list", lambda: selectors.van_restock(one.technician_id))
    lists = timed(f"restock lists of {len(ids)} vans", lambda: selectors.restock_lists(ids))
    lines = sum(len(v) for v in lists.values())
    print(f"  {lines} lines ({lines / max(len(ids), 1):.0f} a van)")
    part_ids = list(
        StockLevel.objects.filter(location=one, on_hand__gte=5).values_list("part_id", flat=True)[
            :200
        ]
    )
    stamp = time.time_ns()

    def consume():
        for n, part in enumerate(Part.objects.filter(pk__in=part_ids)):
            services.move_stock(
                kind=StockMove.Kind.CONSUMPTION,
                part=part,
                quantity=1,
                key=f"bench:{stamp}:{n}",
                by=None,
                from_location=one,
            )

    timed(f"{len(part_ids)} consumptions through the service", consume)
    print(f"  shortfalls flagged: {StockMove.objects.filter(~Q(shortfall=0)).count()}")


if __name__ == "__main__":
    main()
