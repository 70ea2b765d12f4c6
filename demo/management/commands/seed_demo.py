"""Make a believable demo company: technicians around Rome, customers, appliances, a catalog of
manufacturers' error codes, open tickets and this week's visits (demo/company.py, blocks.py).

Data comes in blocks of about 20 technicians, 300 customers, 500 appliances and 200 tickets;
`--scale N` makes N blocks. A block that exists already is skipped, so running twice duplicates
nothing.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.clients import LOGINS as CLIENT_LOGINS
from demo.clients import seed_clients
from demo.company import DEMO_PASSWORD, DemoCompany, MissingRoles
from demo.contracts import seed_contracts
from demo.crews import seed_crews
from demo.depot import seed_depot
from demo.invoices import seed_invoices
from demo.maintenance import seed_maintenance
from demo.quotes import seed_quotes
from demo.stock import seed_stock
from tickets.models import Ticket

PARALLEL_FROM = 10  # blocks: below this, starting the writer processes costs more than it saves


class Command(BaseCommand):
    help = "Create the demo company (idempotent). --scale N multiplies it."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="number of 200-ticket blocks")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="processes writing blocks side by side (PostgreSQL only; default: 2 from "
            f"{PARALLEL_FROM} blocks up)",
        )

    def handle(self, *args, scale: int, seed: int, workers: int | None, **options):
        if scale < 1 or scale > 10_000:
            raise CommandError("--scale must be between 1 and 10000.")
        if workers is not None and not 1 <= workers <= 8:
            raise CommandError("--workers must be between 1 and 8.")
        started = time.monotonic()
        try:
            company = DemoCompany(seed=seed)
        except MissingRoles as exc:
            raise CommandError(
                "The role groups (dispatcher, technician, customer) are missing: run migrate."
            ) from exc
        todo = company.blocks_missing(scale)
        if workers is None:
            workers = 2 if len(todo) >= PARALLEL_FROM else 1
        # Side by side only on PostgreSQL, and never inside a caller's transaction (a test's),
        # which other processes could not see.
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            workers = 1
        made = 0
        for _ in company.write_blocks(todo, workers):
            made += 1
            if made % 10 == 0:
                self.stdout.write(f"  {made} blocks written...")
        seed_contracts()
        seed_invoices()
        seed_quotes()
        seed_maintenance()
        seed_crews()
        seed_depot()
        seed_stock()
        seed_clients(password=company.password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {scale} block(s), {made} new, in "
                f"{time.monotonic() - started:.1f} s. Tickets: {Ticket.objects.count()}."
            )
        )
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  dispatcher: dispatcher1   technician: tech0-01   customer: customer1")
        self.stdout.write("  admin (superuser): admin")
        self.stdout.write(
            "  client companies' contacts (requester, approver, administrator; "
            "facility-manager works for two): " + ", ".join(CLIENT_LOGINS)
        )
