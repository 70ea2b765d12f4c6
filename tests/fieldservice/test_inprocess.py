"""The in-process worker of `make run` (no broker): tasks leave the request that sends them,
so a mail server that never answers holds up no page, and beat's schedule runs there too."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fieldservice import inprocess
from notifications.models import Notification
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
)
from tests.helpers import at, wait_for
from tests.silentserver import SilentServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def in_process(settings):
    settings.IN_PROCESS_WORKER = True
    yield inprocess.worker
    assert inprocess.worker.stop(), "the in-process worker did not stop"


@pytest.fixture
def hanging_mail_server(settings):
    server = SilentServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    # Longer than the test looks: only the server hanging up ends the worker's wait.
    settings.EMAIL_TIMEOUT = 120
    yield server
    server.close()


def test_a_booking_returns_while_the_mail_server_never_answers(
    client, hanging_mail_server, in_process, next_monday
):
    TechnicianFactory()
    user = UserFactory(role="customer")
    appliance = ApplianceFactory(site__customer=CustomerFactory(user=user))
    client.force_login(user)
    answers = []

    def book():
        try:
            answers.append(
                client.post(
                    reverse("portal:book"),
                    {
                        "kind": "repair",
                        "appliance": appliance.pk,
                        "window": at(next_monday + datetime.timedelta(days=7), 10).isoformat(),
                    },
                )
            )
        finally:
            connection.close()

    request = threading.Thread(target=book, daemon=True)
    request.start()
    request.join(30)

    assert not request.is_alive(), "the booking waited for the mail server"
    assert answers[0].status_code == 302
    row = Notification.objects.get(kind="booking_confirmed")
    # The worker's thread has the message and waits for the server, which says nothing...
    assert wait_for(lambda: len(hanging_mail_server.accepted) == 1)
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sending")
    # ...until the server hangs up: the row is kept for a later attempt, not lost.
    hanging_mail_server.close()
    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "pending")
    row.refresh_from_db()
    assert (row.attempts, row.queued_at) == (1, None)
    assert row.last_error


def test_the_in_process_worker_runs_the_beat_schedule(in_process, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 0.2}
    }
    visit = new_visit()
    due = Notification.objects.create(
        kind="reminder", recipient="someone@example.com", visit=visit, due_at=timezone.now()
    )

    in_process.start()

    assert wait_for(lambda: Notification.objects.get(pk=due.pk).status == "sent")
    assert [message.to for message in mail.outbox] == [["someone@example.com"]]


def test_a_failing_task_does_not_end_the_in_process_worker(in_process, settings):
    visit = new_visit()
    row = Notification.objects.create(
        kind="reminder", recipient="someone@example.com", visit=visit, due_at=timezone.now()
    )

    in_process.submit("notifications.tasks.deliver_notification", ["not an id"])
    in_process.submit("notifications.tasks.deliver_notification", [row.pk])

    assert wait_for(lambda: Notification.objects.get(pk=row.pk).status == "sent")
