"""An organization's IT equipment: a computer, printer or network device is an appliance with
its place at the site and the person using it, shown wherever the appliance is shown: the
portal, the desk's ticket and intake search, the technician's day and job, the admin, the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import ApplianceModel, Customer
from tests import factories
from tests.helpers import assign_today, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_hours")]


@pytest.fixture
def laptop(customer_user):
    firm = customer_user.contacts.get().customer
    Customer.objects.filter(pk=firm.pk).update(kind=Customer.Kind.COMPANY)
    return factories.ApplianceFactory(
        site=factories.SiteFactory(customer=firm),
        model=factories.ApplianceModelFactory(
            manufacturer="Lenovo", model_number="T14", category=ApplianceModel.Category.PC
        ),
        location="3rd floor, desk 12",
        assigned_to="Anna Neri",
    )


PLACE_AND_USER = ("3rd floor, desk 12", "used by Anna Neri")


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_the_portal_lists_equipment_with_its_place_and_user(client, customer_user, laptop):
    client.force_login(customer_user)

    page = _page(client, reverse("portal:home"))

    assert 'data-testid="appliance-location"' in page
    assert all(text in page for text in PLACE_AND_USER)


def test_the_desks_ticket_page_shows_the_equipments_place_and_user(dispatcher_client, laptop):
    ticket = factories.open_ticket(appliance=laptop)

    page = _page(dispatcher_client, reverse("desk:ticket", args=[ticket.number]))

    assert ticket.number in page
    assert all(text in page for text in PLACE_AND_USER)


def test_the_intakes_search_offers_the_equipment_with_its_place_and_user(dispatcher_client, laptop):
    page = dispatcher_client.get(reverse("desk:customer_search"), {"q": laptop.serial_number}).text

    assert f'data-appliance="{laptop.pk}"' in page
    assert all(text in page for text in PLACE_AND_USER)


def test_the_technicians_day_and_job_show_the_equipments_place_and_user(client, technician, laptop):
    visit = assign_today(factories.new_visit(factories.open_ticket(appliance=laptop)), technician)
    client.force_login(technician.user)

    day = _page(client, reverse("tech:today"))
    job = _page(client, reverse("tech:job", args=[visit.pk]))

    assert all(text in day for text in PLACE_AND_USER)
    assert all(text in job for text in PLACE_AND_USER)


def test_equipment_without_a_place_shows_none(client, customer_user, laptop):
    laptop.location = laptop.assigned_to = ""
    laptop.save()
    client.force_login(customer_user)

    page = client.get(reverse("portal:home")).text

    assert "T14" in page
    assert 'data-testid="appliance-location"' not in page
    assert "used by" not in page


def test_the_admin_lists_and_finds_equipment_by_place_and_user(admin_client, laptop):
    factories.ApplianceFactory(location="Basement", assigned_to="Someone Else")

    page = admin_client.get(reverse("admin:customers_appliance_changelist"), {"q": "Anna"}).text

    assert "3rd floor, desk 12" in page
    assert "Basement" not in page


def test_the_api_gives_the_equipments_place_and_user(customer_user, laptop):
    answer = client_for(customer_user).get(reverse("v1:appliance-detail", args=[laptop.pk]))

    assert answer.status_code == 200
    assert (answer.json()["location"], answer.json()["assigned_to"]) == (
        "3rd floor, desk 12",
        "Anna Neri",
    )
