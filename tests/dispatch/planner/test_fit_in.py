"""Fitting an emergency in now and re-planning the rest of today, from the actual state: the
visits under way never move, completed ones are out, the cheapest feasible technician takes
the emergency, and a proposal made stale by a change meanwhile is refused, nothing changed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dispatch.models import PlanRun
from dispatch.planner import now as fit_in
from dispatch.planner import rest_of_day, today
from dispatch.planner.checker import check
from fieldservice.errors import InvalidInput, StaleVersion
from notifications.models import Notification
from tests.factories import SkillFactory, TechnicianFactory, new_visit
from tests.helpers import ROME, at
from tickets.models import TicketEvent, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return timezone.now().astimezone(ROME).date()


def _place(visit, tech, start, status=Visit.Status.SCHEDULED, window=True, **fields):
    """Put a visit on a technician's day as it stands (the status the day reached)."""
    end = start + datetime.timedelta(minutes=visit.duration_minutes)
    Visit.objects.filter(pk=visit.pk).update(
        status=status,
        technician=tech,
        planned_start=start,
        planned_end=end,
        **(
            {"window_start": start, "window_end": start + datetime.timedelta(hours=2)}
            if window
            else {}
        ),
        **fields,
    )
    visit.refresh_from_db()
    return visit


def _at(visit, lat, lon):
    site = visit.ticket.site
    site.latitude, site.longitude = lat, lon
    site.save()
    return visit


def _emergency(lat=41.9, lon=12.5, minutes=60):
    visit = _at(new_visit(duration_minutes=minutes), lat, lon)
    visit.ticket.priority = 1
    visit.ticket.save()
    return visit


@pytest.fixture
def a_day(day):
    """Two technicians at 09:40: Near is on site (running late) near the emergency, with a
    booked visit after; Far finished a job far away and has nothing more."""
    near = TechnicianFactory()
    far = TechnicianFactory()
    on_site = _place(
        _at(new_visit(duration_minutes=60), 41.91, 12.5),
        near,
        at(day, 8, 30),
        Visit.Status.ON_SITE,
        actual_start=at(day, 8, 40),
    )
    booked = _place(_at(new_visit(duration_minutes=60), 41.92, 12.5), near, at(day, 11))
    done = _place(
        _at(new_visit(duration_minutes=60), 42.3, 12.9),
        far,
        at(day, 8),
        Visit.Status.COMPLETED,
        actual_end=at(day, 9, 0),
    )
    return {"near": near, "far": far, "on_site": on_site, "booked": booked, "done": done}


def test_the_scenario_of_today_starts_where_each_technician_actually_is(day, a_day):
    scenario, versions = today.today_scenario(now=at(day, 9, 40))

    techs = {t["id"]: t for t in scenario["technicians"]}
    entries = {v["id"]: v for v in scenario["visits"]}
    running_late = entries[a_day["on_site"].pk]
    assert running_late["started"] is True
    assert running_late["technician"] == a_day["near"].pk
    assert running_late["window"] == ["09:40", "09:40"]
    assert running_late["minutes"] == today.STARTED_MINUTES  # its planned end is past
    assert techs[a_day["near"].pk]["shift"][0] == "09:40"
    assert techs[a_day["near"].pk]["start"] == [41.91, 12.5]
    # Far set off from the job finished at 09:00, not from home.
    assert techs[a_day["far"].pk]["start"] == [42.3, 12.9]
    assert a_day["done"].pk not in entries
    assert str(a_day["on_site"].pk) in versions


def test_a_visit_under_way_past_the_break_time_puts_the_break_after_it(day):
    tech = TechnicianFactory()  # break 12:00-13:00
    _place(_at(new_visit(duration_minutes=60), 41.91, 12.5), tech, at(day, 10, 55), "on_site")
    waiting = _emergency(41.915, 12.5, minutes=30)

    scenario, _ = today.today_scenario(now=at(day, 11, 50))
    proposal = fit_in.propose_fit_in(visit=waiting, now=at(day, 11, 50))

    entry = next(t for t in scenario["technicians"] if t["id"] == tech.pk)
    # On site until 12:05 at least (planned 11:55, running late): the break follows it.
    assert entry["break"]["earliest"] == entry["break"]["latest"] == "12:05"
    (route,) = proposal["routes"]
    assert route["stops"][-1]["visit"] == waiting.pk
    assert route["stops"][-1]["new"] >= "13:05"


