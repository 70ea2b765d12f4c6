"""Where links in messages point: under a development server given no PUBLIC_URL, the address
it is reached at; otherwise PUBLIC_URL, whatever Host a request names."""

import datetime

import pytest

from fieldservice import public_address
from notifications import services
from tests.factories import new_visit
from tests.fieldservice.test_settings_deploy import _manage
from tests.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(next_monday):
    visit = new_visit()
    visit.window_start = at(next_monday + datetime.timedelta(days=7), 10)
    visit.window_end = visit.window_start + datetime.timedelta(hours=2)
    visit.save()
    return visit


@pytest.fixture(autouse=True)
def nothing_served_yet(monkeypatch):
    monkeypatch.setattr(public_address, "_served", None)


def _unsubscribe_link(visit, mailoutbox) -> str:
    row = services.notify_customer(visit=visit, kind="visit_scheduled", manage_url="-")
    assert services.deliver(notification_id=row.pk)
    return mailoutbox[-1].extra_headers["List-Unsubscribe"].strip("<>")


def test_a_development_server_without_public_url_links_to_where_it_is_reached(
    client, settings, visit, mailoutbox
):
    settings.PUBLIC_URL_FROM_REQUESTS = True

    client.get("/healthz", HTTP_HOST="localhost:8123")

    assert _unsubscribe_link(visit, mailoutbox).startswith(
        "http://localhost:8123/notifications/unsubscribe/"
    )


def test_a_development_server_links_to_its_default_address_before_any_request(
    settings, visit, mailoutbox
):
    settings.PUBLIC_URL_FROM_REQUESTS = True
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PUBLIC_URL": "http://127.0.0.1:8000"}

    assert _unsubscribe_link(visit, mailoutbox).startswith("http://127.0.0.1:8000/notifications/")


def test_with_public_url_a_request_host_never_reaches_a_link(client, settings, visit, mailoutbox):
    settings.PUBLIC_URL_FROM_REQUESTS = False
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "PUBLIC_URL": "https://dispatch.example.com"}

    client.get("/healthz", HTTP_HOST="localhost:8123")

    assert _unsubscribe_link(visit, mailoutbox).startswith(
        "https://dispatch.example.com/notifications/unsubscribe/"
    )


@pytest.mark.parametrize(
    ("env", "follows_requests"),
    [
        ({"DEBUG": "1", "PUBLIC_URL": ""}, "True"),
        ({"DEBUG": "1", "PUBLIC_URL": "http://192.168.1.20:8000"}, "False"),
        (
            {
                "DEBUG": "0",
                "SECRET_KEY": "x7#kq2!vP9zL@m4wR8&tY1nB6^cF3hJ5sD0gA*eU-iO+pZ=" + "Q" * 10,
                "ALLOWED_HOSTS": "dispatch.example.com",
                "PUBLIC_URL": "https://dispatch.example.com",
            },
            "False",
        ),
    ],
)
def test_only_a_development_server_without_public_url_follows_requests(env, follows_requests):
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.PUBLIC_URL_FROM_REQUESTS)",
        **env,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == follows_requests
