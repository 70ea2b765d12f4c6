"""Technicians' last known positions: kept only while a visit is en route and inside working
hours, one per technician (the latest), swept when stale, and used for the arrival estimate
while fresh; sent by the phone through the offline sync like any other action."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dispatch.models import TechnicianPosition
from dispatch.positions import fresh_position, record_position
from dispatch.selectors import day_map, estimated_arrival
from dispatch.tasks import drop_stale_positions as drop_stale_positions_task
from dispatch.travel import travel_source
from fieldservice.celery import app as celery_app
from fieldservice.errors import InvalidInput, NotAllowed
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import ROME, assign_today
from tickets import services
from tickets.models import Visit

pytestmark = pytest.mark.django_db

SITE = (42.05, 12.55)
ON_THE_WAY = (41.98, 12.50)


@pytest.fixture(autouse=True)
def mid_morning():
    """10:00 in Rome today: inside the factories' working hours (08:00-17:00)."""
    day = timezone.now().astimezone(ROME).date()
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=ROME)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def tech():
    return TechnicianFactory(home_latitude=41.80, home_longitude=12.40)


def visit_for(technician, slot=0, place=SITE):
    appliance = ApplianceFactory(site__latitude=place[0], site__longitude=place[1])
    return assign_today(new_visit(open_ticket(appliance=appliance)), technician, slot)


def en_route(visit):
    return services.transition_visit(visit=visit, to="en_route", by=None)


def send(tech, visit, *, at=None, place=ON_THE_WAY, accuracy=25.0):
    return record_position(
        technician=tech,
        visit=visit,
        latitude=place[0],
        longitude=place[1],
        accuracy=accuracy,
        recorded_at=at or timezone.now(),
    )


def test_only_the_latest_position_is_kept_and_an_older_reading_changes_nothing(tech):
    visit = en_route(visit_for(tech))
    now = timezone.now()

    send(tech, visit, at=now - datetime.timedelta(seconds=30), place=(41.90, 12.45))
    send(tech, visit, at=now, place=ON_THE_WAY)
    late = send(tech, visit, at=now - datetime.timedelta(seconds=10), place=(41.00, 12.00))

    assert late is None
    assert TechnicianPosition.objects.count() == 1
    kept = TechnicianPosition.objects.get()
    assert (kept.latitude, kept.longitude, kept.recorded_at) == (*ON_THE_WAY, now)
    assert kept.visit == visit


def test_a_position_is_refused_unless_the_visit_is_en_route(tech):
    visit = visit_for(tech)

    with pytest.raises(NotAllowed, match="on your way"):
        send(tech, visit)

    assert not TechnicianPosition.objects.exists()


def test_a_position_for_another_technicians_visit_is_refused(tech):
    visit = en_route(visit_for(TechnicianFactory()))

    with pytest.raises(NotAllowed):
        send(tech, visit)

    assert not TechnicianPosition.objects.exists()


def test_a_position_outside_working_hours_is_refused(tech):
    visit = en_route(visit_for(tech))
    tech.working_hours.update(
        starts_at=datetime.time(6),
        ends_at=datetime.time(9),
        break_starts_at=None,
        break_ends_at=None,
    )

    with pytest.raises(NotAllowed, match="working hours"):
        send(tech, visit)

    assert not TechnicianPosition.objects.exists()


def test_a_reading_from_before_setting_off_or_already_stale_is_ignored(tech):
    visit = en_route(visit_for(tech))

    before = send(tech, visit, at=visit.en_route_at - datetime.timedelta(seconds=5))
    stale = send(
        tech,
        visit,
        at=timezone.now() - datetime.timedelta(minutes=settings.POSITION_MAX_AGE_MINUTES + 1),
    )

    assert (before, stale) == (None, None)
    assert not TechnicianPosition.objects.exists()


def test_bad_coordinates_and_a_reading_from_the_future_are_refused_with_a_message(tech):
    visit = en_route(visit_for(tech))

    with pytest.raises(InvalidInput, match="not on the Earth"):
        send(tech, visit, place=(91.0, 12.0))
    with pytest.raises(InvalidInput, match="clock"):
        send(tech, visit, at=timezone.now() + datetime.timedelta(minutes=10))

    assert not TechnicianPosition.objects.exists()


