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


def test_the_rest_of_today_is_planned_again_from_the_board_with_progress_then_applied(
    page, live_server, login, dispatcher, request
):
    """A technician still on site past the end of a job: the board's "Re-plan rest of today"
    queues the re-plan, its page shows the promise that cannot be kept and the new time, and
    Apply with a reason moves the booked visit."""
    day = timezone.now().astimezone(ROME).date()
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    running_late = new_visit(duration_minutes=105)
    booked = new_visit(
        open_ticket(appliance=ApplianceFactory(site__customer__name="Scuola Verdi")),
        duration_minutes=60,
    )
    for visit, start, status in (
        (running_late, at(day, 8), Visit.Status.ON_SITE),
        (booked, at(day, 9, 45), Visit.Status.SCHEDULED),
    ):
        site = visit.ticket.site
        site.latitude, site.longitude = (41.91 if visit is running_late else 41.92), 12.5
        site.save()
        Visit.objects.filter(pk=visit.pk).update(
            status=status,
            technician=tech,
            planned_start=start,
            planned_end=start + datetime.timedelta(minutes=visit.duration_minutes),
            window_start=start,
            window_end=at(day, 10),
        )
    login(page, "dispatcher")
    traveller = time_machine.travel(at(day, 9, 50), tick=True)
    traveller.start()
    request.addfinalizer(traveller.stop)

    page.goto(f"{live_server.url}/dispatch/")
    page.get_by_test_id("rest-of-day").click()

    promises = page.get_by_test_id("today-promises")
    expect(promises).to_contain_text("Scuola Verdi")
    expect(promises).to_contain_text("09:45-10:00")
    page.get_by_label("Reason (goes into each ticket's history)").fill("Marco is running late")
    page.get_by_test_id("today-apply").click()
    page.wait_for_url(lambda url: url.endswith("/dispatch/"))

    booked.refresh_from_db()
    assert booked.planned_start >= at(day, 10, 5)
    assert TicketEvent.objects.filter(ticket=booked.ticket, reason="Marco is running late").exists()
    assert Visit.objects.get(pk=running_late.pk).status == Visit.Status.ON_SITE
