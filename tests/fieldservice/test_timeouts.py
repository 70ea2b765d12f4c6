"""Every outbound call gives up in time: a mail server, SMS gateway, broker or database that
takes the connection and never answers fails the attempt, which is kept for later, instead of
holding a worker or a request forever."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection
from django.db.backends.postgresql.base import DatabaseWrapper

from fieldservice import settings as project_settings
from notifications import services
from notifications.models import Notification, Preference
from notifications.services.queue import hand_out
from tests.factories import new_visit
from tests.helpers import broker_at
from tests.silentserver import SilentServer

pytestmark = pytest.mark.django_db(transaction=True)


def finishes(call, seconds: float = 30.0) -> list:
    """Run `call` on a thread of its own; what it returned or raised, or [] if still running
    at the deadline."""
    outcome: list = []

    def run():
        try:
            outcome.append(call())
        except Exception as exc:  # noqa: BLE001 - the failure is what the test inspects
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome


@pytest.fixture
def silent():
    with SilentServer() as server:
        yield server


def _reminder(**preferences) -> Notification:
    visit = new_visit()
    if preferences:
        Preference.objects.create(customer=visit.ticket.customer, **preferences)
    services.notify_customer(visit=visit, kind="reminder")
    return Notification.objects.get(kind="reminder")


def test_smtp_gives_up_after_email_timeout_and_the_message_is_retried(settings, silent):
    assert project_settings.EMAIL_TIMEOUT == 10  # the default, without EMAIL_TIMEOUT set
    settings.EMAIL_TIMEOUT = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    row = _reminder()

    outcome = finishes(lambda: services.deliver(notification_id=row.pk))

    assert outcome == [False], "delivery still waits for the mail server"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "timed out" in row.last_error


def test_the_sms_gateway_call_gives_up_and_the_message_is_retried(settings, silent, monkeypatch):
    monkeypatch.setattr("notifications.sms.HttpGatewayBackend.TIMEOUT", 1)
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "SMS_BACKEND": "notifications.sms.HttpGatewayBackend",
        "SMS_GATEWAY_URL": f"http://127.0.0.1:{silent.port}/messages",
    }
    row = _reminder(email=False, sms=True)

    outcome = finishes(lambda: services.deliver(notification_id=row.pk))

    assert outcome == [False], "delivery still waits for the SMS gateway"
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "timed out" in row.last_error


def test_a_broker_that_never_answers_fails_the_hand_out_instead_of_hanging(silent):
    row = _reminder()

    with broker_at(f"redis://127.0.0.1:{silent.port}/0"):
        outcome = finishes(lambda: hand_out(row.pk))

    assert outcome, "handing out a task still waits for the broker"
    assert isinstance(outcome[0], Exception)
    assert silent.accepted


def test_a_database_that_never_answers_fails_the_connection_instead_of_hanging(silent):
    configured = project_settings.DATABASES["default"]
    if configured["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the connect timeout is PostgreSQL's")
    assert configured["OPTIONS"]["connect_timeout"] == 10  # the default
    params = {
        **connection.settings_dict,
        "HOST": "127.0.0.1",
        "PORT": silent.port,
        "OPTIONS": {**configured["OPTIONS"], "connect_timeout": 2},
    }
    database = DatabaseWrapper(params, alias="silent")

    outcome = finishes(database.ensure_connection)

    assert outcome, "connecting still waits for the database"
    assert isinstance(outcome[0], OperationalError)
    assert "timeout" in str(outcome[0])