def test_the_emergency_goes_to_the_cheapest_technician_and_the_started_visit_never_moves(
    day, a_day
):
    urgent = _emergency(41.915, 12.5)

    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))

    (route,) = proposal["routes"]  # only Near's route changes
    assert route["technician"] == a_day["near"].pk
    stops = {s["visit"]: s for s in route["stops"]}
    assert next(s["visit"] for s in route["stops"]) == a_day["on_site"].pk
    assert stops[a_day["on_site"].pk]["started"]
    assert not stops[a_day["on_site"].pk]["moves"]
    assert stops[urgent.pk]["old"] == ""
    assert stops[urgent.pk]["new"] >= "09:55"
    # The booked visit at 11:00 stays inside its promised 11:00-13:00.
    assert stops[a_day["booked"].pk]["window_moves"] is False


def test_applying_moves_the_visits_records_the_reason_and_tells_only_who_is_concerned(
    day, a_day, dispatcher
):
    # Half an hour booked at 11:00, lunch at 12:00: an hour and a half of emergency first.
    Visit.objects.filter(pk=a_day["booked"].pk).update(
        duration_minutes=30, planned_end=at(day, 11, 30)
    )
    urgent = _emergency(41.915, 12.5, minutes=90)
    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))
    stops = {s["visit"]: s for s in proposal["routes"][0]["stops"]}
    assert stops[a_day["booked"].pk]["window_moves"] is False
    Notification.objects.all().delete()

    fit_in.apply_fit_in(token=proposal["token"], reason="Gas leak at a school", by=dispatcher)

    urgent.refresh_from_db()
    booked = Visit.objects.get(pk=a_day["booked"].pk)
    on_site = Visit.objects.get(pk=a_day["on_site"].pk)
    assert urgent.status == Visit.Status.SCHEDULED
    assert urgent.technician == a_day["near"]
    assert on_site.status == Visit.Status.ON_SITE
    assert on_site.planned_start == at(day, 8, 30)
    # The emergency before it: the booked visit moves, inside its 11:00-13:00.
    assert stops[booked.pk]["moves"]
    assert stops[booked.pk]["new"] > "11:00"
    assert booked.planned_start.astimezone(ROME).strftime("%H:%M") == stops[booked.pk]["new"]
    assert (booked.window_start, booked.window_end) == (at(day, 11), at(day, 13))
    for ticket in (urgent.ticket, booked.ticket):
        assert TicketEvent.objects.filter(ticket=ticket, reason="Gas leak at a school").exists()
    # The technician hears of both; the booked customer, whose promise holds, of nothing.
    assert Notification.objects.filter(kind="tech_change", visit=urgent).exists()
    assert Notification.objects.filter(kind="tech_change", visit=booked).exists()
    assert not Notification.objects.filter(kind="visit_moved", visit=booked).exists()
    assert Notification.objects.filter(kind="visit_scheduled", visit=urgent).exists()


def test_a_window_that_moves_is_said_and_told_to_its_customer(day, dispatcher):
    tech = TechnicianFactory()
    booked = _place(_at(new_visit(duration_minutes=60), 41.92, 12.5), tech, at(day, 10))
    Visit.objects.filter(pk=booked.pk).update(window_start=at(day, 10), window_end=at(day, 10, 30))
    # The emergency must be there by 10:15: before the booked visit, pushed out of its promise.
    urgent = _emergency(41.915, 12.5, minutes=120)
    Visit.objects.filter(pk=urgent.pk).update(
        window_start=at(day, 9, 30), window_end=at(day, 10, 15)
    )
    urgent.refresh_from_db()

    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))

    stops = {s["visit"]: s for s in proposal["routes"][0]["stops"]}
    assert [s["visit"] for s in proposal["routes"][0]["stops"]] == [urgent.pk, booked.pk]
    assert stops[booked.pk]["window_moves"] is True
    assert stops[booked.pk]["promised"] == "10:00-10:30"
    Notification.objects.all().delete()
    fit_in.apply_fit_in(token=proposal["token"], reason="Flooding", by=dispatcher)
    assert Notification.objects.filter(kind="visit_moved", visit=booked).exists()


