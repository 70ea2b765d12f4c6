"""The customer's tracking page tells one truth (issue 23): the ticket's status follows its
visit's, and no arrival time is promised before the day of the window."""

import pytest
from django.urls import reverse

from dispatch.services import assign_visit
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today, tomorrow_at
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, customer_user):
    client.force_login(customer_user)
    return client


def _ticket_of(customer_user):
    return open_ticket(
        appliance=ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    )


def _status(page: str) -> str:
    return page.split('data-testid="status">', 1)[1].split("<", 1)[0].strip()


def test_a_technician_on_the_way_today_shows_the_arrival_and_the_ticket_in_progress(
    portal, customer_user
):
    visit = assign_today(new_visit(_ticket_of(customer_user)), TechnicianFactory())
    services.transition_visit(visit=visit, to="en_route", by=None)

    page = portal.get(reverse("portal:ticket", args=[visit.ticket_id])).text

    assert _status(page) == "In progress"
    assert "On the way, expected at" in page
    assert "Scheduled" not in page


def test_setting_off_the_evening_before_promises_no_arrival_before_the_windows_day(
    portal, customer_user
):
    visit = new_visit(
        _ticket_of(customer_user), window_start=tomorrow_at(8), window_end=tomorrow_at(10)
    )
    visit = assign_visit(visit=visit, technician=TechnicianFactory(), start=tomorrow_at(8), by=None)
    services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)

    page = portal.get(reverse("portal:ticket", args=[visit.ticket_id])).text

    assert "On the way" not in page
    assert _status(page) == "In progress"
