"""The demo company's shared part: the catalog (skills, parts, appliance models and their
error codes), the business calendar and the office staff; and writing its blocks of field
work, side by side in forked processes on PostgreSQL (see rows.py for how rows are written)."""

from __future__ import annotations

import datetime
import multiprocessing
import random
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import connections, transaction
from django.utils import timezone

from catalog.models import Article, ErrorCode, Part
from catalog.services import save_article
from customers.models import ApplianceModel
from fieldservice import roles
from technicians.models import Skill
from tickets.models import BusinessCalendar, Holiday
from tickets.sla import load_calendar

from . import catalog as cat
from .blocks import Blocks

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 - printed for the demo logins on purpose
ROLES = ("dispatcher", "technician", "customer")


class MissingRoles(Exception):
    """The role groups are not there: the database is not migrated."""


class DemoCompany(Blocks):
    """Writes the demo company; `seed` makes every run write the same data."""

    def __init__(self, *, seed: int) -> None:
        self.seed = seed
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.password = make_password(DEMO_PASSWORD)  # hashed once, shared by demo users
        self.groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
        if len(self.groups) < len(ROLES):
            raise MissingRoles
        with transaction.atomic():
            self.catalog()
            self.staff()
            self.articles()
        self.calendar = load_calendar()

    @staticmethod
    def blocks_missing(scale: int) -> list[int]:
        """The blocks of `scale` not written yet (each block's first technician tells)."""
        existing = set(
            User.objects.filter(username__startswith="tech", username__endswith="-01").values_list(
                "username", flat=True
            )
        )
        return [b for b in range(scale) if f"tech{b}-01" not in existing]

    def write_blocks(self, blocks: list[int], workers: int) -> Iterator[int]:
        """Write the blocks, yielding each one's number once it is committed."""
        if workers == 1:
            for block in blocks:
                yield self.write_block(block)
            return
        global _WRITER
        _WRITER = self
        connections.close_all()  # each process opens its own connection
        with multiprocessing.get_context("fork").Pool(
            workers, initializer=_forget_inherited_connections
        ) as pool:
            yield from pool.imap_unordered(_write_block_in_worker, blocks)

    def write_block(self, block: int) -> int:
        """One block in one transaction: all of it or none, so a rerun finishes the job."""
        with transaction.atomic():
            self.block(block, random.Random(self.seed + block))
        return block

    # -- the catalog and the office ------------------------------------------------------
    def catalog(self) -> None:
        for code, name, category, certified in cat.SKILLS:
            Skill.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "appliance_category": category,
                    "requires_certification": certified,
                },
            )
        self.skills = {s.code: s for s in Skill.objects.all()}
        Part.objects.bulk_create(
            [Part(sku=sku, name=name, unit_price=price) for sku, name, price in cat.PARTS],
            ignore_conflicts=True,
        )
        parts = {p.sku: p for p in Part.objects.all()}
        for manufacturer, category, numbers, months in cat.MODELS:
            for number in numbers:
                ApplianceModel.objects.get_or_create(
                    manufacturer=manufacturer,
                    model_number=number,
                    defaults={
                        "category": category,
                        "warranty_months": months,
                        "name": f"{manufacturer} {number}",
                    },
                )
        self.models = list(ApplianceModel.objects.order_by("pk"))
        if ErrorCode.objects.exists():
            self.codes = self._codes_by_model()
            return
        for category, families in cat.ERROR_CODES.items():
            for manufacturer, entries in families.items():
                models = [
                    m
                    for m in self.models
                    if m.manufacturer == manufacturer and m.category == category
                ]
                for index, (code, title, cause, fix, extra, skus) in enumerate(entries):
                    self._code(
                        None,
                        manufacturer,
                        category,
                        code,
                        title,
                        cause,
                        fix,
                        extra,
                        [parts[s] for s in skus],
                    )
                    if index == 0:
                        # One service bulletin per model refines the family's first code.
                        for model in models:
                            self._code(
                                model,
                                manufacturer,
                                category,
                                code,
                                f"{title} ({model.model_number})",
                                cause,
                                f"Service bulletin for {model.model_number}: {fix}",
                                extra,
                                [parts[s] for s in skus],
                            )
        self.codes = self._codes_by_model()
        calendar, _ = BusinessCalendar.objects.get_or_create(
            name="Rome office", defaults={"timezone": settings.TIME_ZONE, "is_default": True}
        )
        year = timezone.localdate().year
        for y in (year, year + 1):
            for month, day, name in [
                (1, 1, "New Year"),
                (1, 6, "Epiphany"),
                (4, 25, "Liberation Day"),
                (5, 1, "Labour Day"),
                (6, 2, "Republic Day"),
                (6, 29, "Saints Peter and Paul"),
                (8, 15, "Ferragosto"),
                (11, 1, "All Saints"),
                (12, 8, "Immaculate Conception"),
                (12, 25, "Christmas"),
                (12, 26, "St Stephen"),
            ]:
                Holiday.objects.get_or_create(
                    calendar=calendar, date=datetime.date(y, month, day), defaults={"name": name}
                )

    def _code(self, model, manufacturer, category, code, title, cause, fix, extra, parts):
        entry = ErrorCode.objects.create(
            appliance_model=model,
            manufacturer=manufacturer,
            category=category,
            code=code,
            title=title,
            probable_cause=cause,
            fix_steps=fix,
            tools="Multimeter, standard tool kit" + (", gas analyser" if extra == "gas" else ""),
        )
        if extra:
            entry.skills.add(self.skills[extra])
        entry.parts.set(parts)

    def _codes_by_model(self) -> dict[int, list[ErrorCode]]:
        by_family: dict[tuple[str, str], list[ErrorCode]] = {}
        for code in ErrorCode.objects.filter(appliance_model__isnull=True).prefetch_related(
            "skills"
        ):
            by_family.setdefault((code.manufacturer, code.category), []).append(code)
        return {m.pk: by_family.get((m.manufacturer, m.category), []) for m in self.models}

    def articles(self) -> None:
        """The knowledge base's articles, linked to the family codes they are for."""
        if Article.objects.exists():
            return
        codes = {
            (c.manufacturer, c.category, c.code): c
            for c in ErrorCode.objects.filter(appliance_model__isnull=True)
        }
        models = {m.model_number: m for m in self.models}
        author = User.objects.filter(username="dispatcher1").first()
        for title, symptoms, steps, visibility, code_keys, numbers in cat.ARTICLES:
            save_article(
                title=title,
                symptoms=symptoms,
                steps=steps,
                visibility=visibility,
                error_codes=[codes[key] for key in code_keys],
                appliance_models=[models[n] for n in numbers],
                by=author,
            )

    def staff(self) -> None:
        if not User.objects.filter(username="admin").exists():
            User.objects.create(
                username="admin",
                password=self.password,
                is_staff=True,
                is_superuser=True,
                first_name="Ada",
                last_name="Admin",
            )
        for i, (first, last) in enumerate(
            [("Paola", "Neri"), ("Enzo", "Galli"), ("Rita", "Sala")], start=1
        ):
            user, created = User.objects.get_or_create(
                username=f"dispatcher{i}",
                defaults={
                    "password": self.password,
                    "first_name": first,
                    "last_name": last,
                    "is_staff": True,
                    "email": f"dispatcher{i}@demo.example",
                },
            )
            if created:
                user.groups.add(self.groups["dispatcher"])
                # One of them in each support tier's group, so escalations reach someone.
                user.groups.add(Group.objects.get_or_create(name=roles.TIER_GROUPS[i])[0])


_WRITER: DemoCompany | None = None  # the company, handed to the forked block writers


def _forget_inherited_connections() -> None:
    """In a forked writer: drop every database connection copied from the parent without
    closing it (closing would end the parent's session too), so the writer opens its own. The
    parent closes its connections before forking, but after a browser test in the same process
    one still reached the writers open, and two processes reading one socket failed with "no
    results to fetch"."""
    for conn in connections.all(initialized_only=True):
        conn.connection = None


def _write_block_in_worker(block: int) -> int:
    return _WRITER.write_block(block)