def test_the_eta_counts_from_a_fresh_position_then_from_where_they_set_off(tech):
    visit = en_route(visit_for(tech))
    from_start = estimated_arrival(visit)
    reading = timezone.now()
    send(tech, visit, at=reading)

    from_position = estimated_arrival(visit)
    assert from_position == reading + datetime.timedelta(
        seconds=travel_source().seconds(ON_THE_WAY, SITE)
    )
    assert from_start == visit.en_route_at + datetime.timedelta(
        seconds=travel_source().seconds((41.80, 12.40), SITE)
    )
    assert from_position != from_start

    with time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=settings.POSITION_MAX_AGE_MINUTES + 1)
    ):
        assert fresh_position(visit) is None
        assert estimated_arrival(visit) == from_start


def test_a_position_from_the_drive_to_another_visit_is_not_used_for_the_next(tech):
    first = en_route(visit_for(tech, 0, place=(41.95, 12.75)))
    send(tech, first)
    first = services.transition_visit(visit=first, to="on_site", by=None)
    services.record_entry(visit=first, text="Pump replaced", by=None)
    services.transition_visit(visit=first, to="completed", by=None)
    second = en_route(visit_for(tech, 1))

    assert TechnicianPosition.objects.filter(technician=tech).exists()
    assert fresh_position(second) is None


def test_the_beat_task_drops_stale_positions_only(tech):
    visit = en_route(visit_for(tech))
    send(tech, visit)
    other = TechnicianFactory()
    other_visit = en_route(visit_for(other, 0, place=(41.7, 12.3)))
    send(other, other_visit)
    TechnicianPosition.objects.filter(technician=other).update(
        recorded_at=timezone.now()
        - datetime.timedelta(minutes=settings.POSITION_MAX_AGE_MINUTES, seconds=1)
    )

    assert drop_stale_positions_task() == 1

    assert list(TechnicianPosition.objects.values_list("technician", flat=True)) == [tech.pk]
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "dispatch.tasks.drop_stale_positions" in tasks
    assert "dispatch.tasks.drop_stale_positions" in celery_app.tasks


def test_the_phone_sends_its_position_through_the_sync_once_per_key(client, tech):
    visit = en_route(visit_for(tech))
    client.force_login(tech.user)
    action = {
        "key": "p1",
        "type": "position",
        "visit": visit.pk,
        "latitude": ON_THE_WAY[0],
        "longitude": ON_THE_WAY[1],
        "accuracy": 12.5,
        "recorded_at": timezone.now().isoformat(),
    }

    def sync(*actions):
        response = client.post(
            reverse("tech:sync"), json.dumps({"actions": list(actions)}), "application/json"
        )
        assert response.status_code == 200
        return response.json()["results"]

    first = sync(action)
    again = sync(action)
    missing = sync({**action, "key": "p2", "latitude": None})
    refused = sync({**action, "key": "p3", "visit": visit_for(tech, 1, (41.7, 12.3)).pk})

    assert [first[0]["status"], again[0]["status"]] == ["ok", "duplicate"]
    assert "latitude" not in json.dumps(first)  # the stored answer keeps no coordinates
    assert missing[0]["status"] == "error"
    assert "latitude" in missing[0]["message"]
    assert (refused[0]["status"], refused[0]["retry"]) == ("error", False)
    position = TechnicianPosition.objects.get(technician=tech)
    assert (position.latitude, position.longitude, position.accuracy) == (*ON_THE_WAY, 12.5)
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.EN_ROUTE


def test_the_dispatchers_day_map_shows_a_fresh_position_without_another_query(tech):
    visit = en_route(visit_for(tech))
    day = timezone.now().astimezone(ROME).date()
    without = day_map(day=day)
    reading = timezone.now()
    send(tech, visit, at=reading)

    with CaptureQueriesContext(connection) as captured:
        shown = day_map(day=day)
    with time_machine.travel(
        timezone.now() + datetime.timedelta(minutes=settings.POSITION_MAX_AGE_MINUTES + 1)
    ):
        stale = day_map(day=day)

    assert without["routes"][0]["position"] is None
    assert shown["routes"][0]["position"]["at"] == list(ON_THE_WAY)
    assert shown["routes"][0]["position"]["visit"] == visit.pk
    assert len(captured) <= 4
    assert stale["routes"][0]["position"] is None
