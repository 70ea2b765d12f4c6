"""Applying a plan where one visit takes the time another one leaves: the bookings of the
visits leaving or moving are released before anything is placed."""

import pytest

from dispatch.models import PlanRun
from dispatch.planner import day, preview
from dispatch.planner import services as day_plans
from dispatch.services import assign_visit
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import at
from tickets.models import Visit, VisitBooking

pytestmark = pytest.mark.django_db


def _run(on, scenario, versions, plan):
    return PlanRun.objects.create(
        day=on,
        status=PlanRun.Status.READY,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )


def test_a_visit_placed_where_a_left_out_one_was_does_not_collide(next_monday, dispatcher):
    tech = TechnicianFactory()
    leaving = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    arriving = new_visit()
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [{"technician": tech.pk, "stops": [{"visit": arriving.pk, "start": "09:00:00"}]}],
        "unassigned": [{"visit": leaving.pk, "reason": "capacity", "rule": "capacity"}],
    }
    run = _run(next_monday, scenario, versions, plan)

    day_plans.apply_day_plan(run=run, by=dispatcher)

    leaving.refresh_from_db()
    arriving.refresh_from_db()
    assert leaving.status == Visit.Status.UNASSIGNED
    assert (arriving.technician, arriving.planned_start) == (tech, at(next_monday, 9))
    assert not VisitBooking.objects.filter(visit=leaving).exists()
    assert VisitBooking.objects.get(visit=arriving, active=True).technician == tech


def test_two_visits_swapping_their_times_do_not_collide(next_monday, dispatcher):
    tech = TechnicianFactory()
    early = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    late = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 14), by=None)
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [
            {
                "technician": tech.pk,
                "stops": [
                    {"visit": late.pk, "start": "09:00:00"},
                    {"visit": early.pk, "start": "14:00:00"},
                ],
            }
        ],
        "unassigned": [],
    }
    run = _run(next_monday, scenario, versions, plan)

    day_plans.apply_day_plan(run=run, by=dispatcher)

    early.refresh_from_db()
    late.refresh_from_db()
    assert late.planned_start == at(next_monday, 9)
    assert early.planned_start == at(next_monday, 14)
    bookings = VisitBooking.objects.filter(visit__in=[early, late], active=True)
    assert sorted(b.planned_start for b in bookings) == [at(next_monday, 9), at(next_monday, 14)]
