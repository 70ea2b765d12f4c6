"""One block of the demo company's field work: about 20 technicians around Rome, 300
customers with 500 appliances, 200 tickets and this week's visits. Rows are plain values with
reserved ids (see rows.py); model instances are built only where a domain function needs one
(coverage of the ticketed appliances)."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from contracts.models import ServiceContract
from customers.models import Appliance, Contact, Customer, Site
from demo import catalog as cat
from technicians.models import Certification, Skill, Technician, WorkingHours
from tickets.coverage import decide_coverage
from tickets.models import Ticket, TicketEvent, Visit
from tickets.services import visit_minutes
from tickets.sla import calendar_for, response_due, sla_due

from .rows import RowWriter

TECHS, CUSTOMERS, APPLIANCES, TICKETS = 20, 300, 500, 200
SLOTS = [datetime.time(8, 0), datetime.time(10, 0), datetime.time(13, 0), datetime.time(15, 0)]


class Blocks:
    """The block writer's part of DemoCompany, which sets what it reads: skills, models,
    codes, calendar, groups, password, tz."""

    # -- one block -------------------------------------------------------------------------
    # Rows are plain values with reserved ids (see rows.py); model instances are built only
    # where a domain function needs one (coverage of the 200 ticketed appliances).
    def block(self, block: int, rng: random.Random) -> None:
        rows = RowWriter()
        techs = self._technicians(rows, block, rng)
        appliances = self._customers(rows, block, rng)
        self._tickets(rows, block, rng, techs, appliances)
        rows.flush()

    def _technicians(self, rows, block, rng) -> list[tuple[int, set[int]]]:
        user_ids = rows.reserve(User, TECHS)
        tech_ids = rows.reserve(Technician, TECHS)
        general = [s for s in self.skills.values() if s.appliance_category]
        today = timezone.localdate()
        result = []
        licences: list[tuple[int, Skill, datetime.date]] = []
        for i, (user_id, tech_id) in enumerate(zip(user_ids, tech_ids, strict=True)):
            username = f"tech{block}-{i + 1:02d}"
            rows.add(
                User,
                id=user_id,
                username=username,
                password=self.password,
                first_name=rng.choice(cat.FIRST_NAMES),
                last_name=rng.choice(cat.LAST_NAMES),
                email=f"{username}@demo.example",
                is_active=True,
                is_staff=False,
                is_superuser=False,
                date_joined=rows.now,
            )
            rows.add(User.groups.through, user_id=user_id, group_id=self.groups["technician"].pk)
            area = rng.choice(cat.AREAS)
            rows.add(
                Technician,
                id=tech_id,
                user_id=user_id,
                phone=f"+39333{block % 100:02d}{i:05d}",
                home_latitude=area[1] + rng.uniform(-0.03, 0.03),
                home_longitude=area[2] + rng.uniform(-0.03, 0.03),
                region=area[0],
                timezone=settings.TIME_ZONE,
                active=True,
            )
            own = set(rng.sample(general, rng.randint(2, 4)))
            if i % 3 == 0:
                own.add(self.skills["electrical"])
            if i % 4 == 0:
                own |= {self.skills["gas"], self.skills["hvac"]}
            if i % 5 == 0:
                own |= {self.skills["refrigerant"], self.skills["refrigeration"]}
            for skill in own:
                rows.add(Technician.skills.through, technician_id=tech_id, skill_id=skill.pk)
            for weekday in range(6 if i % 4 == 1 else 5):
                rows.add(
                    WorkingHours,
                    technician_id=tech_id,
                    weekday=weekday,
                    starts_at=datetime.time(8),
                    ends_at=datetime.time(17) if weekday < 5 else datetime.time(12),
                    break_starts_at=datetime.time(12) if weekday < 5 else None,
                    break_ends_at=datetime.time(13) if weekday < 5 else None,
                )
            certified = set()
            for skill in sorted((s for s in own if s.requires_certification), key=lambda s: s.pk):
                # One in eight licences has lapsed: the board must refuse those jobs.
                expires = today + datetime.timedelta(
                    days=-20 if (i + skill.pk) % 8 == 0 else rng.randint(60, 900)
                )
                licences.append((tech_id, skill, expires))
                if expires >= today:
                    certified.add(skill.pk)
            result.append(
                (tech_id, {s.pk for s in own if not s.requires_certification} | certified)
            )
        for cert_id, (tech_id, skill, expires) in zip(
            rows.reserve(Certification, len(licences)), licences, strict=True
        ):
            kind = {"gas": "gas", "electrical": "electrician"}.get(skill.code, "refrigerant")
            rows.add(
                Certification,
                id=cert_id,
                technician_id=tech_id,
                kind=kind,
                number=f"{kind[:3].upper()}-{tech_id:06d}",
                expires_on=expires,
            )
            rows.add(Certification.skills.through, certification_id=cert_id, skill_id=skill.pk)
        return result

    def _customers(self, rows, block, rng) -> list[Appliance]:
        today = timezone.localdate()
        customer_ids = rows.reserve(Customer, CUSTOMERS)
        portal_users = {}
        if block == 0:
            for n, user_id in enumerate(rows.reserve(User, 5), start=1):
                portal_users[customer_ids[n]] = user_id
                rows.add(
                    User,
                    id=user_id,
                    username=f"customer{n}",
                    password=self.password,
                    first_name=rng.choice(cat.FIRST_NAMES),
                    email=f"customer{n}@demo.example",
                    is_active=True,
                    is_staff=False,
                    is_superuser=False,
                    date_joined=rows.now,
                )
                rows.add(User.groups.through, user_id=user_id, group_id=self.groups["customer"].pk)
        customers = {}
        for i, customer_id in enumerate(customer_ids):
            company = i % 5 == 0
            name = (
                f"{rng.choice(cat.COMPANIES)} {rng.choice(cat.LAST_NAMES)}"
                if company
                else f"{rng.choice(cat.FIRST_NAMES)} {rng.choice(cat.LAST_NAMES)}"
            )
            rows.add(
                Customer,
                id=customer_id,
                kind="company" if company else "person",
                name=name,
                email=f"c{block}-{i}@demo.example",
                phone=f"+3906{block % 1000:03d}{i:05d}",
                language=rng.choice(["it", "it", "it", "en", "es", "bg"]),
            )
            customers[customer_id] = Customer(id=customer_id, name=name)
        # Each portal user is the administrator contact of their own customer.
        for (customer_id, user_id), contact_id in zip(
            portal_users.items(), rows.reserve(Contact, len(portal_users)), strict=True
        ):
            rows.add(
                Contact,
                id=contact_id,
                user_id=user_id,
                customer_id=customer_id,
                role=Contact.Role.ADMINISTRATOR,
            )
        self.portal_customers = set(portal_users)
        sites = []
        for customer_id in customer_ids:
            area = rng.choice(cat.AREAS)
            for _ in range(2 if rng.random() < 0.15 else 1):
                sites.append((customer_id, area))
        site_ids = rows.reserve(Site, len(sites))
        site_objects = []
        for site_id, (customer_id, area) in zip(site_ids, sites, strict=True):
            city = area[0].split()[0] if area[0].startswith("Rome") else area[0]
            values = {
                "id": site_id,
                "customer_id": customer_id,
                "address": f"{rng.choice(cat.STREETS)} {rng.randint(1, 250)}",
                "city": city,
                "postal_code": f"00{rng.randint(118, 199)}",
                "country": "IT",
                "latitude": area[1] + rng.uniform(-0.04, 0.04),
                "longitude": area[2] + rng.uniform(-0.04, 0.04),
                "placement": Site.Placement.GEOCODED_STREET,
                "timezone": settings.TIME_ZONE,
                "access_notes": rng.choice(
                    [
                        "",
                        "",
                        "Ring at the back door",
                        "Parking in the courtyard",
                        "Dog in the garden",
                    ]
                ),
            }
            rows.add(Site, **values)
            site = Site(**{k: v for k, v in values.items() if k != "timezone"})
            site.customer = customers[customer_id]
            site_objects.append(site)
        contracts = {}
        companies = [cid for i, cid in enumerate(customer_ids) if i % 5 == 0]
        for i, (contract_id, customer_id) in enumerate(
            zip(rows.reserve(ServiceContract, len(companies)), companies, strict=True)
        ):
            values = {
                "id": contract_id,
                "customer_id": customer_id,
                "number": f"SC-{block:04d}-{i:04d}",
                "starts_on": today - datetime.timedelta(days=rng.randint(30, 300)),
                "ends_on": today + datetime.timedelta(days=rng.randint(-30, 400)),
                "response_hours": rng.choice([4, 8, 16]),
                "included_visits_per_year": 2,
            }
            rows.add(ServiceContract, **values)
            contracts[customer_id] = ServiceContract(**values)
        appliances = []
        for i, appliance_id in enumerate(rows.reserve(Appliance, APPLIANCES)):
            site = site_objects[i] if i < len(site_objects) else rng.choice(site_objects)
            model = rng.choice(self.models)
            installed = today - datetime.timedelta(days=rng.randint(30, 2500))
            contract = contracts.get(site.customer_id) if rng.random() < 0.8 else None
            values = {
                "id": appliance_id,
                "model_id": model.pk,
                "site_id": site.pk,
                "serial_number": f"{model.pk:03d}{block:04d}{i:05d}",
                "installed_on": installed,
                "warranty_until": installed + datetime.timedelta(days=30 * model.warranty_months),
            }
            rows.add(Appliance, **values)
            if contract is not None:
                rows.add(
                    ServiceContract.appliances.through,
                    servicecontract_id=contract.pk,
                    appliance_id=appliance_id,
                )
            appliances.append((values, model, site, contract))
        return appliances

    def _tickets(self, rows, block, rng, techs, appliances) -> None:
        now = timezone.now()
        channels = Ticket.Channel.values
        plans = []
        # Portal customers get tickets of their own, so their pages have something to show.
        portal = (
            [a for a in appliances if a[2].customer_id in self.portal_customers]
            if block == 0
            else []
        )
        ticket_ids = rows.reserve(Ticket, TICKETS)
        for index, ticket_id in enumerate(ticket_ids):
            values, model, site, contract = (
                portal[index % len(portal)] if index < 2 * len(portal) else rng.choice(appliances)
            )
            family = self.codes.get(model.pk, [])
            kind = rng.choices(["repair", "maintenance", "installation"], [80, 12, 8])[0]
            picked = (
                rng.sample(family, min(len(family), rng.choice([1, 1, 2])))
                if kind == "repair" and family
                else []
            )
            typed = [c.code.lower() if rng.random() < 0.3 else c.code for c in picked]
            if kind == "repair" and rng.random() < 0.05:
                typed.append("X99")  # a code the catalog does not know: kept and flagged
            priority = rng.choices([1, 2, 3, 4], [5, 20, 55, 20])[0]
            opened = now - datetime.timedelta(minutes=rng.randint(10, 60 * 24 * 5))
            appliance = Appliance(id=values["id"], warranty_until=values["warranty_until"])
            decision = decide_coverage(
                customer=site.customer,
                appliance=appliance,
                on=opened.astimezone(self.tz).date(),
                listing=[contract] if contract is not None else [],
            )
            skills = {s.pk for c in picked for s in c.skills.all()}
            skills |= {s.pk for s in self.skills.values() if s.appliance_category == model.category}
            ticket = rows.add(
                Ticket,
                id=ticket_id,
                customer_id=site.customer_id,
                site_id=site.pk,
                appliance_id=values["id"],
                appliance_model_id=model.pk,
                kind=kind,
                reported_codes=typed,
                unknown_codes=["X99"] if "X99" in typed else [],
                description=picked[0].title if picked else f"{kind.title()} requested",
                channel=rng.choice(channels),
                priority=priority,
                status="new",
                tier=1,
                coverage=decision.coverage,
                coverage_reason=decision.reason,
                contract_id=decision.contract.pk if decision.contract else None,
                sla_due_at=sla_due(
                    opened_at=opened,
                    priority=priority,
                    contract=decision.contract,
                    calendar=calendar_for(decision.contract, self.calendar),
                ),
                response_due_at=response_due(
                    opened_at=opened,
                    priority=priority,
                    contract=decision.contract,
                    calendar=calendar_for(decision.contract, self.calendar),
                ),
                created_at=opened,
                updated_at=opened,
            )
            for code in picked:
                rows.add(Ticket.error_codes.through, ticket_id=ticket_id, errorcode_id=code.pk)
            for skill in skills:
                rows.add(Ticket.required_skills.through, ticket_id=ticket_id, skill_id=skill)
            rows.add(TicketEvent, ticket_id=ticket_id, kind="opened", to_value="new", at=opened)
            plans.append((ticket, skills, kind, model.category))
        self._visits(rows, rng, plans, techs)

    def _visits(self, rows, rng, plans, techs) -> None:
        """Schedule most tickets on this week's free slots of a technician who can do them."""
        today = timezone.localdate()
        days = [today + datetime.timedelta(days=d) for d in range(7)]
        days = [d for d in days if d.weekday() < 5][:5]
        free = {(t, d, s): True for t, _ in techs for d in days for s in range(len(SLOTS))}
        now = timezone.now()
        window = datetime.timedelta(minutes=settings.FIELDSERVICE["ARRIVAL_WINDOW_MINUTES"])
        for ticket, skills, kind, category in plans:
            ticket_id = ticket["id"]
            roll = rng.random()
            if roll < 0.2:
                continue  # still new: nobody has looked at it
            minutes = visit_minutes(kind=kind, category=category)
            visit = {"ticket_id": ticket_id, "duration_minutes": minutes, "status": "unassigned"}
            status = "triaged"
            able = (
                [t for t, own in techs if skills <= own] if roll >= 0.4 and minutes <= 120 else []
            )
            rng.shuffle(able)
            slot = next(
                (
                    (t, d, s)
                    for d in days
                    for t in able
                    for s in range(len(SLOTS))
                    if free.get((t, d, s))
                ),
                None,
            )
            if slot is not None:
                tech_id, day, index = slot
                free[slot] = False
                start = datetime.datetime.combine(day, SLOTS[index], tzinfo=self.tz)
                end = start + datetime.timedelta(minutes=minutes)
                visit.update(
                    technician_id=tech_id,
                    planned_start=start,
                    planned_end=end,
                    window_start=start,
                    window_end=start + window,
                    status="scheduled",
                )
                status = "scheduled"
                if end <= now:
                    visit.update(
                        status="completed", outcome="fixed", actual_start=start, actual_end=end
                    )
                    status = "resolved"
            rows.add(Visit, **visit)
            ticket["status"] = status  # the row is still in the buffer: written with it
            rows.add(
                TicketEvent, ticket_id=ticket_id, kind="status", from_value="new", to_value=status
            )
