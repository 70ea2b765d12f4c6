import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from dispatch.models import PlanRun
from dispatch.planner import day, preview
from dispatch.services import assign_visit
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import at
from tickets.horizon import MAX_DAYS_AHEAD

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_run(next_monday):
    tech = TechnicianFactory()
    visit = new_visit()
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [{"technician": tech.pk, "stops": [{"visit": visit.pk, "start": "10:00:00"}]}],
        "unassigned": [],
        "solve_seconds": 0.1,
    }
    run = PlanRun.objects.create(
        day=next_monday,
        status="ready",
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )
    run.visit, run.tech = visit, tech
    return run


def test_plan_pages_are_for_dispatchers_only(client, technician, ready_run):
    url = reverse("plan:detail", args=[ready_run.pk])

    assert client.get(url).status_code == 302  # to the login page
    client.force_login(technician.user)
    assert client.get(url).status_code == 403
    assert client.post(reverse("plan:apply", args=[ready_run.pk])).status_code == 403
    ready_run.refresh_from_db()
    assert ready_run.status == "ready"


def test_preview_page_lists_what_the_plan_adds(client, dispatcher, ready_run):
    client.force_login(dispatcher)

    page = client.get(reverse("plan:detail", args=[ready_run.pk]))

    assert page.status_code == 200
    assert "1 visit added" in page.text
    assert ready_run.visit.ticket.number in page.text
    assert "Accept and apply this plan" in page.text


def test_running_plan_polls_for_progress(client, dispatcher, next_monday):
    run = PlanRun.objects.create(day=next_monday, status="running", progress=40)
    client.force_login(dispatcher)

    page = client.get(reverse("plan:detail", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert 'hx-trigger="every 1s"' in page.text
    assert f'hx-get="{reverse("plan:detail", args=[run.pk])}"' in page.text
    assert 'hx-target="#plan-body"' in page.text
    assert "40%" in page.text
    assert "seconds to find the best plan" in page.text
    assert "<html" not in page.text  # the partial only


def test_accepting_applies_and_returns_to_the_board(client, dispatcher, ready_run, next_monday):
    client.force_login(dispatcher)

    response = client.post(reverse("plan:apply", args=[ready_run.pk]))

    assert response.status_code == 302
    assert response["Location"] == f"/dispatch/?day={next_monday.isoformat()}"
    ready_run.visit.refresh_from_db()
    assert ready_run.visit.technician == ready_run.tech
    assert ready_run.visit.planned_start == at(next_monday, 10)


def test_accepting_a_stale_plan_says_so_and_offers_a_new_one(
    client, dispatcher, ready_run, next_monday
):
    assign_visit(
        visit=ready_run.visit,
        technician=ready_run.tech,
        start=at(next_monday, 15),
        by=None,
        window_reason="The customer asked for later",
    )
    client.force_login(dispatcher)

    response = client.post(reverse("plan:apply", args=[ready_run.pk]), follow=True)

    assert "nothing was applied" in response.text
    assert "Plan this day again" in response.text
    ready_run.visit.refresh_from_db()
    assert ready_run.visit.planned_start == at(next_monday, 15)


def test_bad_plan_request_changes_nothing(client, dispatcher):
    client.force_login(dispatcher)

    response = client.post(reverse("plan:request"), {"day": "not-a-day"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Choose a valid day and time limit to plan."
    ]
    assert not PlanRun.objects.exists()


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("R" * 101, "The area can be at most 100 characters long."),
        ("Rome\x00North", "The area contains a null character."),
    ],
)
def test_plan_request_refuses_an_area_the_column_cannot_hold(
    client, dispatcher, next_monday, area, message
):
    client.force_login(dispatcher)

    response = client.post(
        reverse("plan:request"),
        {"day": next_monday.isoformat(), "area": area, "time_limit": "5"},
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [message]
    assert not PlanRun.objects.exists()


@pytest.mark.parametrize(
    "day",
    [
        "9999-12-31",
        "3000-01-01",
        (timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD + 1)).isoformat(),
    ],
)
def test_plan_request_refuses_a_day_more_than_max_days_ahead(
    client, dispatcher, day, django_capture_on_commit_callbacks
):
    client.force_login(dispatcher)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.post(reverse("plan:request"), {"day": day, "time_limit": "1"})

    assert response.status_code == 302
    assert response.url == "/dispatch/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"A day more than {MAX_DAYS_AHEAD} days ahead cannot be planned."
    ]
    assert not PlanRun.objects.exists()
    assert queued == []


def test_plan_this_day_carries_the_boards_area(client, dispatcher, next_monday):
    client.force_login(dispatcher)

    board = client.get("/dispatch/", {"day": next_monday.isoformat(), "area": "Rome North"})
    plan_bar = board.text[board.text.index('class="plan-bar"') :]
    assert 'name="area" value="Rome North"' in plan_bar[: plan_bar.index("</form>")]

    response = client.post(
        reverse("plan:request"),
        {"day": next_monday.isoformat(), "area": " Rome North ", "time_limit": "1"},
        follow=True,
    )

    run = PlanRun.objects.get()
    assert run.area == "Rome North"
    assert "Area: Rome North" in response.text
