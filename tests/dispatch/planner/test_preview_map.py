"""The plan preview's map (issue 27): each technician's route now and with the plan, from
home through the stops in time order and back, in their colour; the page draws both."""

import pytest
from django.urls import reverse

from dispatch.models import PlanRun
from dispatch.planner import day, preview
from dispatch.selectors import technician_colour
from dispatch.services import assign_visit
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import at

pytestmark = pytest.mark.django_db


def visit_at(latitude, longitude):
    appliance = ApplianceFactory(site__latitude=latitude, site__longitude=longitude)
    return new_visit(open_ticket(appliance=appliance))


def test_the_preview_map_has_the_routes_before_and_after(client, dispatcher, next_monday):
    marco = TechnicianFactory(home_latitude=41.80, home_longitude=12.40)
    anna = TechnicianFactory(home_latitude=41.95, home_longitude=12.60)
    kept = assign_visit(
        visit=visit_at(41.90, 12.50), technician=marco, start=at(next_monday, 9), by=None
    )
    waiting = visit_at(41.97, 12.55)
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [
            {"technician": anna.pk, "stops": [{"visit": kept.pk, "start": "11:00:00"}]},
            {"technician": marco.pk, "stops": [{"visit": waiting.pk, "start": "09:00:00"}]},
        ],
        "unassigned": [],
        "solve_seconds": 0.1,
    }

    shown = preview.build_preview(scenario, plan)["map"]

    assert [(r["technician"], r["visits"]) for r in shown["before"]] == [(marco.pk, [kept.pk])]
    assert shown["before"][0]["points"] == [[41.80, 12.40], [41.90, 12.50], [41.80, 12.40]]
    assert shown["before"][0]["colour"] == technician_colour(marco.pk)
    after = {r["technician"]: r for r in shown["after"]}
    assert after[anna.pk]["points"] == [[41.95, 12.60], [41.90, 12.50], [41.95, 12.60]]
    assert after[marco.pk]["visits"] == [waiting.pk]
    assert {v["visit"] for v in shown["visits"]} == {kept.pk, waiting.pk}

    run = PlanRun.objects.create(
        day=next_monday,
        status="ready",
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )
    client.force_login(dispatcher)
    page = client.get(reverse("plan:detail", args=[run.pk])).text
    assert 'id="plan-map-data"' in page
    assert 'data-testid="plan-layer-before"' in page
