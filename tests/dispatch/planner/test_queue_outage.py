"""The planner when its work cannot reach a worker: a broker that is down when the dispatcher
asks, or a task that no worker picked up (or finished). The run says so, and the sweeper hands
lost runs out again; nothing polls 'queued' forever."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from dispatch.models import PlanRun
from dispatch.planner import services as day_plans
from fieldservice.celery import app as celery_app
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import broker_at
from tests.mailserver import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    """A broker URL at a loopback port where nothing listens."""
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        yield


def test_plan_this_day_with_the_broker_down_says_it_did_not_start_and_offers_to_try_again(
    client, dispatcher, next_monday, broker_down
):
    client.force_login(dispatcher)

    response = client.post(
        reverse("plan:request"), {"day": next_monday.isoformat(), "time_limit": "1"}, follow=True
    )

    run = PlanRun.objects.get()
    assert response.status_code == 200
    assert run.status == PlanRun.Status.NOT_STARTED
    assert "could not be started" in run.error
    assert run.error in response.text
    assert "Plan this day again" in response.text
    assert 'hx-trigger="every 1s"' not in response.text  # the page does not poll for nothing


def _queued_run(day: datetime.date, *, minutes_ago: float, handed_out: bool) -> PlanRun:
    run = PlanRun.objects.create(day=day, time_limit=1)
    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    PlanRun.objects.filter(pk=run.pk).update(
        created_at=then, queued_at=then if handed_out else None
    )
    return run


def test_the_sweeper_hands_out_again_the_runs_no_worker_picked_up(next_monday):
    TechnicianFactory()
    new_visit()
    lost = _queued_run(next_monday, minutes_ago=10, handed_out=True)
    never_sent = _queued_run(next_monday, minutes_ago=10, handed_out=False)
    waiting = _queued_run(next_monday, minutes_ago=1, handed_out=True)

    # Tasks run in-process in the tests: handing a run out plans it.
    handed = day_plans.requeue_plan_runs()

    assert handed == 2
    statuses = dict(PlanRun.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "ready", never_sent.pk: "ready", waiting.pk: "queued"}


def test_the_sweeper_leaves_runs_queued_while_the_broker_is_down(next_monday, broker_down):
    lost = _queued_run(next_monday, minutes_ago=10, handed_out=True)

    handed = day_plans.requeue_plan_runs()

    lost.refresh_from_db()
    assert (handed, lost.status) == (0, PlanRun.Status.QUEUED)


def test_a_run_whose_worker_died_mid_plan_fails_with_a_message(next_monday):
    run = PlanRun.objects.create(day=next_monday, status=PlanRun.Status.RUNNING, progress=40)
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    PlanRun.objects.filter(pk=run.pk).update(started_at=long_ago)
    running = PlanRun.objects.create(
        day=next_monday, status=PlanRun.Status.RUNNING, started_at=timezone.now()
    )

    day_plans.requeue_plan_runs()

    run.refresh_from_db()
    running.refresh_from_db()
    assert run.status == PlanRun.Status.FAILED
    assert "stopped before it finished" in run.error
    assert running.status == PlanRun.Status.RUNNING


def test_beat_runs_the_plan_run_sweeper_every_minute():
    (entry,) = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "dispatch.planner.tasks.requeue_plan_runs"
    ]

    assert entry["schedule"] == 60.0
    assert entry["task"] in celery_app.tasks
