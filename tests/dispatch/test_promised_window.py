"""A window promised to the customer is broken only on purpose: with a confirmation and a
reason, and the customer is sent the new window with the link to choose another."""

import pytest
from django.urls import reverse

from dispatch import rules
from dispatch.services import assign_visit
from fieldservice.errors import BreaksPromisedWindow
from notifications.models import Notification
from notifications.services.delivery import _message
from tests.factories import (
    ApplianceFactory,
    SiteFactory,
    TechnicianFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at, client_for
from tickets.models import TicketEvent, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(next_monday, dispatcher):
    """A visit the customer booked for 08:00-10:00, on a technician's day at 08:00."""
    tech = TechnicianFactory(user__first_name="Marco")
    visit = new_visit(window_start=at(next_monday, 8), window_end=at(next_monday, 10))
    return assign_visit(visit=visit, technician=tech, start=at(next_monday, 8), by=dispatcher)


def test_moving_a_visit_out_of_its_promised_window_is_refused_and_changes_nothing(
    booked, next_monday, dispatcher
):
    sent_before = Notification.objects.count()

    with pytest.raises(BreaksPromisedWindow, match=r"promised .*08:00-10:00") as refused:
        assign_visit(
            visit=booked, technician=booked.technician, start=at(next_monday, 14), by=dispatcher
        )

    assert refused.value.field == "window_reason"
    booked.refresh_from_db()
    assert booked.planned_start == at(next_monday, 8)
    assert (booked.window_start, booked.window_end) == (at(next_monday, 8), at(next_monday, 10))
    assert Notification.objects.count() == sent_before


def test_assigning_a_queued_visit_out_of_its_promised_window_is_refused(next_monday):
    visit = new_visit(window_start=at(next_monday, 8), window_end=at(next_monday, 10))

    with pytest.raises(BreaksPromisedWindow):
        assign_visit(
            visit=visit, technician=TechnicianFactory(), start=at(next_monday, 14), by=None
        )

    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNASSIGNED


def test_a_move_within_the_promised_window_needs_no_reason(booked, next_monday, dispatcher):
    visit = assign_visit(
        visit=booked, technician=booked.technician, start=at(next_monday, 9, 30), by=dispatcher
    )

    assert visit.planned_start == at(next_monday, 9, 30)
    assert (visit.window_start, visit.window_end) == (at(next_monday, 8), at(next_monday, 10))


def test_a_reason_breaks_the_window_records_why_and_sends_the_new_window_with_the_link(
    booked, next_monday, dispatcher
):
    visit = assign_visit(
        visit=booked,
        technician=booked.technician,
        start=at(next_monday, 14),
        by=dispatcher,
        window_reason="Marco's van broke down",
    )

    assert (visit.window_start, visit.window_end) == (at(next_monday, 14), at(next_monday, 16))
    event = TicketEvent.objects.filter(ticket=visit.ticket, kind=TicketEvent.Kind.OVERRIDE).get()
    assert event.reason == "Marco's van broke down"
    assert "08:00-10:00" in event.data["overridden"][0]
    moved = Notification.objects.get(
        visit=visit, kind=Notification.Kind.VISIT_MOVED, channel=Notification.Channel.EMAIL
    )
    email = _message(moved)
    assert f"{next_monday:%a} {next_monday.day} {next_monday:%b}, 14:00-16:00" in email.body
    assert "/portal/b/" in moved.payload["manage_url"]
    assert moved.payload["manage_url"] in email.body


def test_the_board_asks_for_a_reason_before_breaking_the_window(
    dispatcher_client, booked, next_monday
):
    drop = {
        "visit": booked.pk,
        "technician": booked.technician_id,
        "start": f"{next_monday.isoformat()}T14:00",
        "version": booked.version,
    }

    refused = dispatcher_client.post(reverse("dispatch:assign"), drop)

    assert refused.status_code == 409
    html = refused.text
    assert 'data-testid="promise-dialog"' in html
    assert 'name="window_reason"' in html
    booked.refresh_from_db()
    assert booked.planned_start == at(next_monday, 8)

    confirmed = dispatcher_client.post(
        reverse("dispatch:assign"), {**drop, "window_reason": "Customer asked by phone"}
    )

    assert confirmed.status_code == 200
    booked.refresh_from_db()
    assert booked.planned_start == at(next_monday, 14)


def test_the_api_refuses_breaking_the_window_without_a_reason(booked, next_monday, dispatcher):
    api = client_for(dispatcher)
    url = reverse("v1:visit-assign-assign", kwargs={"pk": booked.pk})
    body = {"technician": booked.technician_id, "start": at(next_monday, 14).isoformat()}

    refused = api.post(url, body, format="json")

    assert refused.status_code == 409
    assert refused.json()["type"] == "breaks_promised_window"
    assert "window_reason" in refused.json()["errors"]
    booked.refresh_from_db()
    assert booked.planned_start == at(next_monday, 8)

    moved = api.post(url, {**body, "window_reason": "Customer asked by phone"}, format="json")

    assert moved.status_code == 200
    booked.refresh_from_db()
    assert booked.planned_start == at(next_monday, 14)


def test_arriving_at_the_windows_last_minute_keeps_the_promise(next_monday):
    visit = new_visit(window_start=at(next_monday, 8), window_end=at(next_monday, 10))

    rules.ensure_in_promised_window(visit, at(next_monday, 8))
    rules.ensure_in_promised_window(visit, at(next_monday, 10))
    with pytest.raises(BreaksPromisedWindow):
        rules.ensure_in_promised_window(visit, at(next_monday, 10, 1))
    with pytest.raises(BreaksPromisedWindow):
        rules.ensure_in_promised_window(visit, at(next_monday, 7, 59))


def test_the_refusal_names_the_window_and_the_start_on_the_sites_clock(next_monday):
    site = SiteFactory(timezone="Europe/Sofia")
    ticket = open_ticket(appliance=ApplianceFactory(site=site))
    visit = new_visit(ticket, window_start=at(next_monday, 9), window_end=at(next_monday, 11))

    with pytest.raises(BreaksPromisedWindow) as refused:
        rules.ensure_in_promised_window(visit, at(next_monday, 14, 30))

    day = next_monday.strftime("%a ") + str(next_monday.day) + next_monday.strftime(" %b")
    # 09:00-11:00 and 14:30 in Rome are 10:00-12:00 and 15:30 in Sofia (neither UTC nor Rome).
    assert refused.value.message == (
        f"The customer was promised {day} 10:00-12:00; {day} 15:30 is outside that window. "
        "Give a reason to move it anyway: the customer is sent the new window and a link to "
        "choose another."
    )
