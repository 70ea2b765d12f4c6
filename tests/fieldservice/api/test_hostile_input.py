"""The API under input meant to crash or overload it: date-times PostgreSQL cannot compare.
Each is a 4xx problem naming what is wrong, and every error the API gives (404, 405 and 500
too) is a problem, whatever DEBUG is."""

from __future__ import annotations

import django_filters
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

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
def test_an_unexpected_error_outside_the_api_views_is_a_500_problem_under_api(client):
    client.raise_request_exception = False

    under_api = client.get("/api/plain-crash/")

    assert is_problem(under_api, 500)


@pytest.mark.urls("tests.fieldservice.api.crashing_urls")
def test_an_unexpected_api_error_is_still_logged_and_raised_to_the_test_client(client, caplog):
    # The problem answer must hide the bug from the caller only, not from the logs or tests.
    with pytest.raises(RuntimeError, match="a bug nobody expected"):
        client.get("/api/crash/")

    assert "Internal Server Error: /api/crash/" in caplog.text
