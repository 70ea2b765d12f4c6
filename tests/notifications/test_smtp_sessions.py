"""Delivery over a real SMTP server (aiosmtpd): one session carries many messages."""

import pytest
from django.utils import timezone

from notifications import services
from notifications.models import Notification
from tests.factories import new_visit

pytestmark = pytest.mark.django_db


def _reminders(count: int) -> list[Notification]:
    visit = new_visit()
    now = timezone.now()
    return Notification.objects.bulk_create(
        Notification(kind="reminder", recipient=f"c{i}@example.com", visit=visit, due_at=now)
        for i in range(count)
    )


def _deliver(rows) -> list[bool]:
    return [services.deliver(notification_id=row.pk) for row in rows]


def test_one_session_carries_many_messages(smtp):
    server, _ = smtp

    assert _deliver(_reminders(5)) == [True] * 5

    assert (server.sessions, len(server.messages)) == (1, 5)
    assert Notification.objects.filter(status="sent").count() == 5


def test_a_session_ends_after_the_configured_number_of_messages(smtp, settings):
    server, _ = smtp
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "NOTIFICATIONS": {**settings.FIELDSERVICE["NOTIFICATIONS"], "MESSAGES_PER_CONNECTION": 2},
    }

    assert _deliver(_reminders(5)) == [True] * 5

    assert (server.sessions, len(server.messages)) == (3, 5)


def test_a_server_that_hung_up_is_reconnected_to_without_losing_the_message(smtp):
    server, controller = smtp
    first, second = _reminders(2)
    assert services.deliver(notification_id=first.pk)

    controller.stop()  # the server goes away and comes back: the kept session is dead
    controller.start()
    assert services.deliver(notification_id=second.pk)

    assert (server.sessions, len(server.messages)) == (2, 2)
    assert Notification.objects.get(pk=second.pk).status == "sent"


def test_a_refused_message_is_retried_later_and_the_next_one_gets_a_new_session(smtp):
    server, _ = smtp
    refused, accepted = _reminders(2)
    server.refuse = 1

    assert _deliver([refused, accepted]) == [False, True]

    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("pending", 1)
    assert refused.due_at > timezone.now()  # after the backoff
    assert "451" in refused.last_error
    assert (server.sessions, len(server.messages)) == (2, 1)
