"""Planning the rest of today: from now, rounded up, around the visits under way; a day with
nothing left to plan says so and offers nothing to apply."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.models import PlanRun
from dispatch.planner import day, preview, runs
from dispatch.planner import services as day_plans
from fieldservice.errors import PlanNotReady
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import ROME, at
from tickets.models import Visit

pytestmark = pytest.mark.django_db


def _today() -> datetime.date:
    return timezone.now().astimezone(ROME).date()


def test_late_in_the_day_nothing_is_plannable_and_nothing_is_offered(client, dispatcher):
    today = _today()
    TechnicianFactory()  # works 08:00-17:00 every day
    waiting = new_visit()
    scenario, versions = day.build_scenario(day=today, now=at(today, 18, 30))
    plan = runs.solve(scenario, time_limit=1)
    run = PlanRun.objects.create(
        day=today,
        status=PlanRun.Status.READY,
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )
    client.force_login(dispatcher)

    page = client.get(reverse("plan:detail", args=[run.pk])).text

    assert plan["unassigned"] == [
        {
            "visit": waiting.pk,
            "rule": "technician",
            "reason": "no technician works in the hours left that day",
        }
    ]
    assert "None" not in page
    assert "Nothing can be planned: no technician works in the hours left of this day." in page
    assert "Accept and apply this plan" not in page
    with pytest.raises(PlanNotReady, match="nothing to apply"):
        day_plans.apply_day_plan(run=run, by=dispatcher)


def test_today_is_planned_from_now_rounded_up_after_the_break_and_the_visit_under_way():
    today = _today()
    tech = TechnicianFactory()
    other = TechnicianFactory()
    on_site = new_visit()
    Visit.objects.filter(pk=on_site.pk).update(
        status=Visit.Status.ON_SITE,
        technician=tech,
        planned_start=at(today, 12, 30),
        planned_end=at(today, 14, 15),
    )
    on_site.ticket.site.latitude = 41.95
    on_site.ticket.site.save()

    scenario, _ = day.build_scenario(day=today, now=at(today, 12, 31))

    shifts = {t["id"]: t for t in scenario["technicians"]}
    # The break (12:00-13:00) is under way: the day goes on after it, with no break left.
    assert shifts[other.pk]["shift"] == ["13:00", "17:00"]
    assert "break" not in shifts[other.pk]
    # On site until 14:15: the plan starts there, then.
    assert shifts[tech.pk]["shift"] == ["14:15", "17:00"]
    assert shifts[tech.pk]["start"] == [41.95, 12.5]
    assert on_site.pk not in {v["id"] for v in scenario["visits"]}

    morning, _ = day.build_scenario(day=today, now=at(today, 9, 2).replace(second=30))

    later = next(t for t in morning["technicians"] if t["id"] == other.pk)
    assert later["shift"] == ["09:05", "17:00"]
    assert later["break"]["earliest"] == "12:00"


def test_today_a_waiting_window_starts_no_earlier_than_now():
    today = _today()
    TechnicianFactory()
    waiting = new_visit()

    scenario, _ = day.build_scenario(day=today, now=at(today, 10, 40))

    assert next(v for v in scenario["visits"] if v["id"] == waiting.pk)["window"] == [
        "10:40",
        "23:59",
    ]
