"""Make a believable demo company: technicians around Rome, customers, appliances, a catalog of
manufacturers' error codes, open tickets and this week's visits.

Data comes in blocks of about 20 technicians, 300 customers, 500 appliances and 200 tickets;
`--scale N` makes N blocks. A block that exists already is skipped, so running twice duplicates
nothing. Everything is written with bulk inserts: 500 blocks (100,000 tickets) load in minutes.
"""

from __future__ import annotations

import datetime
import random
import time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from customers.models import Appliance, ApplianceModel, Customer, ServiceContract, Site
from dispatch import demo_catalog as cat
from technicians.models import Certification, Skill, Technician, WorkingHours
from tickets.coverage import decide_coverage
from tickets.models import BusinessCalendar, ErrorCode, Holiday, Part, Ticket, TicketEvent, Visit
from tickets.services import visit_minutes
from tickets.sla import load_calendar, sla_due

DEMO_PASSWORD = "demo-pass-123"  # noqa: S105 - printed for the demo logins on purpose
TECHS, CUSTOMERS, APPLIANCES, TICKETS = 20, 300, 500, 200
SLOTS = [datetime.time(8, 0), datetime.time(10, 0), datetime.time(13, 0), datetime.time(15, 0)]


def _phone(national: int) -> PhoneNumber:
    # Built from parts: parsing 150,000 phone strings would cost more than the inserts.
    return PhoneNumber(
        country_code=39, national_number=national, italian_leading_zero=national < 1e9
    )


