"""Windows promised to customers: kept by the planner unless the dispatcher lets it break
them, and then listed apart and told to every customer and technician concerned."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.models import PlanRun
from dispatch.planner import day, preview, runs
from dispatch.planner import services as day_plans
from dispatch.services import assign_visit
from notifications.models import Notification
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import at

pytestmark = pytest.mark.django_db


def _entry(scenario, visit):
    return next(v for v in scenario["visits"] if v["id"] == visit.pk)


def test_a_scheduled_visit_keeps_its_promised_window_unless_the_dispatcher_allows(next_monday):
    tech = TechnicianFactory()
    booked = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)

    kept, _ = day.build_scenario(day=next_monday)
    free, _ = day.build_scenario(day=next_monday, may_break_windows=True)

    assert _entry(kept, booked)["keep"] is True
    assert _entry(kept, booked)["window"] == ["09:00", "11:00"]
    assert "keep" not in _entry(free, booked)
    assert _entry(free, booked)["window"] == ["00:00", "23:59"]
    assert _entry(free, booked)["promised"] == ["09:00", "11:00"]


def test_by_default_the_planner_keeps_a_promised_visit_over_a_p1(next_monday):
    # One technician, one morning: the booked P3 at 09:00 and a waiting P1 cannot both fit.
    tech = TechnicianFactory(weekdays=[next_monday.weekday()])
    tech.working_hours.update(ends_at=datetime.time(11), break_starts_at=None, break_ends_at=None)
    booked = assign_visit(
        visit=new_visit(duration_minutes=120), technician=tech, start=at(next_monday, 9), by=None
    )
    urgent = new_visit(duration_minutes=150)
    urgent.ticket.priority = 1
    urgent.ticket.save()
    scenario, _ = day.build_scenario(day=next_monday)

    plan = runs.solve(scenario, time_limit=1)

    assert [s["visit"] for r in plan["routes"] for s in r["stops"]] == [booked.pk]
    assert plan["unassigned"][0]["visit"] == urgent.pk


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def test_broken_promises_are_listed_apart_and_every_one_concerned_is_told(dispatcher):
    tomorrow = _tomorrow()
    a, b = TechnicianFactory(), TechnicianFactory()
    moved = assign_visit(visit=new_visit(), technician=a, start=at(tomorrow, 9), by=None)
    dropped = assign_visit(visit=new_visit(), technician=b, start=at(tomorrow, 14), by=None)
    Notification.objects.all().delete()
    scenario, versions = day.build_scenario(day=tomorrow, may_break_windows=True)
    plan = {
        "routes": [{"technician": b.pk, "stops": [{"visit": moved.pk, "start": "15:30:00"}]}],
        "unassigned": [{"visit": dropped.pk, "rule": "capacity", "reason": "the day is full"}],
    }
    run = PlanRun.objects.create(
        day=tomorrow,
        status=PlanRun.Status.READY,
        may_break_windows=True,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )

    broken = {x["visit"]: x for x in run.preview["broken_promises"]}
    assert broken[moved.pk]["customer"] == str(moved.ticket.customer)
    assert (broken[moved.pk]["promised"], broken[moved.pk]["rebook"]) == ("09:00-11:00", False)
    assert broken[dropped.pk]["customer"] == str(dropped.ticket.customer)
    assert (broken[dropped.pk]["promised"], broken[dropped.pk]["rebook"]) == ("14:00-16:00", True)

    day_plans.apply_day_plan(run=run, by=dispatcher)

    told = Notification.objects.filter(channel="email")
    rebook = told.get(visit=dropped, kind="rebook")
    assert rebook.recipient == dropped.ticket.customer.email
    assert "/portal/b/" in rebook.payload["manage_url"]
    assert told.filter(visit=moved, kind="visit_moved").count() == 1
    moved.refresh_from_db()
    assert moved.window_start == at(tomorrow, 15, 30)  # the new window the message gives
    changes = {
        (n.recipient, n.visit_id, n.payload["change"]) for n in told.filter(kind="tech_change")
    }
    assert changes == {
        (a.user.email, moved.pk, "Removed"),
        (b.user.email, moved.pk, "Added"),
        (b.user.email, dropped.pk, "Removed"),
    }


def test_the_preview_page_names_each_broken_promise(client, dispatcher):
    tomorrow = _tomorrow()
    tech = TechnicianFactory()
    dropped = assign_visit(visit=new_visit(), technician=tech, start=at(tomorrow, 14), by=None)
    scenario, versions = day.build_scenario(day=tomorrow, may_break_windows=True)
    plan = {"routes": [], "unassigned": [{"visit": dropped.pk, "rule": "capacity", "reason": "x"}]}
    run = PlanRun.objects.create(
        day=tomorrow,
        status=PlanRun.Status.READY,
        may_break_windows=True,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )
    client.force_login(dispatcher)

    page = client.get(reverse("plan:detail", args=[run.pk])).text

    assert "1 promised window broken" in page
    assert f"{dropped.ticket.customer}, {dropped.ticket.number} (promised 14:00-16:00)" in page
    assert "to rebook" in page


def test_the_plan_form_asks_whether_promised_windows_may_be_broken(client, dispatcher):
    client.force_login(dispatcher)
    board = client.get("/dispatch/").text
    assert 'name="may_break_windows"' in board

    client.post(
        reverse("plan:request"),
        {"day": _tomorrow().isoformat(), "time_limit": "1", "may_break_windows": "on"},
    )
    client.post(reverse("plan:request"), {"day": _tomorrow().isoformat(), "time_limit": "1"})

    assert list(PlanRun.objects.order_by("pk").values_list("may_break_windows", flat=True)) == [
        True,
        False,
    ]


@pytest.mark.django_db(transaction=True)
def test_a_promise_the_plan_cannot_keep_keeps_its_technicians_day_as_it_is(
    client, next_monday, dispatcher
):
    # Booked 15:00-17:00 for two hours, 5 km from home: the drive back ends past the shift,
    # so no plan can keep it; its technician's day stays as it is, the rest is planned.
    busy, free = TechnicianFactory(), TechnicianFactory()
    late = assign_visit(
        visit=new_visit(duration_minutes=120), technician=busy, start=at(next_monday, 15), by=None
    )
    late.ticket.site.latitude = 41.945
    late.ticket.site.save()
    waiting = new_visit()

    run = day_plans.request_day_plan(day=next_monday, by=dispatcher, time_limit=2)

    run.refresh_from_db()
    assert run.status == PlanRun.Status.READY, run.error
    assert run.preview["held"] == [{"technician": str(busy), "visits": 1}]
    assert late.pk not in {x["visit"] for x in run.preview["left_out"]}
    assert [(x["visit"], x["technician"]) for x in run.preview["added"]] == [
        (waiting.pk, str(free))
    ]
    client.force_login(dispatcher)
    page = client.get(reverse("plan:detail", args=[run.pk])).text
    assert "1 technician's day kept as it is" in page
    assert f"{busy}: 1 visit" in page
    day_plans.apply_day_plan(run=run, by=dispatcher)
    late.refresh_from_db()
    assert (late.status, late.technician, late.planned_start) == (
        "scheduled",
        busy,
        at(next_monday, 15),
    )
