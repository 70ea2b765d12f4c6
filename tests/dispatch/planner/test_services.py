"""Turning the day into a planner scenario, previewing a plan, and applying it all or nothing."""

import datetime

import pytest
from django.utils import timezone

from dispatch.models import PlanRun
from dispatch.planner import day, preview
from dispatch.planner import services as day_plans
from dispatch.services import assign_visit
from fieldservice.errors import InvalidInput, StaleVersion
from tests.factories import (
    ApplianceFactory,
    CertificationFactory,
    SkillFactory,
    TechnicianFactory,
    TimeOffFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at
from tickets.horizon import MAX_DAYS_AHEAD
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db


def _tech_entry(scenario, tech):
    return next(t for t in scenario["technicians"] if t["id"] == tech.pk)


def _visit_entry(scenario, visit):
    return next(v for v in scenario["visits"] if v["id"] == visit.pk)


def test_scenario_has_shift_break_and_only_certified_skills(next_monday):
    gas = SkillFactory(code="gas", requires_certification=True)
    laundry = SkillFactory(code="laundry")
    valid = TechnicianFactory(skills=[gas, laundry])
    CertificationFactory(technician=valid, skills=[gas], expires_on=next_monday)
    lapsed = TechnicianFactory(skills=[gas, laundry])
    CertificationFactory(
        technician=lapsed, skills=[gas], expires_on=next_monday - datetime.timedelta(days=1)
    )
    TechnicianFactory(weekdays=[1, 2])  # does not work on Mondays

    scenario, _ = day.build_scenario(day=next_monday)

    assert scenario["format"] == "fieldservice-scenario/1"
    assert len(scenario["technicians"]) == 2
    entry = _tech_entry(scenario, valid)
    assert entry["shift"] == ["08:00", "17:00"]
    assert entry["break"] == {"earliest": "12:00", "latest": "12:00", "minutes": 60}
    assert entry["skills"] == ["gas", "laundry"]
    assert _tech_entry(scenario, lapsed)["skills"] == ["laundry"]
    assert _tech_entry(scenario, lapsed)["uncertified"] == ["gas"]


def test_time_off_trims_the_shift(next_monday):
    tech = TechnicianFactory()
    TimeOffFactory(technician=tech, starts_at=at(next_monday, 6), ends_at=at(next_monday, 10))

    scenario, _ = day.build_scenario(day=next_monday)

    assert _tech_entry(scenario, tech)["shift"] == ["10:00", "17:00"]


def test_scenario_keeps_locked_and_pinned_visits_on_their_technician(next_monday):
    tech = TechnicianFactory()
    locked = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    pinned = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 14), by=None)
    Visit.objects.filter(pk=locked.pk).update(locked=True)
    Visit.objects.filter(pk=pinned.pk).update(locked=True, pinned=True)
    free = new_visit()

    scenario, versions = day.build_scenario(day=next_monday)

    assert _visit_entry(scenario, locked)["technician"] == tech.pk
    assert _visit_entry(scenario, locked)["window"] == ["09:00", "11:00"]
    assert _visit_entry(scenario, pinned)["window"] == ["14:00", "14:00"]
    assert "technician" not in _visit_entry(scenario, free)
    assert _visit_entry(scenario, free)["window"] == ["00:00", "23:59"]
    assert versions[str(free.pk)] == free.version


def _run(day, scenario, versions, plan):
    return PlanRun.objects.create(
        day=day,
        status=PlanRun.Status.READY,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )


def test_an_area_plans_its_own_technicians_and_waiting_work(next_monday):
    north = TechnicianFactory(region="Rome North")
    centre = TechnicianFactory(region="rome centre")
    TechnicianFactory(region="Fiumicino")
    in_rome = new_visit(open_ticket(appliance=ApplianceFactory(site__city="Rome")))
    in_fiumicino = new_visit(open_ticket(appliance=ApplianceFactory(site__city="Fiumicino")))
    # A visit the area's technician already has stays in the plan wherever it is.
    theirs = assign_visit(
        visit=new_visit(open_ticket(appliance=ApplianceFactory(site__city="Fiumicino"))),
        technician=north,
        start=at(next_monday, 9),
        by=None,
    )

    by_city, _ = day.build_scenario(day=next_monday, area="rome")
    by_region, _ = day.build_scenario(day=next_monday, area="Rome North")
    everywhere, _ = day.build_scenario(day=next_monday)

    assert {t["id"] for t in by_city["technicians"]} == {north.pk, centre.pk}
    assert {v["id"] for v in by_city["visits"]} == {in_rome.pk, theirs.pk}
    assert {t["id"] for t in by_region["technicians"]} == {north.pk}
    assert {v["id"] for v in by_region["visits"]} == {in_rome.pk, theirs.pk}
    assert len(everywhere["technicians"]) == 3
    assert {v["id"] for v in everywhere["visits"]} == {in_rome.pk, in_fiumicino.pk, theirs.pk}