def test_a_proposal_made_stale_by_a_change_meanwhile_is_refused_and_changes_nothing(
    day, a_day, dispatcher
):
    urgent = _emergency(41.915, 12.5)
    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))
    Visit.objects.filter(pk=a_day["booked"].pk).update(version=99)

    with pytest.raises(StaleVersion, match="changed since this proposal"):
        fit_in.apply_fit_in(token=proposal["token"], reason="Gas leak", by=dispatcher)

    urgent.refresh_from_db()
    assert urgent.status == Visit.Status.UNASSIGNED


def test_a_reason_is_required_and_a_tampered_proposal_refused(day, a_day, dispatcher):
    urgent = _emergency(41.915, 12.5)
    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))

    with pytest.raises(InvalidInput, match="Say why"):
        fit_in.apply_fit_in(token=proposal["token"], reason="  ", by=dispatcher)
    with pytest.raises(InvalidInput, match="not valid"):
        fit_in.apply_fit_in(token=proposal["token"] + "x", reason="Gas", by=dispatcher)
    urgent.refresh_from_db()
    assert urgent.status == Visit.Status.UNASSIGNED


def test_only_an_emergency_is_fitted_in(day, a_day):
    ordinary = new_visit()

    with pytest.raises(InvalidInput, match="P1"):
        fit_in.propose_fit_in(visit=ordinary, now=at(day, 9, 40))


def test_rest_of_day_keeps_the_started_visit_and_the_promises_it_can(day, a_day):
    proposal = rest_of_day.propose_rest_of_day(now=at(day, 9, 40), time_limit=1)

    # Near's day still works as planned (on site until 09:55, booked at 11:00): not shown.
    assert a_day["near"].pk not in {r["technician"] for r in proposal["routes"]}
    assert proposal["promises"] == []
    assert proposal["left_out"] == []
    assert proposal["changes"] is False


def test_rest_of_day_says_which_promise_cannot_be_kept(day, dispatcher):
    tech = TechnicianFactory()
    # Planned to end at 09:45, still on site at 09:50: held STARTED_MINUTES more, past 10:00.
    on_site = _place(
        _at(new_visit(duration_minutes=105), 41.91, 12.5), tech, at(day, 8), Visit.Status.ON_SITE
    )
    booked = _place(_at(new_visit(duration_minutes=60), 41.92, 12.5), tech, at(day, 9, 45))
    Visit.objects.filter(pk=booked.pk).update(window_end=at(day, 10))

    proposal = rest_of_day.propose_rest_of_day(now=at(day, 9, 50), time_limit=1)

    (promise,) = proposal["promises"]
    assert promise["ticket"] == booked.ticket.number
    assert promise["promised"] == "09:45-10:00"
    assert promise["reason"]
    assert promise["new"] >= "10:05"
    rest_of_day.apply_rest_of_day(token=proposal["token"], reason="Running late", by=dispatcher)
    booked.refresh_from_db()
    assert booked.planned_start >= at(day, 10, 5)
    assert TicketEvent.objects.filter(ticket=booked.ticket, reason="Running late").exists()
    assert Visit.objects.get(pk=on_site.pk).status == Visit.Status.ON_SITE


