"""A phone that sends one action again before the first answer arrives: every copy at once, on
its own PostgreSQL connection, and the step is applied once; the others answer that it is
already done, never with an error the phone would show as a failure."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from fieldapp.models import SyncAction
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import assign_today, race
from tickets.models import Visit
from tickets.services import record_entry, transition_visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_copies_of_one_step_sent_at_once_apply_it_once_and_the_rest_say_done():
    technician = TechnicianFactory()
    visit = assign_today(new_visit(), technician)
    for to in (Visit.Status.EN_ROUTE, Visit.Status.ON_SITE):
        visit = transition_visit(visit=visit, to=to, by=None)
    record_entry(visit=visit, text="Pump replaced", by=None)
    action = {
        "key": "done-1",
        "type": "step",
        "visit": visit.pk,
        "version": visit.version,
        "to": "completed",
    }

    def send():
        client = Client()
        client.force_login(technician.user)
        response = client.post(
            reverse("tech:sync"), json.dumps({"actions": [action]}), "application/json"
        )
        return response.json()["results"][0]

    results = race([send] * 6)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r["status"] for r in results) == ["duplicate"] * 5 + ["ok"]
    assert {r["visit"]["status"] for r in results} == {"completed"}
    assert SyncAction.objects.filter(key="done-1").count() == 1
