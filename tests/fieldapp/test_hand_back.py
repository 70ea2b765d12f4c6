"""On the phone, "I cannot come" with a reason hands a scheduled visit back to the dispatcher,
from the job page or from the offline outbox (action type "hand_back")."""

import json

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.factories import new_visit
from tests.helpers import assign_today
from tickets.models import TicketEvent, Visit
from tickets.services import transition_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(technician):
    return assign_today(new_visit(), technician)


@pytest.fixture
def tech_client(client, technician):
    client.force_login(technician.user)
    return client


def test_the_job_page_offers_i_cannot_come_for_a_scheduled_visit_only(
    tech_client, visit, technician
):
    url = reverse("tech:job", args=[visit.pk])
    form_action = reverse("tech:hand_back", args=[visit.pk])

    scheduled = tech_client.get(url).text
    transition_visit(visit=visit, to="en_route", by=technician.user)
    en_route = tech_client.get(url).text

    assert form_action in scheduled
    assert 'name="reason" required' in scheduled
    assert form_action not in en_route


def test_i_cannot_come_with_a_reason_hands_the_visit_back(tech_client, visit, dispatcher):
    response = tech_client.post(
        reverse("tech:hand_back", args=[visit.pk]),
        {"reason": "Van broke down", "version": visit.version},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("tech:today")
    visit.refresh_from_db()
    assert (visit.status, visit.technician) == (Visit.Status.UNASSIGNED, None)
    assert TicketEvent.objects.filter(
        kind=TicketEvent.Kind.UNASSIGNED, reason="Van broke down"
    ).exists()
    assert Notification.objects.filter(
        kind=Notification.Kind.HANDED_BACK, recipient=dispatcher.email
    ).exists()


def test_i_cannot_come_without_a_reason_says_so_and_changes_nothing(tech_client, visit):
    response = tech_client.post(reverse("tech:hand_back", args=[visit.pk]), {"reason": ""})

    assert response["Location"] == reverse("tech:job", args=[visit.pk])
    page = tech_client.get(response["Location"]).text
    assert "Say why you cannot come." in page
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_the_phone_outbox_replays_a_hand_back(tech_client, visit, dispatcher):
    def send(action):
        response = tech_client.post(
            reverse("tech:sync"), json.dumps({"actions": [action]}), content_type="application/json"
        )
        assert response.status_code == 200, response.content
        return response.json()["results"][0]

    action = {"key": "h1", "type": "hand_back", "visit": visit.pk, "version": visit.version}

    refused = send({**action, "key": "h0"})
    done = send({**action, "reason": "Flat tyre"})
    again = send({**action, "reason": "Flat tyre"})

    assert refused["status"] == "error"
    assert refused["message"] == "Say why you cannot come."
    assert done["status"] == "ok"
    assert done["visit"]["status"] == Visit.Status.UNASSIGNED
    assert again["status"] == "duplicate"
    assert Notification.objects.filter(kind=Notification.Kind.HANDED_BACK).count() == 1