def test_preview_and_apply_add_move_and_leave_out(next_monday, dispatcher):
    a, b = TechnicianFactory(), TechnicianFactory()
    moved = assign_visit(visit=new_visit(), technician=a, start=at(next_monday, 9), by=None)
    added = new_visit()
    bumped = assign_visit(visit=new_visit(), technician=b, start=at(next_monday, 15), by=None)
    added.ticket.site.latitude = 41.95  # about 5.6 km north of the technicians' base
    added.ticket.site.save()
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [
            {"technician": b.pk, "stops": [{"visit": moved.pk, "start": "09:00:00"}]},
            {"technician": a.pk, "stops": [{"visit": added.pk, "start": "09:00:00"}]},
        ],
        "unassigned": [{"visit": bumped.pk, "reason": "lower priority than planned work"}],
        "solve_seconds": 0.1,
    }

    run = _run(next_monday, scenario, versions, plan)
    assert [x["visit"] for x in run.preview["added"]] == [added.pk]
    assert [x["visit"] for x in run.preview["moved"]] == [moved.pk]
    assert run.preview["left_out"][0]["unschedules"] is True
    assert run.preview["after"]["travel_km"] == pytest.approx(2 * 5.56 * 1.3, abs=0.2)
    assert run.preview["before"]["travel_km"] == 0

    day_plans.apply_day_plan(run=run, by=dispatcher)

    moved.refresh_from_db()
    added.refresh_from_db()
    bumped.refresh_from_db()
    assert (moved.technician, moved.planned_start) == (b, at(next_monday, 9))
    assert (added.technician, added.status) == (a, "scheduled")
    assert bumped.status == "unassigned"
    assert added.ticket.status == Ticket.Status.SCHEDULED
    run.refresh_from_db()
    assert run.status == PlanRun.Status.APPLIED


def test_apply_changes_nothing_when_a_visit_changed_since_the_preview(next_monday):
    tech = TechnicianFactory()
    waiting = new_visit()
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [{"technician": tech.pk, "stops": [{"visit": waiting.pk, "start": "10:00:00"}]}],
        "unassigned": [],
        "solve_seconds": 0.1,
    }
    run = _run(next_monday, scenario, versions, plan)
    # A dispatcher moves the visit by hand after the preview was made.
    assign_visit(visit=waiting, technician=tech, start=at(next_monday, 14), by=None)

    with pytest.raises(StaleVersion, match="nothing was applied"):
        day_plans.apply_day_plan(run=run, by=None)

    waiting.refresh_from_db()
    assert waiting.planned_start == at(next_monday, 14)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.STALE


def test_a_day_in_the_past_cannot_be_planned():
    with pytest.raises(InvalidInput, match="past"):
        day_plans.request_day_plan(day=datetime.date(2020, 1, 6), by=None)
    assert not PlanRun.objects.exists()


def test_a_day_more_than_max_days_ahead_cannot_be_planned():
    too_far = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD + 1)

    with pytest.raises(InvalidInput, match=f"more than {MAX_DAYS_AHEAD} days ahead") as refused:
        day_plans.request_day_plan(day=too_far, by=None)

    assert refused.value.field == "day"
    assert not PlanRun.objects.exists()


def test_an_area_longer_than_the_column_is_refused(next_monday):
    with pytest.raises(InvalidInput, match="at most 100 characters") as refused:
        day_plans.request_day_plan(day=next_monday, area="R" * 101, by=None)

    assert refused.value.field == "area"
    assert not PlanRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_plan_this_day_end_to_end_through_the_task(next_monday, dispatcher):
    """Request -> Celery task (in-process in tests) -> checked preview -> applied schedule."""
    tech = TechnicianFactory()
    urgent = new_visit()
    Ticket.objects.filter(pk=urgent.ticket_id).update(priority=1)

    run = day_plans.request_day_plan(day=next_monday, by=dispatcher, time_limit=2)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.READY, run.error
    assert run.progress == 100
    assert [x["visit"] for x in run.preview["added"]] == [urgent.pk]
    day_plans.apply_day_plan(run=run, by=dispatcher)
    urgent.refresh_from_db()
    assert urgent.technician == tech
    assert urgent.status == "scheduled"
    assert at(next_monday, 8) <= urgent.planned_start <= at(next_monday, 17)
