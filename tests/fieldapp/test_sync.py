import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import TechnicianFactory, new_visit
from tests.helpers import assign_today
from tickets.models import JobEntry, TicketEvent, Visit

# Several visits today need room for them: at 10:00 when the suite runs in the evening.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_hours")]


@pytest.fixture
def visit(technician):
    return assign_today(new_visit(), technician)


@pytest.fixture
def phone(client, technician):
    client.force_login(technician.user)

    def send(*actions):
        response = client.post(
            reverse("tech:sync"),
            json.dumps({"actions": list(actions)}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return [r["status"] for r in response.json()["results"]], response.json()["results"]

    return send


def test_offline_actions_replay_in_order_and_only_once(phone, visit):
    actions = [
        {
            "key": "a1",
            "type": "step",
            "visit": visit.pk,
            "version": visit.version,
            "to": "en_route",
        },
        {"key": "a2", "type": "note", "visit": visit.pk, "text": "Gate code 1234"},
    ]

    first, _ = phone(*actions)
    again, _ = phone(*actions)  # the answer was lost: the phone sends everything again

    assert first == ["ok", "ok"]
    assert again == ["duplicate", "duplicate"]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE
    assert JobEntry.objects.filter(visit=visit).count() == 1


def test_a_visit_moved_meanwhile_is_a_conflict_that_says_what_changed(phone, visit, technician):
    stale = visit.version
    assign_today(visit, technician, 1)

    statuses, results = phone(
        {"key": "b1", "type": "step", "visit": visit.pk, "version": stale, "to": "en_route"}
    )
    forced, _ = phone(
        {
            "key": "b2",
            "type": "step",
            "visit": visit.pk,
            "version": stale,
            "to": "en_route",
            "force": True,
        }
    )

    assert statuses == ["conflict"]
    assert "changed while you were offline" in results[0]["message"]
    assert results[0]["visit"]["version"] == stale + 1
    assert forced == ["ok"]


def test_a_visit_taken_away_is_reported_not_dropped(phone, visit):
    assign_today(visit, TechnicianFactory())

    statuses, results = phone({"key": "c1", "type": "note", "visit": visit.pk, "text": "x"})

    assert statuses == ["conflict"]
    assert "no longer on your schedule" in results[0]["message"]
    assert not JobEntry.objects.exists()


def test_bad_actions_get_a_message(phone, visit, client):
    statuses, results = phone(
        {"type": "note"}, {"key": "d1", "type": "note", "visit": visit.pk, "text": "too early"}
    )

    assert statuses == ["error", "error"]
    assert "on the way" in results[1]["message"]
    bad = client.post(reverse("tech:sync"), "nonsense", content_type="application/json")
    assert bad.status_code == 400


def test_later_offline_actions_based_on_the_same_version_are_not_conflicts(phone, visit):
    version = visit.version

    statuses, _ = phone(
        {"key": "e1", "type": "step", "visit": visit.pk, "version": version, "to": "en_route"},
        {"key": "e2", "type": "note", "visit": visit.pk, "version": version, "text": "Parked"},
        {"key": "e3", "type": "step", "visit": visit.pk, "version": version, "to": "on_site"},
    )

    assert statuses == ["ok", "ok", "ok"]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE


def test_another_technicians_key_neither_reveals_their_visit_nor_drops_the_action(
    phone, visit, technician
):
    colleague = TechnicianFactory()
    theirs = assign_today(new_visit(), colleague)
    other_phone = Client()
    other_phone.force_login(colleague.user)
    step = {"key": "k", "type": "step", "to": "en_route"}
    other_phone.post(
        reverse("tech:sync"),
        json.dumps({"actions": [{**step, "visit": theirs.pk}]}),
        content_type="application/json",
    )

    statuses, results = phone({**step, "visit": visit.pk})

    assert statuses == ["ok"]
    assert results[0]["visit"]["technician"] == technician.pk
    visit.refresh_from_db()
    theirs.refresh_from_db()
    assert visit.status == theirs.status == Visit.Status.EN_ROUTE


def test_a_conflict_names_the_new_start_on_the_technicians_own_clock(phone, visit, technician):
    stale = visit.version
    moved = assign_today(visit, technician, 1)

    _statuses, results = phone(
        {"key": "c1", "type": "step", "visit": visit.pk, "version": stale, "to": "en_route"}
    )

    local = moved.planned_start.astimezone(ZoneInfo(str(technician.timezone)))
    utc = moved.planned_start.astimezone(datetime.UTC)
    assert local.hour != utc.hour  # Rome is never on UTC's clock
    assert f"planned {local:%a %-d %b %H:%M}" in results[0]["message"]


def test_an_action_another_user_made_on_the_phone_is_refused_not_applied(phone, visit, technician):
    colleague = TechnicianFactory(user__username="colleague")
    step = {"type": "step", "visit": visit.pk, "to": "en_route"}

    statuses, results = phone(
        {**step, "key": "b1", "user": colleague.user.pk},
        {**step, "key": "b2", "user": technician.user.pk},
    )

    assert statuses == ["error", "ok"]
    assert "Another user made this action" in results[0]["message"]
    assert (
        TicketEvent.objects.filter(ticket=visit.ticket, kind="visit", to_value="en_route").count()
        == 1
    )
