"""The operations health page: who may read it, and the outbox's wait."""

import datetime

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory, new_visit
from tests.helpers import get_health

# The checks run in threads with their own database connections: the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(client, settings):
    settings.REDIS_URL = ""  # broker and worker checks: tests/integration, with a real worker
    client.force_login(UserFactory(is_staff=True))
    return client


def _waiting(minutes: int) -> Notification:
    due = timezone.now() - datetime.timedelta(minutes=minutes)
    return Notification.objects.create(
        kind="reminder", recipient="c@example.com", visit=new_visit(), due_at=due
    )


def test_staff_see_every_check_healthy_and_nothing_waiting(staff):
    response = get_health(staff, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("oldest_due_notification_wait_seconds") is None
    assert set(body.values()) == {"OK"}
    assert any(key.startswith("OutboxBacklog(") for key in body)
    assert any(key.startswith("Database(") for key in body)
    page = get_health(staff)  # a browser asks for HTML
    assert page.status_code == 200
    assert b"OutboxBacklog" in page.content


def test_a_notification_waiting_past_the_limit_makes_the_page_fail_and_says_how_long(staff):
    _waiting(minutes=25)
    _waiting(minutes=3)

    response = get_health(staff, {"format": "json"})

    assert response.status_code == 500
    body = response.json()
    assert 25 * 60 <= body["oldest_due_notification_wait_seconds"] < 26 * 60
    (outbox,) = [value for key, value in body.items() if key.startswith("OutboxBacklog(")]
    assert "waited 25 min" in outbox
    assert "limit 10 min" in outbox


def test_a_recent_wait_is_reported_but_healthy(staff):
    _waiting(minutes=3)

    response = get_health(staff, {"format": "json"})

    assert response.status_code == 200
    assert 180 <= response.json()["oldest_due_notification_wait_seconds"] < 240


def test_a_monitor_reads_the_wait_as_an_openmetrics_gauge(staff):
    _waiting(minutes=3)

    text = get_health(staff, {"format": "openmetrics"}).content.decode()

    (line,) = [
        line
        for line in text.splitlines()
        if line.startswith("fieldservice_oldest_due_notification_wait_seconds ")
    ]
    assert 180 <= float(line.split()[1]) < 240
    assert text.endswith("# EOF\n")


@pytest.mark.parametrize("role", [None, "customer", "technician", "dispatcher-not-staff"])
def test_anyone_but_staff_gets_404(client, role):
    if role == "dispatcher-not-staff":
        client.force_login(UserFactory(role="dispatcher", is_staff=False))
    elif role:
        client.force_login(UserFactory(role=role))

    assert get_health(client).status_code == 404


def test_a_monitor_with_the_token_reads_it_and_a_wrong_token_gets_404(client, settings):
    settings.REDIS_URL = ""
    settings.HEALTH_CHECK_TOKEN = "s3cret-monitor-token"

    right = get_health(client, {"format": "json"}, HTTP_AUTHORIZATION="Bearer s3cret-monitor-token")
    wrong = get_health(client, HTTP_AUTHORIZATION="Bearer guess")

    assert right.status_code == 200
    assert wrong.status_code == 404
