"""Lists: filters, cursor pages, a fixed query count; the schema and its docs; throttling."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tickets.models import Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db


def test_ticket_list_filters_by_status_priority_and_updated_since(world):
    client = world.clients["dispatcher"]
    urgent = factories.open_ticket(priority=1)
    url = reverse("v1:ticket-list")

    by_priority = client.get(url, {"priority": 1}).json()["results"]
    by_status = client.get(url, {"status": "scheduled"}).json()["results"]
    since = client.get(
        url, {"updated_since": (timezone.now() + datetime.timedelta(hours=1)).isoformat()}
    )

    assert [t["id"] for t in by_priority] == [urgent.pk]
    assert {t["id"] for t in by_status} == {world.mine["ticket"], world.theirs["ticket"]}
    assert since.json()["results"] == []


def test_a_ticket_shows_its_response_and_resolution_clocks(world):
    ticket = Ticket.objects.get(pk=world.mine["ticket"])  # scheduled: its response is met

    body = world.clients["dispatcher"].get(reverse("v1:ticket-detail", args=[ticket.pk])).json()

    assert body["response_due_at"] is not None
    assert body["responded_at"] is not None
    assert body["resolved_at"] is None


def test_a_bad_filter_value_is_a_400_naming_it(world):
    response = world.clients["dispatcher"].get(reverse("v1:ticket-list"), {"status": "lost"})

    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_lists_come_in_cursor_pages(world):
    client = world.clients["dispatcher"]
    for _ in range(3):
        factories.open_ticket()

    first = client.get(reverse("v1:ticket-list"), {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 2
    ids = [t["id"] for t in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == min(4, Ticket.objects.count())


def _walk(client, url: str, params: dict) -> tuple[list[int], list[int]]:
    """The ids of every page, following next links to the end, then previous links back."""
    pages, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        pages.append([row["id"] for row in response.json()["results"]])
        if not response.json()["next"]:
            break
        response = client.get(response.json()["next"])
    back = []
    while response.json()["previous"]:
        response = client.get(response.json()["previous"])
        assert response.status_code == 200, response.content
        back = [row["id"] for row in response.json()["results"]] + back
    forward = [pk for page in pages for pk in page]
    return forward, back + pages[-1]


@pytest.mark.parametrize("ordering", ["planned_start", "-planned_start"])
def test_cursor_pages_over_rows_with_and_without_a_value_give_each_row_once(world, ordering):
    # Visits not yet planned have no planned_start; the world's scheduled ones have one.
    client = world.clients["dispatcher"]
    for _n in range(4):
        factories.new_visit()
    every = set(Visit.objects.values_list("pk", flat=True))
    assert Visit.objects.filter(planned_start__isnull=True).count() == 4
    assert Visit.objects.filter(planned_start__isnull=False).count() >= 2

    for size in (1, 2, 3):
        forward, backward = _walk(
            client, reverse("v1:visit-list"), {"ordering": ordering, "page_size": size}
        )

        assert sorted(forward) == sorted(every), size  # each row, once
        assert backward == forward, size  # and the same rows walking back


def test_ticket_events_come_oldest_first_across_pages(world):
    client = world.clients["dispatcher"]
    ticket = world.mine["ticket"]
    url = reverse("v1:ticket-events", kwargs={"pk": ticket})
    recorded = list(
        TicketEvent.objects.filter(ticket_id=ticket).order_by("at", "pk").values_list("pk", "kind")
    )

    page = client.get(url, {"page_size": 2}).json()
    read = page["results"]
    while page["next"]:
        page = client.get(page["next"]).json()
        read += page["results"]

    assert len(recorded) > 2
    assert recorded[0][1] == TicketEvent.Kind.OPENED
    assert [(e["id"], e["kind"]) for e in read] == recorded


@pytest.mark.parametrize("route", ["v1:ticket-list", "v1:visit-list", "v1:customer-list"])
def test_list_query_count_does_not_grow_with_rows(world, route, django_assert_max_num_queries):
    client = world.clients["dispatcher"]
    with django_assert_max_num_queries(12) as few:
        client.get(reverse(route), {"page_size": 50})
    for _ in range(15):
        factories.open_ticket()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(route), {"page_size": 50})
    assert response.status_code == 200


def test_schema_documents_the_error_answers(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    doc = schema.json()

    patch = doc["paths"]["/api/v1/visits/{id}/"]["patch"]
    post = doc["paths"]["/api/v1/bookings/"]["post"]
    assert {"400", "404", "409", "412", "422", "428", "429"} <= set(patch["responses"])
    assert {"400", "404", "409", "412", "422", "429"} <= set(post["responses"])
    assert any(p["name"] == "If-Match" and p["required"] for p in patch["parameters"])
    assert "Problem" in doc["components"]["schemas"]


def test_docs_page_serves_swagger_from_our_own_static_files(client):
    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr.net" not in html


def test_password_logins_are_throttled(client):
    url = reverse("v1:login-list")
    rates = {"anon": "1000/min", "user": "1000/min", "login": "3/min"}
    with override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": rates,
        }
    ):
        answers = [
            client.post(url, {"username": "x", "password": "y"}, content_type="application/json")
            for _ in range(4)
        ]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    assert answers[-1].json()["type"] == "throttled"
    assert "Retry-After" in answers[-1]


def test_every_operation_and_field_in_the_schema_is_described(client):
    doc = client.get(reverse("api-schema"), {"format": "json"}).json()

    undescribed_ops = [
        f"{method.upper()} {path}"
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if not op.get("description") and not op.get("summary")
    ]
    undescribed_fields = [
        f"{name}.{prop}"
        for name, component in doc["components"]["schemas"].items()
        for prop, spec in component.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert undescribed_ops == []
    assert undescribed_fields == []


def test_an_unrouted_api_address_is_a_json_problem(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["type"] == "not_found"
