"""The customer's tracking map (issue 27): while their visit is en route, the technician's
approximate position (a fresh one, sent on the way to this visit) and the arrival time on the
site's clock; nothing about other customers or the technician's other visits."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dispatch.positions import record_position
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    TechnicianFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import ROME, assign_today
from tickets import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_morning():
    day = timezone.now().astimezone(ROME).date()
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=ROME)):
        yield


@pytest.fixture
def portal(client, customer_user):
    client.force_login(customer_user)
    return client


def visit_of(customer, technician, slot=0, place=(42.05, 12.55)):
    appliance = ApplianceFactory(
        site__customer=customer, site__latitude=place[0], site__longitude=place[1]
    )
    return assign_today(new_visit(open_ticket(appliance=appliance)), technician, slot)


def send(technician, visit, latitude=41.98765, longitude=12.51234):
    record_position(
        technician=technician,
        visit=visit,
        latitude=latitude,
        longitude=longitude,
        accuracy=10.0,
        recorded_at=timezone.now(),
    )


def test_the_map_shows_the_technicians_rounded_position_and_the_eta_while_en_route(
    portal, customer_user
):
    tech = TechnicianFactory()
    visit = visit_of(customer_user.contacts.get().customer, tech)
    visit = services.transition_visit(visit=visit, to="en_route", by=None)
    send(tech, visit)

    data = portal.get(reverse("portal:tracking", args=[visit.ticket_id])).json()
    page = portal.get(reverse("portal:ticket", args=[visit.ticket_id])).text

    assert data["en_route"] is True
    assert data["position"] == [41.988, 12.512]  # about 100 m, not the phone's reading
    assert data["site"] == [42.05, 12.55]
    assert data["eta_text"].startswith("On the way, expected at ")
    assert set(data) == {"en_route", "visit", "site", "position", "eta", "eta_text"}
    assert 'data-testid="tracking-map"' in page
    assert "41.98765" not in page


def test_no_position_before_setting_off_nor_one_sent_on_the_way_to_another_customer(
    portal, customer_user
):
    tech = TechnicianFactory()
    other = visit_of(CustomerFactory(), tech, 0, place=(41.7, 12.3))
    mine = visit_of(customer_user.contacts.get().customer, tech, 1)
    other = services.transition_visit(visit=other, to="en_route", by=None)
    send(tech, other)

    before = portal.get(reverse("portal:tracking", args=[mine.ticket_id])).json()
    other = services.transition_visit(visit=other, to="on_site", by=None)
    services.transition_visit(visit=mine, to="en_route", by=None)
    after = portal.get(reverse("portal:tracking", args=[mine.ticket_id])).json()

    assert before == {"en_route": False}
    assert after["en_route"] is True
    assert after["position"] is None  # the last one was on the way to the other customer
    assert after["eta_text"]  # the straight-line estimate from where they set off


def test_another_customers_tracking_is_a_404(portal):
    tech = TechnicianFactory()
    theirs = services.transition_visit(
        visit=visit_of(CustomerFactory(), tech), to="en_route", by=None
    )
    send(tech, theirs)

    response = portal.get(reverse("portal:tracking", args=[theirs.ticket_id]))

    assert response.status_code == 404
    assert b"12.5" not in response.content
