"""The technician's status steps (issue 23): another day's "on my way" is confirmed first and
tells the customer no arrival time, only the next step is offered, a refusal says whether
sending it again can help, and the ticket follows its visit."""

import json

import pytest
from django.urls import reverse

from dispatch.services import assign_visit
from notifications.models import Notification
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import assign_today, client_for, tomorrow_at
from tickets.models import Ticket, Visit

# Several visits today need room for them: at 10:00 when the suite runs in the evening.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_hours")]


@pytest.fixture
def phone(client, technician):
    client.force_login(technician.user)

    def send(*actions):
        response = client.post(
            reverse("tech:sync"),
            json.dumps({"actions": list(actions)}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return response.json()["results"]

    return send


def _step(visit, to, key):
    return {"key": key, "type": "step", "visit": visit.pk, "version": visit.version, "to": to}


def _en_route_messages(visit):
    return Notification.objects.filter(visit=visit, kind=Notification.Kind.EN_ROUTE)


def test_on_my_way_for_tomorrows_visit_is_asked_first_and_sends_no_arrival_time(phone, technician):
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)

    (asked,) = phone(_step(visit, "en_route", "t1"))
    visit.refresh_from_db()
    assert asked["status"] == "confirm"
    assert "not today" in asked["message"]
    assert visit.status == Visit.Status.SCHEDULED

    (confirmed,) = phone({**_step(visit, "en_route", "t1"), "confirm": True})
    visit.refresh_from_db()
    assert confirmed["status"] == "ok"
    assert visit.status == Visit.Status.EN_ROUTE
    assert not _en_route_messages(visit).exists()


def test_on_my_way_for_todays_visit_needs_no_confirmation_and_tells_the_customer(phone, technician):
    visit = assign_today(new_visit(), technician)

    (result,) = phone(_step(visit, "en_route", "t2"))

    assert result["status"] == "ok"
    assert _en_route_messages(visit).count() == 1


def test_the_api_refuses_another_days_en_route_without_the_confirmation(technician):
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    api = client_for(technician.user)
    url = reverse("v1:visit-transition", args=[visit.pk])

    refused = api.post(url, {"to": "en_route"}, format="json")
    visit.refresh_from_db()
    assert refused.status_code == 409
    assert "not today" in refused.json()["detail"]
    assert visit.status == Visit.Status.SCHEDULED

    confirmed = api.post(url, {"to": "en_route", "confirm_not_today": True}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "en_route"


def test_the_job_page_asks_before_on_my_way_for_another_days_visit(client, technician):
    client.force_login(technician.user)
    tomorrow = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    today = assign_today(new_visit(), technician)

    later = client.get(reverse("tech:job", args=[tomorrow.pk])).text
    now = client.get(reverse("tech:job", args=[today.pk])).text

    assert "not today. Set off for it anyway?" in later
    assert 'name="confirm" value="1"' in later
    assert "data-confirm" not in now


def test_done_from_scheduled_is_refused_for_good_and_a_changed_visit_may_be_retried(
    phone, technician
):
    visit = assign_today(new_visit(), technician)
    stale = visit.version
    assign_today(visit, technician, 1)  # the dispatcher moves it meanwhile
    visit.refresh_from_db()

    done, moved = phone(
        _step(visit, "completed", "r1"), {**_step(visit, "en_route", "r2"), "version": stale}
    )

    assert done["status"] == "error"
    assert "cannot go from Scheduled to Completed" in done["message"]
    assert done["retry"] is False
    assert moved["status"] == "conflict"
    assert moved["retry"] is True


def test_a_visit_no_longer_mine_is_not_offered_for_replay(phone, technician):
    visit = assign_today(new_visit(), technician)
    assign_today(visit, TechnicianFactory())

    (result,) = phone(_step(visit, "en_route", "r3"))

    assert result["status"] == "conflict"
    assert result["retry"] is False


def test_the_job_page_offers_only_the_next_step(client, technician):
    client.force_login(technician.user)
    visit = assign_today(new_visit(), technician)

    page = client.get(reverse("tech:job", args=[visit.pk])).text

    def form_of(to):
        at = page.index(f'name="to" value="{to}"')
        return page[page.rindex("<form", 0, at) : at]

    assert " hidden" not in form_of("en_route")
    assert " hidden" in form_of("on_site")
    assert " hidden" in form_of("completed")
    assert " hidden" in form_of("cannot_complete")


def test_on_my_way_puts_the_ticket_in_progress(phone, technician):
    visit = assign_today(new_visit(), technician)
    assert visit.ticket.status == Ticket.Status.SCHEDULED

    phone(_step(visit, "en_route", "s1"))

    visit.ticket.refresh_from_db()
    assert visit.ticket.status == Ticket.Status.IN_PROGRESS


def test_the_step_form_asks_for_another_days_visit_and_goes_once_confirmed(client, technician):
    client.force_login(technician.user)
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    url = reverse("tech:step", args=[visit.pk])

    asked = client.post(url, {"to": "en_route", "version": visit.version}, follow=True)
    visit.refresh_from_db()
    assert "not today. Set off for it anyway?" in asked.text
    assert visit.status == Visit.Status.SCHEDULED

    client.post(url, {"to": "en_route", "version": visit.version, "confirm": "1"})
    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE
    assert not _en_route_messages(visit).exists()