class Command(BaseCommand):
    help = "Create the demo company (idempotent). --scale N multiplies it."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="number of 200-ticket blocks")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, scale: int, seed: int, **options):
        if scale < 1 or scale > 10_000:
            raise CommandError("--scale must be between 1 and 10000.")
        started = time.monotonic()
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.password = make_password(DEMO_PASSWORD)  # hashed once, shared by demo users
        self.groups = {
            g.name: g
            for g in Group.objects.filter(name__in=["dispatcher", "technician", "customer"])
        }
        with transaction.atomic():
            self.catalog()
            self.staff()
        self.calendar = load_calendar()
        made = 0
        for block in range(scale):
            if User.objects.filter(username=f"tech{block}-01").exists():
                continue
            with transaction.atomic():
                self.block(block, random.Random(seed + block))
            made += 1
            if made % 10 == 0:
                self.stdout.write(f"  {made} blocks written...")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {scale} block(s), {made} new, in "
                f"{time.monotonic() - started:.1f} s. Tickets: {Ticket.objects.count()}."
            )
        )
        self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
        self.stdout.write("  dispatcher: dispatcher1   technician: tech0-01   customer: customer1")
        self.stdout.write("  admin (superuser): admin")

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

    # -- one block -------------------------------------------------------------------------
    def block(self, block: int, rng: random.Random) -> None:
        techs = self._technicians(block, rng)
        appliances = self._customers(block, rng)
        self._tickets(block, rng, techs, appliances)

    def _technicians(self, block, rng) -> list[tuple[Technician, set[int]]]:
        users = User.objects.bulk_create(
            [
                User(
                    username=f"tech{block}-{i:02d}",
                    password=self.password,
                    first_name=rng.choice(cat.FIRST_NAMES),
                    last_name=rng.choice(cat.LAST_NAMES),
                    email=f"tech{block}-{i:02d}@demo.example",
                )
                for i in range(1, TECHS + 1)
            ]
        )
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=u.pk, group_id=self.groups["technician"].pk)
                for u in users
            ]
        )
        general = [s for s in self.skills.values() if s.appliance_category]
        techs = Technician.objects.bulk_create(
            [
                Technician(
                    user=u,
                    phone=_phone(3330000000 + (block % 100) * 100_000 + i),
                    home_latitude=area[1] + rng.uniform(-0.03, 0.03),
                    home_longitude=area[2] + rng.uniform(-0.03, 0.03),
                    region=area[0],
                    timezone=settings.TIME_ZONE,
                )
                for i, (u, area) in enumerate((u, rng.choice(cat.AREAS)) for u in users)
            ]
        )
        skill_rows, hour_rows, certs, cert_skills, result = [], [], [], [], []
        expiry_base = timezone.localdate()
        for i, tech in enumerate(techs):
            own = set(rng.sample(general, rng.randint(2, 4)))
            if i % 3 == 0:
                own.add(self.skills["electrical"])
            if i % 4 == 0:
                own |= {self.skills["gas"], self.skills["hvac"]}
            if i % 5 == 0:
                own |= {self.skills["refrigerant"], self.skills["refrigeration"]}
            skill_rows += [
                Technician.skills.through(technician_id=tech.pk, skill_id=s.pk) for s in own
            ]
            for weekday in range(6 if i % 4 == 1 else 5):
                hour_rows.append(
                    WorkingHours(
                        technician=tech,
                        weekday=weekday,
                        starts_at=datetime.time(8),
                        ends_at=datetime.time(17) if weekday < 5 else datetime.time(12),
                        break_starts_at=datetime.time(12) if weekday < 5 else None,
                        break_ends_at=datetime.time(13) if weekday < 5 else None,
                    )
                )
            certified = set()
            for skill in own:
                if skill.requires_certification:
                    # One in eight licences has lapsed: the board must refuse those jobs.
                    expires = expiry_base + datetime.timedelta(
                        days=-20 if (i + skill.pk) % 8 == 0 else rng.randint(60, 900)
                    )
                    kind = {"gas": "gas", "electrical": "electrician"}.get(
                        skill.code, "refrigerant"
                    )
                    certs.append(
                        Certification(
                            technician=tech,
                            kind=kind,
                            number=f"{kind[:3].upper()}-{tech.pk:06d}",
                            expires_on=expires,
                        )
                    )
                    cert_skills.append(skill)
                    if expires >= expiry_base:
                        certified.add(skill.pk)
            result.append((tech, {s.pk for s in own if not s.requires_certification} | certified))
        Technician.skills.through.objects.bulk_create(skill_rows)
        WorkingHours.objects.bulk_create(hour_rows)
        certs = Certification.objects.bulk_create(certs)
        Certification.skills.through.objects.bulk_create(
            [
                Certification.skills.through(certification_id=c.pk, skill_id=s.pk)
                for c, s in zip(certs, cert_skills, strict=True)
            ]
        )
        return result

    def _customers(self, block, rng) -> list[Appliance]:
        today = timezone.localdate()
        customers = []
        for i in range(CUSTOMERS):
            company = i % 5 == 0
            name = (
                f"{rng.choice(cat.COMPANIES)} {rng.choice(cat.LAST_NAMES)}"
                if company
                else f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.LAST_NAMES)}"
            )
            customers.append(
                Customer(
                    kind="company" if company else "person",
                    name=name,
                    email=f"c{block}-{i}@demo.example",
                    phone=_phone(600000000 + (block % 1000) * 1000 + i),
                    language=rng.choice(["it", "it", "it", "en", "es", "bg"]),
                )
            )
        customers = Customer.objects.bulk_create(customers)
        if block == 0:
            for n in range(1, 6):
                user = User.objects.create(
                    username=f"customer{n}",
                    password=self.password,
                    first_name=customers[n].name.split()[0],
                    email=f"customer{n}@demo.example",
                )
                user.groups.add(self.groups["customer"])
                customers[n].user = user
                customers[n].save(update_fields=["user"])
        sites = []
        for customer in customers:
            area = rng.choice(cat.AREAS)
            for _ in range(2 if rng.random() < 0.15 else 1):
                sites.append(
                    Site(
                        customer=customer,
                        address=f"{rng.choice(cat.STREETS)} {rng.randint(1, 250)}",
                        city=area[0]
                        .replace(" Centre", "")
                        .replace(" North", "")
                        .replace(" East", "")
                        .replace(" South", "")
                        .replace(" West", ""),
                        postal_code=f"00{rng.randint(118, 199)}",
                        latitude=area[1] + rng.uniform(-0.04, 0.04),
                        longitude=area[2] + rng.uniform(-0.04, 0.04),
                        timezone=settings.TIME_ZONE,
                        access_notes=rng.choice(
                            [
                                "",
                                "",
                                "Ring at the back door",
                                "Parking in the courtyard",
                                "Dog in the garden",
                            ]
                        ),
                    )
                )
        sites = Site.objects.bulk_create(sites)
        created = ServiceContract.objects.bulk_create(
            [
                ServiceContract(
                    customer=c,
                    number=f"SC-{block:04d}-{i:04d}",
                    starts_on=today - datetime.timedelta(days=rng.randint(30, 300)),
                    ends_on=today + datetime.timedelta(days=rng.randint(-30, 400)),
                    response_hours=rng.choice([4, 8, 16]),
                )
                for i, c in enumerate(customers)
                if c.kind == "company"
            ]
        )
        contracts = {c.customer_id: c for c in created}
        appliances = []
        for i in range(APPLIANCES):
            site = sites[i % len(sites)] if i < len(sites) else rng.choice(sites)
            model = rng.choice(self.models)
            installed = today - datetime.timedelta(days=rng.randint(30, 2500))
            appliances.append(
                Appliance(
                    model=model,
                    site=site,
                    serial_number=f"{model.pk:03d}{block:04d}{i:05d}",
                    installed_on=installed,
                    warranty_until=installed + datetime.timedelta(days=30 * model.warranty_months),
                    contract=contracts.get(site.customer_id) if rng.random() < 0.8 else None,
                )
            )
        return Appliance.objects.bulk_create(appliances)

    def _tickets(self, block, rng, techs, appliances) -> None:
        now = timezone.now()
        channels = Ticket.Channel.values
        rows, code_rows, skill_rows, plans = [], [], [], []
        # Portal customers get tickets of their own, so their pages have something to show.
        portal = [a for a in appliances if a.site.customer.user_id] if block == 0 else []
        for index in range(TICKETS):
            appliance = (
                portal[index % len(portal)] if index < 2 * len(portal) else (rng.choice(appliances))
            )
            model = appliance.model
            family = self.codes.get(model.pk, [])
            kind = rng.choices(["repair", "maintenance", "installation"], [80, 12, 8])[0]
            picked = (
                rng.sample(family, min(len(family), rng.choice([1, 1, 2])))
                if (kind == "repair" and family)
                else []
            )
            typed = [c.code.lower() if rng.random() < 0.3 else c.code for c in picked]
            if kind == "repair" and rng.random() < 0.05:
                typed.append("X99")  # a code the catalog does not know: kept and flagged
            priority = rng.choices([1, 2, 3, 4], [5, 20, 55, 20])[0]
            opened = now - datetime.timedelta(minutes=rng.randint(10, 60 * 24 * 5))
            decision = decide_coverage(
                customer=appliance.site.customer,
                appliance=appliance,
                on=opened.astimezone(self.tz).date(),
            )
            skills = {s.pk for c in picked for s in c.skills.all()}
            skills |= {s.pk for s in self.skills.values() if s.appliance_category == model.category}
            rows.append(
                Ticket(
                    customer=appliance.site.customer,
                    site=appliance.site,
                    appliance=appliance,
                    appliance_model=model,
                    kind=kind,
                    reported_codes=typed,
                    unknown_codes=["X99"] if "X99" in typed else [],
                    description=picked[0].title if picked else f"{kind.title()} requested",
                    channel=rng.choice(channels),
                    priority=priority,
                    status="new",
                    coverage=decision.coverage,
                    coverage_reason=decision.reason,
                    contract=decision.contract,
                    sla_due_at=sla_due(
                        opened_at=opened,
                        priority=priority,
                        contract=decision.contract,
                        calendar=self.calendar,
                    ),
                )
            )
            plans.append((picked, skills, opened, kind, model.category))
        tickets = Ticket.objects.bulk_create(rows)
        events = []
        for ticket, (picked, skills, _opened, _, _) in zip(tickets, plans, strict=True):
            code_rows += [
                Ticket.error_codes.through(ticket_id=ticket.pk, errorcode_id=c.pk) for c in picked
            ]
            skill_rows += [
                Ticket.required_skills.through(ticket_id=ticket.pk, skill_id=s) for s in skills
            ]
            events.append(TicketEvent(ticket=ticket, kind="opened", to_value="new"))
        Ticket.error_codes.through.objects.bulk_create(code_rows)
        Ticket.required_skills.through.objects.bulk_create(skill_rows)
        self._visits(rng, tickets, plans, techs, events)
        TicketEvent.objects.bulk_create(events)

    def _visits(self, rng, tickets, plans, techs, events) -> None:
        """Schedule most tickets on this week's free slots of a technician who can do them."""
        today = timezone.localdate()
        days = [today + datetime.timedelta(days=d) for d in range(7)]
        days = [d for d in days if d.weekday() < 5][:5]
        free = {(t.pk, d, s): True for t, _ in techs for d in days for s in range(len(SLOTS))}
        visits, statuses = [], {}
        now = timezone.now()
        for ticket, (_, skills, _, kind, category) in zip(tickets, plans, strict=True):
            roll = rng.random()
            if roll < 0.2:
                continue  # still new: nobody has looked at it
            minutes = visit_minutes(kind=kind, category=category)
            visit = Visit(ticket=ticket, duration_minutes=minutes)
            if roll < 0.4 or minutes > 120:
                statuses[ticket.pk] = "triaged"
                visits.append(visit)
                continue
            able = [t for t, own in techs if skills <= own]
            rng.shuffle(able)
            slot = next(
                (
                    (t, d, s)
                    for d in days
                    for t in able
                    for s in range(len(SLOTS))
                    if free.get((t.pk, d, s))
                ),
                None,
            )
            if slot is None:
                statuses[ticket.pk] = "triaged"
                visits.append(visit)
                continue
            tech, day, index = slot
            free[(tech.pk, day, index)] = False
            start = datetime.datetime.combine(day, SLOTS[index], tzinfo=self.tz)
            visit.technician = tech
            visit.planned_start = start
            visit.planned_end = start + datetime.timedelta(minutes=minutes)
            visit.window_start = start
            visit.window_end = start + datetime.timedelta(
                minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"]
            )
            visit.status = "scheduled"
            statuses[ticket.pk] = "scheduled"
            if visit.planned_end <= now:
                visit.status = "completed"
                visit.outcome = "fixed"
                visit.actual_start, visit.actual_end = visit.planned_start, visit.planned_end
                statuses[ticket.pk] = "resolved"
            visits.append(visit)
        Visit.objects.bulk_create(visits)
        by_status: dict[str, list[int]] = {}
        for pk, status in statuses.items():
            by_status.setdefault(status, []).append(pk)
            events.append(
                TicketEvent(ticket_id=pk, kind="status", from_value="new", to_value=status)
            )
        for status, pks in by_status.items():
            Ticket.objects.filter(pk__in=pks).update(status=status)
