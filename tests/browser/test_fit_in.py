"""Fitting an emergency in now from the board: the panel's button, the preview of the one
route that changes, and Apply with a reason."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import ROME, at
from tickets.models import TicketEvent, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_emergency_is_fitted_in_from_the_board_with_a_reason(
    page, live_server, login, dispatcher, request
):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    # Working all day, whatever the hour the test runs.
    tech.working_hours.update(
        starts_at=datetime.time(0),
        ends_at=datetime.time(23, 59),
        break_starts_at=None,
        break_ends_at=None,
    )
    ticket = open_ticket(
        appliance=ApplianceFactory(site__customer__name="Scuola Verdi"), priority=1
    )
    urgent = new_visit(ticket, duration_minutes=20)
    login(page, "dispatcher")
    # The board and the proposal plan from now: mid-morning today, whatever the hour.
    traveller = time_machine.travel(at(timezone.now().astimezone(ROME).date(), 10), tick=True)
    traveller.start()
    request.addfinalizer(traveller.stop)

    page.goto(f"{live_server.url}/dispatch/")
    page.locator(f'.queued[data-visit="{urgent.pk}"]').click()
    page.get_by_test_id(f"fit-in-{urgent.pk}").click()

    route = page.get_by_test_id(f"route-{tech.pk}")
    expect(route).to_contain_text("Marco Rossi")
    expect(page.get_by_test_id(f"stop-{urgent.pk}")).to_contain_text("Scuola Verdi")
    page.get_by_role("button", name="Apply").click()
    # The reason is required: the browser keeps the form until it is given.
    assert page.url.endswith(f"/fit-in/{urgent.pk}/")
    page.get_by_label("Reason (goes into each ticket's history)").fill("Gas smell in a school")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(lambda url: url.endswith("/dispatch/"))

    urgent.refresh_from_db()
    assert urgent.status == Visit.Status.SCHEDULED
    assert urgent.technician == tech
    assert TicketEvent.objects.filter(ticket=ticket, reason="Gas smell in a school").exists()
