"""The managers' weekly summary: last week's figures, once, to each manager in their language,
through the outbox; the beat task runs it."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings

from fieldservice.languages import choose_language
from insights import services, tasks
from insights.models import WeeklySummary
from notifications import services as notifications
from notifications.models import Notification
from tests import factories
from tickets.models import Visit

from .history import MONDAY, at, ticket, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers():
    english = factories.UserFactory(username="boss", role="dispatcher", is_staff=True)
    italian = factories.UserFactory(username="capo", role="dispatcher", is_staff=True)
    choose_language(user=italian, language="it")
    factories.UserFactory(username="plain", role="dispatcher")  # runs the day: no summary
    return english, italian


def test_the_summary_reaches_each_manager_once_in_their_language(managers, mailoutbox):
    english, italian = managers
    tech = factories.TechnicianFactory()
    visit(ticket(opened=at(0, 8)), tech, start=at(0, 10))
    visit(ticket(opened=at(0, 8)), tech, start=at(1, 10), outcome=Visit.Outcome.NEEDS_PARTS)
    the_next_monday = at(7, 9)

    assert services.send_weekly_summary(now=the_next_monday) is True
    assert services.send_weekly_summary(now=the_next_monday + datetime.timedelta(hours=1)) is False

    rows = Notification.objects.filter(kind=Notification.Kind.WEEKLY_SUMMARY).order_by("recipient")
    assert [(r.recipient, r.language) for r in rows] == [
        (english.email, "en"),
        (italian.email, "it"),
    ]
    assert WeeklySummary.objects.get().week_start == MONDAY
    for row in rows:
        assert notifications.deliver(notification_id=row.pk)
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "First-time fix: 50.0 %" in bodies[english.email]
    assert "/insights/?start=2026-01-05&end=2026-01-11" in bodies[english.email]
    assert "50,0 %" in bodies[italian.email]


def test_the_beat_task_writes_last_weeks_summary_once(managers):
    schedule = settings.CELERY_BEAT_SCHEDULE["weekly-summary"]
    assert schedule["task"] == tasks.send_weekly_summary.name

    assert tasks.send_weekly_summary.apply().get() is True
    assert tasks.send_weekly_summary.apply().get() is False
    assert Notification.objects.filter(kind=Notification.Kind.WEEKLY_SUMMARY).count() == 2
