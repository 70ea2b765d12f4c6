"""The dispatcher's API actions refuse days and starts the board refuses, with a 400 naming them."""

import pytest
from django.urls import reverse

from tests.factories import TechnicianFactory, new_visit
from tests.helpers import client_for
from tickets.horizon import MAX_DAYS_AHEAD
from tickets.models import TicketEvent, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(dispatcher):
    return client_for(dispatcher)


@pytest.mark.parametrize("start", ["9999-12-31T10:00:00+00:00", "3000-01-01T10:00:00+01:00"])
def test_api_assign_refuses_a_start_far_ahead_and_writes_nothing(api, start):
    visit = new_visit()
    url = reverse("v1:visit-assign-assign", kwargs={"pk": visit.pk})

    response = api.post(url, {"technician": TechnicianFactory().pk, "start": start}, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "start": [f"A visit can be assigned at most {MAX_DAYS_AHEAD} days ahead."]
    }
    visit.refresh_from_db()
    assert (visit.status, visit.planned_start) == (Visit.Status.UNASSIGNED, None)
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED).exists()


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_api_suggestions_refuse_a_day_the_board_cannot_show(api, day):
    visit = new_visit()
    TechnicianFactory()
    url = reverse("v1:ticket-suggestions-suggestions", kwargs={"pk": visit.ticket_id})

    response = api.get(url, {"date": day})

    assert response.status_code == 400, response.content
    assert "Choose a day from" in response.json()["errors"]["date"][0]
