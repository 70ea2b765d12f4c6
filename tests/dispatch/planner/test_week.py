"""A week at a time from the database: the range's scenario (a preventive visit on any day of
its tolerance, a repair on its own day, time off), the run through the planning task, the
preview per day and the apply in one transaction."""

import datetime

import pytest

from dispatch.models import PlanRun
from dispatch.planner import checker_week, day, runs, week
from dispatch.planner import services as day_plans
from dispatch.services import assign_visit
from fieldservice.errors import InvalidInput, StaleVersion
from tests.factories import TechnicianFactory, TimeOffFactory, new_visit
from tests.helpers import at
from tests.plans import a_plan
from tickets.models import Visit
from tickets.services import maintenance

pytestmark = pytest.mark.django_db
ONE = datetime.timedelta(days=1)


@pytest.fixture
def monday(next_monday):
    return next_monday + datetime.timedelta(days=7)  # the week after next: all in the future


@pytest.fixture
def week_world(monday):
    """One technician, away Tuesday and Wednesday; a preventive visit due Wednesday with a
    day's tolerance (Tuesday to Thursday); a repair promised Monday morning; one waiting."""
    tech = TechnicianFactory()
    TimeOffFactory(technician=tech, starts_at=at(monday + ONE, 0), ends_at=at(monday + 3 * ONE, 0))
    plan = a_plan(first_due_on=monday + 2 * ONE, tolerance_days=1)
    maintenance.generate()
    preventive = plan.occurrences.get().visit
    dated = new_visit(window_start=at(monday, 9), window_end=at(monday, 11))
    scheduled = assign_visit(visit=new_visit(), technician=tech, start=at(monday, 14), by=None)
    return tech, preventive, dated, scheduled


def _entry(scenario, visit):
    return next(v for v in scenario["visits"] if v["id"] == visit.pk)


def test_the_week_scenario_gives_each_visit_its_days(monday, week_world):
    _tech, preventive, dated, scheduled = week_world

    scenario, versions = day.build_week_scenario(first=monday, days=7)

    dates = [(monday + i * ONE).isoformat() for i in range(7)]
    assert scenario["format"] == "fieldservice-scenario/2"
    assert [d["date"] for d in scenario["days"]] == dates
    working = [d["date"] for d in scenario["days"] if d["technicians"]]
    assert working == [dates[0], *dates[3:]]  # time off Tuesday and Wednesday
    # The preventive visit: Tuesday to Thursday, due Thursday (its tolerance's last day).
    assert sorted(_entry(scenario, preventive)["days"]) == dates[1:4]
    assert _entry(scenario, preventive)["due"] == dates[3]
    # The repair promised Monday morning and the one scheduled Monday stay on Monday.
    assert _entry(scenario, dated)["days"] == {dates[0]: ["09:00", "11:00"]}
    assert list(_entry(scenario, scheduled)["days"]) == [dates[0]]
    assert _entry(scenario, scheduled)["keep"] is True
    assert set(versions) == {str(v.pk) for v in (preventive, dated, scheduled)}


def test_a_repair_waiting_without_a_date_goes_on_the_first_day(monday):
    TechnicianFactory()
    waiting = new_visit()

    scenario, _ = day.build_week_scenario(first=monday, days=3)

    assert list(_entry(scenario, waiting)["days"]) == [monday.isoformat()]


def test_the_week_is_planned_previewed_per_day_and_applied(monday, week_world, dispatcher):
    tech, preventive, dated, scheduled = week_world
    run = day_plans.request_day_plan(day=monday, days=7, time_limit=2, by=dispatcher)
    runs.compute_day_plan(run_id=run.pk)
    run.refresh_from_db()

    assert run.status == PlanRun.Status.READY, run.error
    assert checker_week.check(run.scenario, run.plan).violations == []
    dates = {s["visit"]: r["date"] for r in run.plan["routes"] for s in r["stops"]}
    # Tuesday and Wednesday the technician is away: the preventive visit goes on Thursday.
    assert dates == {
        preventive.pk: (monday + 3 * ONE).isoformat(),
        dated.pk: monday.isoformat(),
        scheduled.pk: monday.isoformat(),
    }
    assert [len(d["added"]) for d in run.preview["days"]] == [1, 0, 0, 1, 0, 0, 0]
    assert run.preview["overdue"] == 0

    day_plans.apply_day_plan(run=run, by=dispatcher)

    preventive.refresh_from_db()
    dated.refresh_from_db()
    scheduled.refresh_from_db()
    assert preventive.status == Visit.Status.SCHEDULED
    assert preventive.technician == tech
    assert preventive.planned_start.date() == monday + 3 * ONE
    assert dated.planned_start.date() == monday
    assert scheduled.planned_start == at(monday, 14)
    run.refresh_from_db()
    assert run.status == PlanRun.Status.APPLIED


def test_the_week_applies_nothing_when_a_visit_changed(monday, week_world, dispatcher):
    tech, preventive, dated, _scheduled = week_world
    run = day_plans.request_day_plan(day=monday, days=7, time_limit=1, by=dispatcher)
    runs.compute_day_plan(run_id=run.pk)
    run.refresh_from_db()
    # A dispatcher places the preventive visit by hand on Friday after the preview.
    assign_visit(visit=preventive, technician=tech, start=at(monday + 4 * ONE, 9), by=None)

    with pytest.raises(StaleVersion, match="nothing was applied"):
        day_plans.apply_day_plan(run=run, by=dispatcher)

    dated.refresh_from_db()
    assert dated.status == Visit.Status.UNASSIGNED
    run.refresh_from_db()
    assert run.status == PlanRun.Status.STALE


@pytest.mark.parametrize("days", [0, 8])
def test_a_range_of_more_than_seven_days_is_refused(monday, days):
    with pytest.raises(InvalidInput, match="1 to 7 days") as refused:
        day_plans.request_day_plan(day=monday, days=days, by=None)

    assert refused.value.field == "days"
    assert not PlanRun.objects.exists()


def test_the_week_page_shows_the_plan_per_day(monday, week_world, dispatcher_client):
    response = dispatcher_client.post(
        "/dispatch/plan/",
        {"day": monday.isoformat(), "plan_week": "on", "week_days": "7", "time_limit": "1"},
    )
    run = PlanRun.objects.get()
    runs.compute_day_plan(run_id=run.pk)

    page = dispatcher_client.get(response.url).content.decode()

    assert run.days == 7
    assert page.count('data-testid="plan-day"') == 7
    assert "Automatic plan from" in page


def test_the_board_offers_plan_this_week(monday, dispatcher_client):
    board = dispatcher_client.get(f"/dispatch/?day={monday.isoformat()}").content.decode()

    assert 'name="plan_week"' in board
    assert 'name="week_days"' in board


def test_plan_this_day_on_the_board_plans_one_day(monday, dispatcher_client):
    dispatcher_client.post(
        "/dispatch/plan/", {"day": monday.isoformat(), "week_days": "7", "time_limit": "1"}
    )

    assert PlanRun.objects.get().days == 1


def test_a_week_scenario_is_what_the_week_engine_reads(monday, week_world):
    scenario, _ = day.build_week_scenario(first=monday, days=7)

    plan = week.solve_scenario(scenario, time_limit=1)

    assert checker_week.check(scenario, plan).violations == []