def test_rest_of_day_with_the_next_booking_at_the_same_address(day, dispatcher):
    # On site past the planned end and the next booking at the same door, its promise closing
    # before the visit under way ends: the engine used to keep the booking and drop the visit
    # under way (a tie at VROOM's top priority, no drive between them), and the checker
    # refused the whole re-plan.
    tech = TechnicianFactory()
    on_site = _place(
        _at(new_visit(duration_minutes=105), 41.91, 12.5), tech, at(day, 8), Visit.Status.ON_SITE
    )
    booked = _place(_at(new_visit(duration_minutes=60), 41.91, 12.5), tech, at(day, 9, 45))
    Visit.objects.filter(pk=booked.pk).update(window_end=at(day, 10))

    proposal = rest_of_day.propose_rest_of_day(now=at(day, 9, 50), time_limit=1)

    (route,) = proposal["routes"]
    assert [s["visit"] for s in route["stops"]] == [on_site.pk, booked.pk]
    assert route["stops"][0]["started"]
    assert route["stops"][0]["new"] == "09:50"
    (promise,) = proposal["promises"]
    assert promise["ticket"] == booked.ticket.number
    assert promise["new"] >= "10:05"
    rest_of_day.apply_rest_of_day(token=proposal["token"], reason="Running late", by=dispatcher)
    assert Visit.objects.get(pk=on_site.pk).status == Visit.Status.ON_SITE
    assert Visit.objects.get(pk=booked.pk).planned_start >= at(day, 10, 5)


def test_fit_in_pages_are_for_dispatchers(client, day, a_day, dispatcher, technician):
    urgent = _emergency(41.915, 12.5)
    url = reverse("plan:fit_in", args=[urgent.pk])
    client.force_login(technician.user)
    assert client.get(url).status_code == 403
    assert client.post(reverse("plan:fit_in_apply", args=[urgent.pk])).status_code == 403
    client.force_login(dispatcher)
    assert client.get(reverse("plan:fit_in", args=[10**8])).status_code == 404
    # The page plans from now: at the fixture's 09:40, whatever the hour the test runs.
    with time_machine.travel(at(day, 9, 40), tick=True):
        page = client.get(url)
    assert page.status_code == 200
    assert f'data-testid="stop-{urgent.pk}"' in page.text
    assert f'data-testid="route-{a_day["far"].pk}"' not in page.text  # unchanged: not shown


def test_the_checker_catches_each_rule_of_a_started_visit():
    scenario = {
        "travel": {"speed_kmh": 35, "road_factor": 1.3},
        "now": "10:00",
        "technicians": [
            {"id": 1, "start": [41.9, 12.5], "end": [41.9, 12.5], "shift": ["10:00", "17:00"]},
            {"id": 2, "start": [41.9, 12.5], "end": [41.9, 12.5], "shift": ["10:00", "17:00"]},
        ],
        "visits": [
            {
                "id": 10,
                "location": [41.9, 12.5],
                "minutes": 30,
                "skills": [],
                "priority": 3,
                "technician": 1,
                "window": ["10:00", "10:00"],
                "keep": True,
                "started": True,
            },
            {
                "id": 11,
                "location": [41.9, 12.5],
                "minutes": 30,
                "skills": [],
                "priority": 3,
                "window": ["08:00", "23:59"],
            },
        ],
    }

    def plan(*routes, unassigned=()):
        return {
            "routes": [
                {"technician": t, "stops": [{"visit": v, "start": s} for v, s in stops]}
                for t, stops in routes
            ],
            "unassigned": list(unassigned),
        }

    good = plan((1, [(10, "10:00:00"), (11, "10:30:00")]))
    assert check(scenario, good).ok
    cases = {
        "with 1, not 2": plan((2, [(10, "10:00:00")]), (1, [(11, "10:30:00")])),
        "is not first": plan((1, [(11, "10:00:00"), (10, "10:30:00")])),
        "was moved": plan((1, [(10, "10:05:00"), (11, "10:40:00")])),
        "left out": plan(
            (1, [(11, "10:30:00")]), unassigned=[{"visit": 10, "reason": "x", "rule": "shift"}]
        ),
        "actual start": plan((1, [(10, "10:00:00")]), (2, [(11, "09:00:00")])),
        "before now": plan((1, [(10, "10:00:00")]), (2, [(11, "09:30:00")])),
    }
    for words, bad in cases.items():
        violations = check(scenario, bad).violations
        assert any(words in v for v in violations), (words, violations)


