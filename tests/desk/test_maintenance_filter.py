"""The desk's ticket list narrows to preventive maintenance due soon or overdue."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.factories import TechnicianFactory, new_visit
from tests.helpers import assign_today
from tests.plans import a_plan
from tickets import services
from tickets.services import maintenance

pytestmark = pytest.mark.django_db
URL = "/desk/tickets/"


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {t.number for t, _names in response.context["rows"]}


def test_the_list_filters_maintenance_due_and_overdue(dispatcher_client):
    today = timezone.localdate()
    repair = new_visit().ticket
    soon = a_plan(first_due_on=today + datetime.timedelta(days=10))
    far = a_plan(first_due_on=today + datetime.timedelta(days=40), tolerance_days=3)
    late = a_plan(first_due_on=today - datetime.timedelta(days=4), tolerance_days=1)
    done_late = a_plan(first_due_on=today - datetime.timedelta(days=4), tolerance_days=1)
    maintenance.generate()
    maintenance.generate(
        now=timezone.now() - datetime.timedelta(days=4), plan_ids=[late.pk, done_late.pk]
    )
    maintenance.mark_missed()
    visit = assign_today(done_late.occurrences.get().visit, TechnicianFactory())
    for step in ("en_route", "on_site", "completed"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    number = {p: p.occurrences.get().ticket.number for p in (soon, far, late, done_late)}

    due = numbers(dispatcher_client.get(URL, {"maintenance": "due"}))
    overdue = numbers(dispatcher_client.get(URL, {"maintenance": "overdue"}))
    everything = numbers(dispatcher_client.get(URL))

    assert due == {number[soon]}
    assert overdue == {number[late], number[done_late]}
    assert {repair.number, *number.values()} <= everything


def test_an_unknown_maintenance_filter_is_refused_naming_the_field(dispatcher_client):
    response = dispatcher_client.get(URL, {"maintenance": "someday"})

    assert response.status_code == 400
    assert "Maintenance" in response.text
