"""A contractor's client companies for the demo: three companies of different sizes (1, 5 and
20 sites, an appliance at each), contacts of every role with portal logins, one person a
contact of two companies, a few requests each and a quote above a company's approval threshold
for its approver to accept; the largest has a contract with support around the clock, its
approvers as escalation contacts and approval of billable work above an amount. Written through
the services where a person would; a second run adds nothing."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from billing.services import quotes
from contracts.models import ServiceContract
from contracts.services import set_escalation_contacts
from customers.models import Appliance, ApplianceModel, Contact, Customer, Site
from tickets.models import Ticket
from tickets.services import open_ticket

from . import catalog as cat

# (external id, name, sites, approval threshold, contacts: (username, first, last, role)).
CLIENTS = [
    (
        "client-ferri",
        "Studio Legale Ferri",
        1,
        None,
        [("ferri-admin", "Laura", "Ferri", Contact.Role.ADMINISTRATOR)],
    ),
    (
        "client-farmacie",
        "Farmacie Riunite del Lazio",
        5,
        Money("300.00", "EUR"),
        [
            ("farmacie-admin", "Marco", "Conti", Contact.Role.ADMINISTRATOR),
            ("farmacie-approver", "Elena", "Greco", Contact.Role.APPROVER),
            ("farmacie-requester", "Paolo", "Rizzo", Contact.Role.REQUESTER),
        ],
    ),
    (
        "client-hotels",
        "Hotel Roma Group",
        20,
        Money("500.00", "EUR"),
        [
            ("hotels-admin", "Sara", "Lombardi", Contact.Role.ADMINISTRATOR),
            ("hotels-approver", "Davide", "Moretti", Contact.Role.APPROVER),
            ("hotels-requester", "Chiara", "Barbieri", Contact.Role.REQUESTER),
            ("hotels-requester2", "Luca", "Fontana", Contact.Role.REQUESTER),
        ],
    ),
]
# A facilities manager who works for two of the companies and switches between them.
SHARED = ("facility-manager", "Giorgio", "Marini")
SHARED_ROLES = {"client-farmacie": Contact.Role.APPROVER, "client-hotels": Contact.Role.REQUESTER}

# The hotels are open every night: their contract's support runs around the clock, its
# approvers hear of escalations, and billable work above 250 EUR waits for them.
AROUND_THE_CLOCK = "client-hotels"

LOGINS = [c[0] for *_, contacts in CLIENTS for c in contacts] + [SHARED[0]]


def _user(username: str, first: str, last: str, *, password: str, group: Group) -> User:
    user, made = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@demo.example",
            "password": password,
        },
    )
    if made:
        user.groups.add(group)
    return user


def _round_the_clock_contract(customer: Customer, sites: list[Site], today: datetime.date) -> None:
    contract = ServiceContract.objects.create(
        customer=customer,
        number=f"SC-{customer.external_id.upper()}",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=305),
        response_hours=4,
        support_hours=ServiceContract.SupportHours.AROUND_THE_CLOCK,
        work_approval_above=Money("250.00", "EUR"),
    )
    contract.sites.set(sites)
    set_escalation_contacts(
        contract=contract,
        contacts=list(customer.contacts.filter(role=Contact.Role.APPROVER)),
    )


@transaction.atomic
def seed_clients(*, password: str) -> int:
    """Write the client companies that are missing; returns how many were written. `password`
    is the demo users' hashed password."""
    if Customer.objects.filter(external_id__startswith="client-").exists():
        return 0
    group = Group.objects.get(name="customer")
    models = list(ApplianceModel.objects.filter(category__in=["printer", "hvac", "pc"])[:6])
    models = models or list(ApplianceModel.objects.all()[:6])
    shared = _user(*SHARED, password=password, group=group)
    today = timezone.localdate()
    for n, (external_id, name, site_count, threshold, contacts) in enumerate(CLIENTS):
        customer = Customer.objects.create(
            kind=Customer.Kind.COMPANY,
            name=name,
            email=f"{external_id}@demo.example",
            phone=f"+390699{n:02d}0000",
            language="it",
            external_id=external_id,
            approval_threshold=threshold,
        )
        appliances = []
        sites = []
        for i in range(site_count):
            area, lat, lon = cat.AREAS[i % len(cat.AREAS)]
            site = Site.objects.create(
                customer=customer,
                label=f"{name.split()[0]} {i + 1}",
                address=f"{cat.STREETS[(n * 7 + i) % len(cat.STREETS)]} {10 + i}",
                city="Fiumicino" if area == "Fiumicino" else "Rome",
                postal_code=f"00{120 + i}",
                latitude=lat + 0.003 * i,
                longitude=lon - 0.002 * i,
                placement=Site.Placement.GEOCODED_STREET,
            )
            sites.append(site)
            if models:
                appliances.append(
                    Appliance.objects.create(
                        model=models[(n + i) % len(models)],
                        site=site,
                        serial_number=f"{external_id.upper()}-{i + 1:03d}",
                        installed_on=today - datetime.timedelta(days=400 + 30 * i),
                        warranty_until=today + datetime.timedelta(days=30 * (i % 3) - 30),
                    )
                )
        people = []
        for k, (username, first, last, role) in enumerate(contacts):
            user = _user(username, first, last, password=password, group=group)
            # Each contact's own mobile: the desk finds the caller by it.
            phone = f"+39347{n}{k + 1:06d}"
            Contact.objects.create(user=user, customer=customer, role=role, phone=phone)
            people.append((user, role))
        if external_id in SHARED_ROLES:
            Contact.objects.create(user=shared, customer=customer, role=SHARED_ROLES[external_id])
            people.append((shared, SHARED_ROLES[external_id]))
        if external_id == AROUND_THE_CLOCK:
            _round_the_clock_contract(customer, sites, today)
        for i, (user, role) in enumerate(people):
            if not appliances:
                break
            appliance = appliances[i % len(appliances)]
            ticket = open_ticket(
                customer=customer,
                site=appliance.site,
                appliance=appliance,
                description="Paper jam every morning" if i % 2 else "Not cooling enough",
                channel=Ticket.Channel.PORTAL,
                by=user,
            )
            if threshold is not None and role == Contact.Role.REQUESTER and i == 2:
                # Above the threshold: it waits for the company's approver.
                quote = quotes.create_quote(
                    ticket=ticket,
                    by=None,
                    lines=[
                        quotes.LineInput(description="Compressor", unit_price="420.00"),
                        quotes.LineInput(description="Labour", unit_price="60", quantity="2"),
                    ],
                )
                quotes.send_quote(quote=quote, by=None)
    return len(CLIENTS)
