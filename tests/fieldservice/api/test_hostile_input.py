"""The API under input meant to crash or overload it: date-times PostgreSQL cannot compare,
bodies nested 100,000 deep or too large, forged cursors. Each is a 4xx problem naming what is
wrong, and every error the API gives (404, 405 and 500 too) is a problem, whatever DEBUG is."""

from __future__ import annotations

import base64

import django_filters
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from customers.models import Customer
from fieldservice.models import ApiToken
from tests.helpers import booking_body

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def is_problem(response, status: int) -> bool:
    return (
        response.status_code == status
        and response["Content-Type"] == "application/json"
        and set(response.json()) >= PROBLEM_KEYS
        and response.json()["status"] == status
    )


def date_filters() -> list[tuple[str, str]]:
    """(list route, filter) for every date-time filter of every API list, from the resolver."""
    found = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "v1" and p.name.endswith("-list"):
                filterset = getattr(getattr(p.callback, "cls", None), "filterset_class", None)
                for name, f in getattr(filterset, "base_filters", {}).items():
                    if isinstance(f, django_filters.IsoDateTimeFilter):
                        found.add((p.name, name))

    walk(get_resolver().url_patterns, None)
    return sorted(found)


def test_the_api_has_date_filters_to_check():
    assert len(date_filters()) >= 7


@pytest.mark.parametrize(("route", "name"), date_filters())
@pytest.mark.parametrize("offset", ["+16:00", "-16:00", "+23:59"])
def test_a_date_filter_with_an_offset_postgresql_cannot_compare_is_a_400_naming_it(
    world, route, name, offset
):
    client = world.clients["dispatcher"]

    response = client.get(reverse(f"v1:{route}"), {name: f"2026-12-01T00:00:00{offset}"})

    assert is_problem(response, 400), response.content
    assert "-14:00 to +14:00" in response.json()["errors"][name][0]


def test_a_date_filter_with_the_widest_real_offset_is_read(world):
    response = world.clients["dispatcher"].get(
        reverse("v1:visit-list"), {"date_from": "2000-01-01T00:00:00+14:00"}
    )

    assert response.status_code == 200
    assert {v["id"] for v in response.json()["results"]} >= {world.mine["visit"]}


NESTED = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "body",
    [
        NESTED,
        '{"username": "disp", "password": "x", "name": ' + NESTED + "}",
        # Under the interpreter's recursion limit, but deep enough to break what walks it next.
        '{"username": "disp", "password": "x", "name": ' + "[" * 900 + "]" * 900 + "}",
    ],
)
def test_a_token_request_nested_too_deep_is_a_400_problem(client, body):
    response = client.post(reverse("v1:login-list"), body, content_type="application/json")

    assert is_problem(response, 400), response.content
    assert ApiToken.objects.filter(name="API client").count() == 0


def test_a_new_token_nested_too_deep_is_a_400_problem_even_with_an_idempotency_key(world):
    client = world.clients["dispatcher"]
    before = ApiToken.objects.count()

    response = client.post(
        reverse("v1:token-list"),
        '{"name": ' + "[" * 900 + "]" * 900 + "}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="deep-1",
    )

    assert is_problem(response, 400), response.content
    assert "32 levels" in response.json()["detail"]
    assert ApiToken.objects.count() == before


