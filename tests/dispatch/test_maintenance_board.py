"""The board and the planner offer a preventive visit from the first day of its tolerance on
(not before: it is not due yet), and the board lists maintenance overdue and due soon."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch import selectors
from dispatch.planner import day as planner_day
from tests.factories import new_visit
from tests.plans import a_plan
from tickets.models import MaintenanceOccurrence
from tickets.services import maintenance

pytestmark = pytest.mark.django_db


@pytest.fixture
def occurrence() -> MaintenanceOccurrence:
    today = timezone.localdate()
    plan = a_plan(first_due_on=today + datetime.timedelta(days=20), tolerance_days=5)
    maintenance.generate()
    return plan.occurrences.get()


def _days(o: MaintenanceOccurrence) -> dict[str, datetime.date]:
    one = datetime.timedelta(days=1)
    return {"before": o.earliest - one, "first": o.earliest, "due": o.due_on, "last": o.latest}


def test_the_queue_offers_a_preventive_visit_on_any_day_of_its_tolerance(occurrence):
    other = new_visit()  # a repair waits every day
    days = _days(occurrence)

    offered = {name: set(selectors.queue(day=d)) for name, d in days.items()}

    assert occurrence.visit not in offered["before"]
    for name in ("first", "due", "last"):
        assert occurrence.visit in offered[name], name
    assert all(other in visits for visits in offered.values())
    assert occurrence.visit in set(selectors.queue())  # no day: everything waiting


def test_the_planner_takes_a_preventive_visit_only_from_the_first_day_of_its_tolerance(
    occurrence,
):
    days = _days(occurrence)
    pk = str(occurrence.visit.pk)

    versions = {name: planner_day.build_scenario(day=d)[1] for name, d in days.items()}

    assert pk not in versions["before"]
    assert all(pk in versions[name] for name in ("first", "due", "last"))


def test_the_board_shows_upcoming_and_overdue_maintenance(dispatcher_client, occurrence):
    today = timezone.localdate()
    soon = a_plan(first_due_on=today + datetime.timedelta(days=3), name="Filter change")
    late = a_plan(first_due_on=today - datetime.timedelta(days=3), tolerance_days=1)
    maintenance.generate()
    maintenance.generate(now=timezone.now() - datetime.timedelta(days=3), plan_ids=[late.pk])
    maintenance.mark_missed()
    missed = late.occurrences.get()

    day = occurrence.earliest.isoformat()
    response = dispatcher_client.get(f"{reverse('dispatch:board')}?day={day}")

    assert response.status_code == 200
    assert list(response.context["maintenance_overdue"]) == [missed]
    assert [o.plan for o in response.context["maintenance_upcoming"]] == [soon]  # 20 days: no
    page = response.content.decode()
    assert missed.ticket.number in page
    assert "Filter change" in page
    assert 'data-testid="maintenance-window"' in page  # the card in the queue says its window
