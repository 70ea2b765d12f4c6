"""The organization and the contact who asked, with their own phone and email, on the desk's
ticket list and ticket page, the board's ticket panel, the technician's job and the API, each
read without a query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Contact, Customer
from dispatch.services import assign_visit
from tests import factories
from tests.helpers import at, booking_body, client_for
from tickets.models import Ticket
from tickets.services import create_visit

pytestmark = pytest.mark.django_db

R = Contact.Role


def company(name: str) -> Customer:
    return factories.CustomerFactory(name=name, kind=Customer.Kind.COMPANY)


def requested_ticket(customer: Customer, n: int) -> tuple[Ticket, Contact]:
    """A ticket of `customer` asked for by a contact of theirs with a line of their own."""
    contact = factories.ContactFactory(
        customer=customer,
        user=factories.UserFactory(
            first_name="Mina", last_name=f"Caller{n}", email=f"mina{n}@acme.example"
        ),
        phone=f"+3906555{n:05d}",
    )
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))
    return factories.open_ticket(appliance=appliance, requested_by=contact.user), contact


def test_the_ticket_list_shows_the_contact_who_asked_with_their_phone(dispatcher_client):
    acme = company("Acme Offices")
    _ticket, _contact = requested_ticket(acme, 1)
    other = factories.open_ticket()

    page = dispatcher_client.get("/desk/tickets/").text

    row = page.split('data-testid="row-requested-by"')[1].split("</small>")[0]
    assert "Mina Caller1" in row
    assert "06 5550 0001" in row or "065550001" in row.replace(" ", "")
    assert other.customer.name in page
    assert page.count('data-testid="row-requested-by"') == 1


def test_the_ticket_lists_queries_do_not_grow_with_requested_rows(dispatcher_client):
    acme, beta = company("Acme Offices"), company("Beta Srl")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert dispatcher_client.get("/desk/tickets/").status_code == 200
        return len(captured)

    for n in range(2):
        requested_ticket(acme, n)
    few = queries()
    for n in range(2, 14):
        requested_ticket(acme if n % 2 else beta, n)
    many = queries()

    assert many == few
    assert dispatcher_client.get("/desk/tickets/").text.count("row-requested-by") == 14


def test_a_contact_in_two_organizations_shows_with_the_role_of_the_tickets_one(
    dispatcher_client,
):
    acme, beta = company("Acme Offices"), company("Beta Srl")
    ticket, contact = requested_ticket(acme, 7)
    factories.ContactFactory(customer=beta, user=contact.user, role=R.ADMINISTRATOR, phone="")

    page = dispatcher_client.get(reverse("desk:ticket", args=[ticket.number])).text

    shown = page.split('data-testid="requested-by"')[1].split("</dd>")[0]
    assert "Requester" in shown
    assert "Administrator" not in shown
    assert f"tel:{contact.phone}" in shown
    assert "mailto:mina7@acme.example" in shown


def test_the_panel_and_the_job_give_the_contacts_own_phone(dispatcher, technician, next_monday):
    ticket, contact = requested_ticket(company("Acme Offices"), 3)
    visit = create_visit(ticket=ticket, by=None)
    assign_visit(visit=visit, technician=technician, start=at(next_monday, 9), by=None)
    desk, tech = Client(), Client()
    desk.force_login(dispatcher)
    tech.force_login(technician.user)

    panel = desk.get(reverse("dispatch:panel", args=[ticket.pk])).text
    job = tech.get(reverse("tech:job", args=[visit.pk])).text

    assert f"tel:{contact.phone}" in panel.split('data-testid="panel-requested-by"')[1][:600]
    assert f"tel:{contact.phone}" in job.split('data-testid="job-requested-by"')[1][:600]
    assert "Acme Offices" in panel
    assert "Acme Offices" in job


def test_the_api_shows_the_requesting_contact_read_only(dispatcher):
    ticket, contact = requested_ticket(company("Acme Offices"), 4)
    plain = factories.open_ticket()
    api = client_for(dispatcher)

    shown = api.get(f"/api/v1/tickets/{ticket.pk}/").json()
    none = api.get(f"/api/v1/tickets/{plain.pk}/").json()
    changed = api.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"requested_by": None, "description": "x"},
        format="json",
        HTTP_IF_MATCH=api.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"],
    )

    assert shown["requested_by"] == {"id": contact.pk, "name": "Mina Caller4"}
    assert none["requested_by"] is None
    assert changed.status_code == 200, changed.content
    assert Ticket.objects.get(pk=ticket.pk).requested_by == contact.user


def test_the_api_lists_queries_do_not_grow_with_requested_rows(dispatcher):
    acme = company("Acme Offices")
    api = client_for(dispatcher)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/v1/tickets/").status_code == 200
        return len(captured)

    requested_ticket(acme, 0)
    queries()  # the token's first use of the day is written down once
    few = queries()
    for n in range(1, 12):
        requested_ticket(acme, n)

    assert queries() == few


def test_a_ticket_booked_through_the_api_by_a_contact_records_them(world):
    user = world.users["customer"]
    contact = Contact.objects.get(user=user, customer_id=world.mine["customer"])

    response = world.clients["customer"].post(
        reverse("v1:booking-list"), booking_body(world), format="json"
    )

    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["ticket"]["id"])
    assert ticket.requested_by == user
    assert response.json()["ticket"]["requested_by"]["id"] == contact.pk