@pytest.mark.parametrize("key", ["phone\x0042", "k" * 256, " "])
def test_an_idempotency_key_postgresql_cannot_hold_is_a_400_naming_it(world, key):
    before = Customer.objects.count()

    response = world.clients["dispatcher"].post(
        reverse("v1:customer-list"), {"name": "Giulia"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )

    assert is_problem(response, 400), response.content
    assert "Idempotency-Key" in response.json()["errors"]
    assert Customer.objects.count() == before


def test_a_body_past_the_upload_limit_is_a_413_problem(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = world.clients["dispatcher"]

    response = client.post(
        reverse("v1:token-list"), {"name": "x" * 2000}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert is_problem(response, 413), response.content
    assert "1000 bytes" in response.json()["detail"]


def cursor(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    ("ordering", "forged"),
    [
        (None, "cD1qdW5r"),  # p=junk, as the attacker sent it
        (None, cursor("p=1\x002")),
        (None, "not base64!"),
        (None, cursor("o=many&p=3")),
        ("planned_start", cursor("p=junk")),
        ("planned_start", cursor("p=2026-12-01 00:00:00+16:00")),
        ("-updated_at", cursor("r=1&p=99999-01-01")),
    ],
)
def test_a_forged_cursor_is_a_400_naming_it(world, ordering, forged):
    params = {"cursor": forged, **({"ordering": ordering} if ordering else {})}

    response = world.clients["dispatcher"].get(reverse("v1:visit-list"), params)

    assert is_problem(response, 400), response.content
    assert "cursor" in response.json()["errors"]


def test_a_cursor_the_list_gave_out_still_reads_its_page(world):
    client = world.clients["dispatcher"]
    url = reverse("v1:visit-list")

    first = client.get(url, {"page_size": 1, "ordering": "planned_start"}).json()
    second = client.get(first["next"])

    assert second.status_code == 200
    assert second.json()["results"][0]["id"] != first["results"][0]["id"]


@pytest.fixture(params=[False, True], ids=["DEBUG=0", "DEBUG=1"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_an_unrouted_api_address_is_a_404_problem_whatever_debug_is(client, debug):
    response = client.get("/api/v1/no-such-thing/")

    assert is_problem(response, 404)
    assert response.json()["type"] == "not_found"


def test_an_api_route_without_its_slash_is_redirected_for_get_and_told_for_post(world, debug):
    client = world.clients["dispatcher"]

    got = client.get("/api/v1/visits", {"status": "scheduled"})
    posted = client.post("/api/v1/visits", {}, format="json")

    assert got.status_code == 301
    assert got["Location"] == "/api/v1/visits/?status=scheduled"
    assert is_problem(posted, 404)
    assert "/api/v1/visits/" in posted.json()["detail"]


def test_a_post_with_a_session_to_an_unrouted_api_address_is_a_404_problem(
    client, dispatcher, debug
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(dispatcher)

    response = client.post("/api/v1/bookings/-2.9e-261/cancel/")

    assert is_problem(response, 404)


def test_a_method_a_route_does_not_take_is_a_405_problem_whatever_debug_is(world, debug):
    response = world.clients["dispatcher"].delete(reverse("v1:visit-list"))

    assert is_problem(response, 405)


@pytest.mark.urls("tests.fieldservice.api.crashing_urls")
def test_an_unexpected_error_in_the_api_is_a_500_problem_whatever_debug_is(client, debug):
    client.raise_request_exception = False

    response = client.get("/api/crash/")

    assert is_problem(response, 500)
    assert response.json()["type"] == "server_error"
    assert "a bug" not in response.content.decode()


@pytest.mark.urls("tests.fieldservice.api.crashing_urls")
def test_an_unexpected_error_in_a_plain_view_under_api_is_a_500_problem_whatever_debug_is(
    client, debug
):
    client.raise_request_exception = False

    response = client.get("/api/plain-crash/")

    assert is_problem(response, 500), response.content[:200]
    assert "a bug" not in response.content.decode()


@pytest.mark.urls("tests.fieldservice.api.crashing_urls")
def test_an_unexpected_error_in_a_middleware_under_api_is_a_500_problem_whatever_debug_is(
    client, settings, debug
):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "tests.fieldservice.api.crashing_urls.CrashingMiddleware",
    ]
    client.raise_request_exception = False

    response = client.get("/api/middleware-crash/")
    page = client.get("/accounts/login/")

    assert is_problem(response, 500), response.content[:200]
    assert "a bug" not in response.content.decode()
    assert page.status_code == 200  # the middleware fails on its one address only


def test_a_request_a_middleware_refuses_under_api_is_a_400_problem_whatever_debug_is(client, debug):
    # CommonMiddleware refuses a Host header that ALLOWED_HOSTS does not name (DisallowedHost).
    response = client.get(reverse("v1:visit-list"), HTTP_HOST="attacker.example")

    assert is_problem(response, 400), response.content[:200]
    assert response.json()["type"] == "bad_request"


def test_an_error_page_outside_the_api_is_still_a_page(client, debug):
    response = client.get("/tech/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls("tests.fieldservice.api.crashing_urls")
def test_an_unexpected_api_error_is_still_logged_and_raised_to_the_test_client(client, caplog):
    # The problem answer must hide the bug from the caller only, not from the logs or tests.
    with pytest.raises(RuntimeError, match="a bug nobody expected"):
        client.get("/api/crash/")

    assert "Internal Server Error: /api/crash/" in caplog.text


def string_query_parameters(client) -> list[tuple[str, str]]:
    """(path, parameter) for every text query parameter of every list in the schema, but the
    ordering, which ignores what it does not know."""
    doc = client.get(reverse("api-schema"), {"format": "json"}).json()
    return [
        (path, p["name"])
        for path, item in doc["paths"].items()
        if "{" not in path and "get" in item
        for p in item["get"].get("parameters", [])
        if p["in"] == "query"
        and p.get("schema", {}).get("type", p.get("schema", {}).get("items", {}).get("type"))
        == "string"
        and p["name"] != "ordering"
    ]


def test_a_null_character_in_any_text_filter_of_a_list_is_a_400_naming_it(world):
    client = world.clients["dispatcher"]
    parameters = string_query_parameters(client)

    answers = {(path, name): client.get(path, {name: "a\x00b"}) for path, name in parameters}

    assert len(parameters) >= 15
    wrong = {
        key: (r.status_code, r.content[:200])
        for key, r in answers.items()
        if not is_problem(r, 400) or key[1] not in r.json().get("errors", {})
    }
    assert wrong == {}


def long_text_requests(world) -> list[tuple[str, str, str, dict, str, int]]:
    """(role, method, url, body, field, limit) for every free-text input of the API."""
    ticket, visit = world.mine["ticket"], world.mine["visit"]
    new_ticket = {"customer": world.mine["customer"], "site": world.mine["site"]}
    return [
        ("dispatcher", "post", reverse("v1:ticket-list"), new_ticket, "description", 5000),
        (
            "dispatcher",
            "patch",
            reverse("v1:ticket-detail", kwargs={"pk": ticket}),
            {},
            "description",
            5000,
        ),
        ("customer", "post", reverse("v1:booking-list"), booking_body(world), "description", 5000),
        (
            "dispatcher",
            "post",
            reverse("v1:ticket-escalate", kwargs={"pk": ticket}),
            {},
            "reason",
            2000,
        ),
        (
            "dispatcher",
            "post",
            reverse("v1:ticket-transition", kwargs={"pk": ticket}),
            {"to": "cancelled"},
            "reason",
            2000,
        ),
        (
            "dispatcher",
            "post",
            reverse("v1:visit-transition", kwargs={"pk": visit}),
            {"to": "cancelled"},
            "reason",
            2000,
        ),
        (
            "dispatcher",
            "post",
            reverse("v1:visit-assign-assign", kwargs={"pk": visit}),
            {"technician": None},
            "override_reason",
            500,
        ),
        (
            "customer",
            "post",
            reverse("v1:site-list"),
            {"address": "Via Roma 1", "city": "Rome", "latitude": 41.9, "longitude": 12.5},
            "access_notes",
            1000,
        ),
    ]


def test_every_free_text_input_of_the_api_names_its_limit(world):
    wrong = {}
    for role, method, url, body, field, limit in long_text_requests(world):
        sent = {**body, field: "x" * (limit + 1)}
        response = getattr(world.clients[role], method)(url, sent, format="json")
        message = f"At most {limit} characters."
        if not is_problem(response, 400) or message not in response.json().get("errors", {}).get(
            field, []
        ):
            wrong[(url, field)] = (response.status_code, response.content[:300])

    assert wrong == {}


def test_a_description_of_2_mb_changes_nothing(world):
    client = world.clients["dispatcher"]
    url = reverse("v1:ticket-detail", kwargs={"pk": world.mine["ticket"]})

    response = client.patch(url, {"description": "x" * 2_000_000}, format="json")

    assert is_problem(response, 400)
    assert client.get(url).json()["description"] == ""


def test_an_email_longer_than_a_customer_holds_is_a_400_naming_it(world):
    email = "g" * 250 + "@example.com"  # valid, and longer than Customer.email's 254

    response = world.clients["dispatcher"].post(
        reverse("v1:customer-list"), {"name": "Giulia", "email": email}, format="json"
    )

    assert is_problem(response, 400), response.content
    assert "email" in response.json()["errors"]