def test_the_nearest_technician_without_the_skills_is_passed_over(day, a_day):
    gas = SkillFactory()
    a_day["far"].skills.add(gas)
    urgent = _emergency(41.915, 12.5)
    urgent.ticket.required_skills.add(gas)

    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))

    (route,) = proposal["routes"]
    assert route["technician"] == a_day["far"].pk
    assert [s["visit"] for s in route["stops"]] == [urgent.pk]


def test_the_repair_pass_hands_a_visit_whose_promise_breaks_to_a_free_colleague(day, dispatcher):
    gas = SkillFactory()
    near = TechnicianFactory(skills=[gas])
    free = TechnicianFactory()  # no gas: cannot take the emergency, can take the booked visit
    booked = _place(_at(new_visit(duration_minutes=60), 41.92, 12.5), near, at(day, 10))
    Visit.objects.filter(pk=booked.pk).update(window_end=at(day, 10, 30))
    urgent = _emergency(41.915, 12.5, minutes=120)
    urgent.ticket.required_skills.add(gas)
    Visit.objects.filter(pk=urgent.pk).update(
        window_start=at(day, 9, 30), window_end=at(day, 10, 15)
    )
    urgent.refresh_from_db()

    proposal = fit_in.propose_fit_in(visit=urgent, now=at(day, 9, 40))

    routes = {r["technician"]: r for r in proposal["routes"]}
    assert set(routes) == {near.pk, free.pk}
    assert [s["visit"] for s in routes[near.pk]["stops"]] == [urgent.pk]
    assert routes[near.pk]["leaving"][0]["visit"] == booked.pk
    (handed,) = routes[free.pk]["stops"]
    assert handed["visit"] == booked.pk
    assert handed["window_moves"] is False
    fit_in.apply_fit_in(token=proposal["token"], reason="Gas leak", by=dispatcher)
    booked.refresh_from_db()
    assert booked.technician == free
    assert (booked.window_start, booked.window_end) == (at(day, 10), at(day, 10, 30))


def test_the_board_offers_the_buttons_where_they_apply(client, day, dispatcher):
    urgent = _emergency()
    ordinary = new_visit()
    client.force_login(dispatcher)

    board = client.get(reverse("dispatch:board")).text
    tomorrow = client.get(
        reverse("dispatch:board") + f"?day={day + datetime.timedelta(days=1)}"
    ).text
    p1 = client.get(reverse("dispatch:panel", args=[urgent.ticket_id])).text
    p3 = client.get(reverse("dispatch:panel", args=[ordinary.ticket_id])).text

    assert 'data-testid="rest-of-day"' in board
    assert 'data-testid="rest-of-day"' not in tomorrow
    assert f'data-testid="fit-in-{urgent.pk}"' in p1
    assert "fit-in-" not in p3


def test_the_rest_of_today_page_is_for_dispatchers_and_asks_for_a_reason(
    client, day, dispatcher, technician
):
    client.force_login(technician.user)
    assert client.get(reverse("plan:rest_of_day")).status_code == 403
    assert client.post(reverse("plan:rest_of_day")).status_code == 403
    assert client.post(reverse("plan:rest_of_day_apply")).status_code == 403
    assert not PlanRun.objects.exists()
    client.force_login(dispatcher)

    page = client.get(reverse("plan:rest_of_day"))
    refused = client.post(
        reverse("plan:rest_of_day_apply"), {"token": "x", "reason": ""}, follow=True
    )

    assert page.status_code == 200
    assert 'data-testid="rest-of-day-start"' in page.text
    assert not PlanRun.objects.exists()  # looking at the page plans nothing
    assert "Say why the day changes" in refused.text


