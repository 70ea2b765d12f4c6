"""Signing in: wrong passwords lock one username at one address, for longer each time; a count
per username only slows an attack from many addresses; a password reset lifts both; the
client's address is what the trusted proxies say, or REMOTE_ADDR with none."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIClient

from fieldservice.api.access import LoginThrottle
from tests import factories

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-secret-123"
HOME, AWAY, NEIGHBOUR = "203.0.113.10", "198.51.100.20", "203.0.113.10"


@pytest.fixture(autouse=True)
def guards_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dispatcher1():
    return factories.UserFactory(
        username="dispatcher1", role="dispatcher", email="dispatcher1@example.com"
    )


def _login(username: str, password: str, address: str, **extra) -> tuple[int, Client]:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )
    return response, client


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _fail(times: int, username: str = "dispatcher1", address: str = AWAY) -> None:
    for _ in range(times):
        _login(username, "wrong-guess", address)


def test_wrong_passwords_lock_that_username_at_that_address_only(dispatcher1):
    neighbour = factories.UserFactory(username="tech7", role="technician")
    _fail(5, address=AWAY)

    attacker, attacker_client = _login("dispatcher1", PASSWORD, AWAY)
    owner, owner_client = _login("dispatcher1", PASSWORD, HOME)
    beside, beside_client = _login(neighbour.username, PASSWORD, AWAY)

    assert attacker.status_code == 429
    assert "Try again in 15 minutes" in attacker.text
    assert not _signed_in(attacker_client)
    assert owner.status_code == 302
    assert _signed_in(owner_client)
    assert beside.status_code == 302
    assert _signed_in(beside_client)


def test_the_api_answers_a_locked_pair_with_a_429_problem(dispatcher1):
    api = APIClient(REMOTE_ADDR=AWAY)
    for _ in range(5):
        api.post(reverse("v1:login-list"), {"username": "dispatcher1", "password": "nope"})

    locked = api.post(reverse("v1:login-list"), {"username": "dispatcher1", "password": PASSWORD})

    assert locked.status_code == 429
    assert locked.json()["type"] == "locked_out"
    assert int(locked["Retry-After"]) > 14 * 60


def _lock_ends(username: str, address: str) -> None:
    """Move the pair's attempts back past their lock, as the clock would."""
    long_ago = timezone.now() - datetime.timedelta(days=2)
    attempts = AccessAttempt.objects.filter(username=username, ip_address=address)
    attempts.update(attempt_time=long_ago)
    AccessAttemptExpiration.objects.filter(access_attempt__in=attempts).update(expires_at=long_ago)


def _lock_minutes(username: str, address: str) -> float:
    attempt = AccessAttempt.objects.select_related("expiration").get(
        username=username, ip_address=address
    )
    return (attempt.expiration.expires_at - attempt.attempt_time).total_seconds() / 60


def test_each_further_lock_of_the_pair_lasts_twice_as_long(dispatcher1):
    _fail(5)
    first = _lock_minutes("dispatcher1", AWAY)
    _lock_ends("dispatcher1", AWAY)
    _fail(5)
    second = _lock_minutes("dispatcher1", AWAY)
    refused, _client = _login("dispatcher1", PASSWORD, AWAY)
    _lock_ends("dispatcher1", AWAY)
    _fail(5)

    assert (first, second, _lock_minutes("dispatcher1", AWAY)) == (15, 30, 60)
    assert refused.status_code == 429
    assert "Try again in 30 minutes" in refused.text


def test_many_addresses_slow_the_username_down_but_never_lock_it(dispatcher1, settings):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 8
    for n in range(8):
        _fail(1, address=f"192.0.2.{n + 1}")

    page, client = _login("dispatcher1", PASSWORD, HOME)
    api = APIClient(REMOTE_ADDR=HOME).post(
        reverse("v1:login-list"), {"username": "dispatcher1", "password": PASSWORD}
    )

    assert page.status_code == 429
    assert "Too many failed sign-ins for this account" in page.text
    assert not _signed_in(client)
    assert api.status_code == 429
    assert api.json()["type"] == "throttled"
    # Nothing is locked: the count lives in the cache for its window and then is gone.
    assert not AccessAttempt.objects.filter(failures_since_start__gte=5).exists()


def test_resetting_the_password_lifts_the_lock_and_the_throttle(
    dispatcher1, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.LOGIN_USERNAME_FAILURE_LIMIT = 8
    _fail(5, address=HOME)
    _fail(3, address=AWAY)
    assert _login("dispatcher1", PASSWORD, HOME)[0].status_code == 429

    with django_capture_on_commit_callbacks(execute=True):  # the outbox hands the email out
        Client().post(reverse("password_reset"), {"email": "dispatcher1@example.com"})
    link = next(word for word in mailoutbox[0].body.split() if "/reset/" in word)
    browser = Client()
    form = browser.get(link.strip(), follow=True)
    browser.post(
        form.wsgi_request.path, {"new_password1": "n3w-pass-99", "new_password2": "n3w-pass-99"}
    )
    response, client = _login("dispatcher1", "n3w-pass-99", HOME)

    assert response.status_code == 302
    assert _signed_in(client)


def test_an_x_forwarded_for_from_a_client_is_ignored_without_trusted_proxies(dispatcher1):
    api = APIClient(REMOTE_ADDR=AWAY)
    answers = [
        api.post(
            reverse("v1:login-list"),
            {"username": f"nobody{n}", "password": "x"},  # no username's lock in the way
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(11)
    ]
    for n in range(5):  # the page, each time from a "different" forwarded address
        _login("dispatcher1", "wrong", AWAY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    locked, _client = _login("dispatcher1", PASSWORD, AWAY, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert answers == [401] * 10 + [429]
    assert locked.status_code == 429


def test_axes_and_the_api_read_the_same_address_behind_trusted_proxies(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The client wrote the first entry; our one proxy appended the address it saw.
    request = RequestFactory().post(
        "/api/v1/auth/token/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )

    assert get_client_ip_address(request) == "198.51.100.7"
    assert LoginThrottle().get_ident(Request(request)) == "198.51.100.7"


def _production_settings(**changes: str) -> list[str]:
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "TRUSTED_PROXIES"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(
        DJANGO_SETTINGS_MODULE="fieldservice.settings",
        DEBUG="0",
        SECRET_KEY="k" * 60,
        ALLOWED_HOSTS="dispatch.example.com",
        PUBLIC_URL="https://dispatch.example.com",
        **changes,
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None)); "
        "print(s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-2:]


def test_x_forwarded_proto_is_believed_only_behind_trusted_proxies():
    assert _production_settings() == ["None", "0"]
    assert _production_settings(TRUSTED_PROXIES="2") == ["('HTTP_X_FORWARDED_PROTO', 'https')", "2"]
