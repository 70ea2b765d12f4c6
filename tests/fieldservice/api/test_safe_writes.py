"""ETag/If-Match, Idempotency-Key replays, the problem shape and the writes through services."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Appliance, Site
from fieldservice import api
from fieldservice.models import ApiToken, IdempotencyRecord
from fieldservice.tasks import purge_idempotency_records
from tests.helpers import at, booking_body
from tickets.models import Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db


def visit_url(world, side="mine"):
    return reverse("v1:visit-detail", kwargs={"pk": getattr(world, side)["visit"]})


def test_visit_detail_has_an_etag_that_a_patch_must_send(world):
    client = world.clients["dispatcher"]
    url = visit_url(world)
    etag = client.get(url)["ETag"]

    missing = client.patch(url, {"locked": True}, format="json")
    stale = client.patch(url, {"locked": True}, format="json", HTTP_IF_MATCH='"visit-1-v0"')
    fresh = client.patch(url, {"locked": True}, format="json", HTTP_IF_MATCH=etag)

    assert missing.status_code == 428
    assert missing.json()["type"] == "precondition_required"
    assert stale.status_code == 412
    assert fresh.status_code == 200, fresh.content
    assert fresh.json()["locked"] is True
    assert fresh["ETag"] != etag
    # The old ETag is now stale, and a stale write changes nothing.
    again = client.patch(url, {"pinned": True}, format="json", HTTP_IF_MATCH=etag)
    assert again.status_code == 412
    assert Visit.objects.get(pk=world.mine["visit"]).pinned is False


def test_stale_if_match_on_an_action_changes_nothing(world):
    client = world.clients["dispatcher"]
    url = reverse("v1:ticket-detail", kwargs={"pk": world.mine["ticket"]})
    etag = client.get(url)["ETag"]
    client.patch(url, {"description": "Noisy drum"}, format="json", HTTP_IF_MATCH=etag)
    escalate = reverse("v1:ticket-escalate", kwargs={"pk": world.mine["ticket"]})

    response = client.post(escalate, {"reason": "Needs tier 2"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert Ticket.objects.get(pk=world.mine["ticket"]).tier == 1
    fresh = client.get(url)["ETag"]
    ok = client.post(escalate, {"reason": "Needs tier 2"}, format="json", HTTP_IF_MATCH=fresh)
    assert ok.status_code == 200
    assert ok.json()["tier"] == 2


def test_transition_with_a_stale_version_is_412_and_the_visit_stays(world):
    client = world.clients["technician"]
    url = reverse("v1:visit-transition", kwargs={"pk": world.mine["visit"]})
    etag = client.get(visit_url(world))["ETag"]
    Visit.objects.filter(pk=world.mine["visit"]).update(version=99)  # somebody else changed it

    response = client.post(url, {"to": "en_route"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    assert response.json()["type"] == "stale_version"
    assert Visit.objects.get(pk=world.mine["visit"]).status == Visit.Status.SCHEDULED


def test_technician_goes_en_route_through_the_api(world):
    client = world.clients["technician"]
    url = reverse("v1:visit-transition", kwargs={"pk": world.mine["visit"]})

    # The world's visit is next week: setting off for it is confirmed (issue 23).
    response = client.post(url, {"to": "en_route", "confirm_not_today": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "en_route"
    assert response["ETag"].endswith(f'-v{response.json()["version"]}"')


def test_booking_replayed_with_the_same_key_creates_nothing_new(world):
    client = world.clients["customer"]
    body = booking_body(world)
    url = reverse("v1:booking-list")
    before = Ticket.objects.count()

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="phone-42")
    replay = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="phone-42")
    other = client.post(
        url, {**body, "kind": "maintenance"}, format="json", HTTP_IDEMPOTENCY_KEY="phone-42"
    )

    assert first.status_code == 201, first.content
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert replay["ETag"] == first["ETag"]
    assert other.status_code == 422
    assert other.json()["type"] == "idempotency_key_reused"
    assert Ticket.objects.count() == before + 1
    assert IdempotencyRecord.objects.count() == 1


def test_a_booking_answers_with_the_ticket_as_the_booking_left_it_also_on_replay(world):
    client = world.clients["customer"]
    body = booking_body(world)
    url = reverse("v1:booking-list")

    first = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="phone-43")
    replay = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="phone-43")

    assert first.status_code == 201, first.content
    ticket = first.json()["ticket"]
    assert ticket["status"] == "scheduled"
    read = client.get(reverse("v1:ticket-detail", kwargs={"pk": ticket["id"]})).json()
    assert ticket == read
    assert replay.json()["ticket"] == read


def test_idempotency_keys_belong_to_one_user(world):
    body = {"name": "CRM"}
    url = reverse("v1:token-list")

    a = world.clients["dispatcher"].post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    b = world.clients["customer"].post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["id"] != b.json()["id"]


def test_a_refused_write_is_not_stored_so_a_retry_runs_again(world):
    client = world.clients["dispatcher"]
    url = reverse("v1:ticket-escalate", kwargs={"pk": world.mine["ticket"]})

    refused = client.post(url, {"reason": ""}, format="json", HTTP_IDEMPOTENCY_KEY="esc-1")
    retried = client.post(url, {"reason": "Tier 2"}, format="json", HTTP_IDEMPOTENCY_KEY="esc-1")

    assert refused.status_code == 400
    assert retried.status_code == 200
    assert TicketEvent.objects.filter(ticket_id=world.mine["ticket"], kind="escalated").count() == 1


def test_bad_input_is_a_400_problem_naming_the_fields(world):
    client = world.clients["dispatcher"]

    response = client.post(
        reverse("v1:ticket-list"),
        {"customer": world.mine["customer"], "site": "x", "priority": 9},
        format="json",
    )

    body = response.json()
    assert response.status_code == 400
    assert body["type"] == "invalid_input"
    assert body["status"] == 400
    assert {"site", "priority"} <= set(body["errors"])
    assert body["detail"]


def test_a_domain_refusal_is_a_409_problem_with_the_reason(world):
    client = world.clients["dispatcher"]
    theirs = world.objs["b"]["visit"]
    url = reverse("v1:visit-assign-assign", kwargs={"pk": world.mine["visit"]})

    response = client.post(
        url,
        {"technician": world.theirs["technician"], "start": theirs.planned_start.isoformat()},
        format="json",
    )

    assert response.status_code == 409, response.content
    assert response.json()["type"] == "technician_busy"
    assert Visit.objects.get(pk=world.mine["visit"]).technician_id == world.mine["technician"]


def test_dispatcher_assigns_and_unassigns_through_the_api(world):
    client = world.clients["dispatcher"]
    url = reverse("v1:visit-assign-assign", kwargs={"pk": world.mine["visit"]})

    moved = client.post(
        url,
        {
            "technician": world.theirs["technician"],
            "start": at(world.day, 14).isoformat(),
            "window_reason": "The customer asked for the afternoon.",
        },
        format="json",
    )
    off = client.post(url, {"technician": None}, format="json")

    assert moved.status_code == 200, moved.content
    assert moved.json()["technician"] == world.theirs["technician"]
    assert off.status_code == 200, off.content
    assert off.json()["status"] == "unassigned"


def test_tokens_are_stored_hashed_and_revocation_stops_them(world, client):
    response = client.post(
        reverse("v1:login-list"),
        {"username": "disp", "password": "pw-secret-123", "name": "CRM"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert key not in (token.key_digest, token.prefix)
    assert not ApiToken.objects.filter(key_digest=key).exists()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get(reverse("v1:ticket-list"), **auth).status_code == 200

    revoke = client.delete(reverse("v1:token-detail", kwargs={"pk": token.pk}), **auth)

    assert revoke.status_code == 204
    after = client.get(reverse("v1:ticket-list"), **auth)
    assert after.status_code == 401
    assert after.json()["type"] == "authentication_failed"


def test_wrong_password_is_401_and_names_nothing_else(world, client):
    response = client.post(
        reverse("v1:login-list"),
        {"username": "disp", "password": "wrong"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert "token" not in response.json()


def test_idempotency_answers_are_forgotten_after_their_hours(world, settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    client = world.clients["customer"]
    url = reverse("v1:site-list")
    body = {"address": "Via Roma 1", "city": "Rome", "latitude": 41.9, "longitude": 12.5}
    client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    client.post(url, {**body, "address": "Via Po 2"}, format="json", HTTP_IDEMPOTENCY_KEY="new")
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )

    assert purge_idempotency_records.apply().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
    assert api.purge_idempotency_records() == 0
    # The forgotten key is a new request now: it runs again instead of replaying.
    again = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="old")
    assert again.status_code == 201, again.content
    assert "Idempotent-Replayed" not in again
    assert Site.objects.filter(address="Via Roma 1").count() == 2


def test_only_dispatchers_give_an_appliance_a_warranty_end(world):
    url = reverse("v1:appliance-list")

    def body(serial: str) -> dict:
        return {
            "site": world.mine["site"],
            "model": world.mine["appliance-model"],
            "serial_number": serial,
            "warranty_until": "2099-12-31",
        }

    customer = world.clients["customer"].post(url, body("FREE-1"), format="json")
    desk = world.clients["dispatcher"].post(url, body("DESK-1"), format="json")

    assert customer.status_code == 400
    assert list(customer.json()["errors"]) == ["warranty_until"]
    assert "purchase date" in customer.json()["detail"]
    assert not Appliance.objects.filter(serial_number="FREE-1").exists()
    assert desk.status_code == 201
    assert desk.json()["warranty_until"] == "2099-12-31"


def test_a_technician_cannot_cancel_a_visit_through_the_api_but_a_dispatcher_can(world):
    url = reverse("v1:visit-transition", kwargs={"pk": world.mine["visit"]})
    body = {"to": "cancelled", "reason": "I don't feel like it"}

    refused = world.clients["technician"].post(url, body, format="json")

    assert refused.status_code == 403
    assert "tell the dispatcher" in refused.json()["detail"]
    assert Visit.objects.get(pk=world.mine["visit"]).status == Visit.Status.SCHEDULED
    done = world.clients["dispatcher"].post(
        url, {**body, "reason": "Customer moved"}, format="json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "cancelled"