def test_the_rest_of_today_is_planned_by_a_worker_then_applied_from_its_run(
    client, day, dispatcher, django_capture_on_commit_callbacks
):
    """The board's button queues a run (a planning worker's task, eager here); its page
    shows the proposal once ready, and applying it marks the run applied."""
    tech = TechnicianFactory()
    on_site = _place(
        _at(new_visit(duration_minutes=105), 41.91, 12.5), tech, at(day, 8), Visit.Status.ON_SITE
    )
    booked = _place(_at(new_visit(duration_minutes=60), 41.92, 12.5), tech, at(day, 9, 45))
    Visit.objects.filter(pk=booked.pk).update(window_end=at(day, 10))
    client.force_login(dispatcher)

    with time_machine.travel(at(day, 9, 50), tick=True):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(reverse("plan:rest_of_day"))
        run = PlanRun.objects.get()
        assert started.status_code == 302
        assert started["Location"] == reverse("plan:rest_of_day_run", args=[run.pk])
        assert (run.kind, run.status, run.progress) == (
            PlanRun.Kind.REST_OF_DAY,
            PlanRun.Status.READY,
            100,
        )
        page = client.get(started["Location"])
        assert page.status_code == 200
        assert 'data-testid="today-promises"' in page.text
        assert booked.ticket.number in page.text
        assert f'name="run" value="{run.pk}"' in page.text
        # A rest-of-today run is not a day plan: the day plan's pages do not show it.
        assert client.get(reverse("plan:detail", args=[run.pk])).status_code == 404

        applied = client.post(
            reverse("plan:rest_of_day_apply"),
            {"token": run.preview["token"], "reason": "Running late", "run": run.pk},
        )

    assert applied.status_code == 302
    run.refresh_from_db()
    assert run.status == PlanRun.Status.APPLIED
    booked.refresh_from_db()
    assert booked.planned_start >= at(day, 10, 5)
    assert Visit.objects.get(pk=on_site.pk).status == Visit.Status.ON_SITE
    again = client.get(reverse("plan:rest_of_day_run", args=[run.pk]))
    assert 'data-testid="today-applied"' in again.text
    # A day plan's id is not a rest-of-today run.
    other = PlanRun.objects.create(day=day)
    assert client.get(reverse("plan:rest_of_day_run", args=[other.pk])).status_code == 404


def test_a_running_rest_of_today_run_polls_its_own_page_for_progress(client, day, dispatcher):
    run = PlanRun.objects.create(
        kind=PlanRun.Kind.REST_OF_DAY, day=day, status=PlanRun.Status.RUNNING, progress=70
    )
    client.force_login(dispatcher)

    page = client.get(reverse("plan:rest_of_day_run", args=[run.pk]), HTTP_HX_REQUEST="true")

    assert f'hx-get="{reverse("plan:rest_of_day_run", args=[run.pk])}"' in page.text
    assert 'hx-target="#rest-of-day-body"' in page.text
    assert 'data-testid="plan-progress">70%<' in page.text
    assert "seconds to find the best plan" not in page.text  # the day plan's note only


def test_a_rest_of_today_run_a_worker_could_not_start_says_so_and_offers_to_try_again(
    client, day, dispatcher
):
    run = PlanRun.objects.create(
        kind=PlanRun.Kind.REST_OF_DAY,
        day=day,
        status=PlanRun.Status.NOT_STARTED,
        error="The planner could not be started.",
    )
    client.force_login(dispatcher)
    page = client.get(reverse("plan:rest_of_day_run", args=[run.pk]))
    assert 'data-testid="today-error"' in page.text
    assert "The planner could not be started." in page.text
    assert 'data-testid="rest-of-day-start"' in page.text
    polled = PlanRun.objects.create(kind=PlanRun.Kind.REST_OF_DAY, day=day, progress=40)
    body = client.get(reverse("plan:rest_of_day_run", args=[polled.pk]), HTTP_HX_REQUEST="true")
    assert 'data-testid="plan-progress">40%' in body.text
    assert "<h1>" not in body.text  # the polled part alone
