"""A ticket's SLA state (breached, at risk, fine) at its edges: due exactly now, paused
exactly at the due time, the alert margin's end, closed tickets (issue 29)."""

import dataclasses
import datetime

import pytest
from django.utils import timezone

from tests.factories import ServiceContractFactory, open_ticket
from tickets.models import Ticket
from tickets.sla import (
    AT_RISK,
    BREACHED,
    FINE,
    Calendar,
    at_risk_margin,
    first_response_hours,
    response_due,
    response_hours,
    sla_due,
    sla_state_annotation,
    sla_state_conditions,
)

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


def _state(now, *, due, paused=None, status="triaged"):
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, sla_paused_at=paused, status=status)
    annotated = Ticket.objects.annotate(state=sla_state_annotation(now)).get(pk=ticket.pk)
    matching = [
        name
        for name, condition in sla_state_conditions(now).items()
        if Ticket.objects.filter(condition, pk=ticket.pk).exists()
    ]
    assert matching == ([annotated.state] if annotated.state else [])
    return annotated.state


@pytest.mark.parametrize(
    ("due", "paused", "status", "state"),
    [
        (-1, None, "triaged", BREACHED),
        (0, None, "triaged", AT_RISK),  # due this very minute: not past due yet
        (59, None, "scheduled", AT_RISK),
        (60, None, "triaged", FINE),  # the margin's end is not within it
        (-30, -60, "awaiting_parts", FINE),  # paused before it was due
        (-30, -30, "awaiting_parts", BREACHED),  # paused exactly when it fell due
        (-30, -10, "awaiting_customer", BREACHED),  # paused after it was due
        (30, -10, "awaiting_parts", FINE),  # paused: not at risk while waiting
        (-30, None, "resolved", ""),
        (-30, None, "cancelled", ""),
    ],
)
def test_sla_state(due, paused, status, state):
    now = timezone.now().replace(microsecond=0)

    found = _state(
        now,
        due=now + due * MINUTE,
        paused=None if paused is None else now + paused * MINUTE,
        status=status,
    )

    assert found == state


def test_the_alert_margin_is_the_notifications_setting_or_an_hour(settings):
    now = timezone.now().replace(microsecond=0)
    assert at_risk_margin() == 60 * MINUTE

    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "NOTIFICATIONS": {**settings.FIELDSERVICE["NOTIFICATIONS"], "SLA_ALERT_MINUTES": 120},
    }

    assert at_risk_margin() == 120 * MINUTE
    assert _state(now, due=now + 90 * MINUTE) == AT_RISK
    settings.FIELDSERVICE = {k: v for k, v in settings.FIELDSERVICE.items() if k != "NOTIFICATIONS"}
    assert at_risk_margin() == 60 * MINUTE


def test_a_calendar_is_a_value_that_cannot_be_changed():
    calendar = Calendar(
        tz=datetime.UTC, opens=datetime.time(8), closes=datetime.time(18), weekdays=frozenset({0})
    )

    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.opens = datetime.time(9)
    assert hash(calendar) == hash(dataclasses.replace(calendar))
    assert calendar.holidays == frozenset()


@pytest.mark.parametrize(
    ("priority", "contract_hours", "resolution", "response"),
    [
        (1, None, 4, 1),
        (4, None, 40, 8),
        (3, 2, 2, 2),  # the contract's time is stricter than both
        (3, 6, 6, 4),  # stricter than the resolution's 24 hours, not the response's 4
        (2, 10, 8, 2),  # the priority's times are stricter
    ],
)
def test_targets_by_priority_and_the_stricter_contract(
    priority, contract_hours, resolution, response
):
    contract = None
    if contract_hours is not None:
        contract = ServiceContractFactory.build(response_hours=contract_hours)
    always_open = Calendar(
        tz=datetime.UTC,
        opens=datetime.time(0),
        closes=datetime.time(0),
        weekdays=frozenset(range(7)),
    )
    opened = datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC)

    assert response_hours(priority=priority, contract=contract) == resolution
    assert first_response_hours(priority=priority, contract=contract) == response
    assert sla_due(
        opened_at=opened, priority=priority, contract=contract, calendar=always_open
    ) == opened + datetime.timedelta(hours=resolution)
    assert response_due(
        opened_at=opened, priority=priority, contract=contract, calendar=always_open
    ) == opened + datetime.timedelta(hours=response)


def test_around_the_clock_is_a_calendar_that_opens_when_it_closes():
    def calendar(opens, closes):
        return Calendar(tz=datetime.UTC, opens=opens, closes=closes, weekdays=frozenset({0}))

    assert calendar(datetime.time(0), datetime.time(0)).around_the_clock is True
    assert calendar(datetime.time(8), datetime.time(18)).around_the_clock is False
    assert calendar(datetime.time(22), datetime.time(6)).around_the_clock is False


def test_a_calendar_with_no_open_day_says_so():
    never = Calendar(
        tz=datetime.UTC, opens=datetime.time(8), closes=datetime.time(18), weekdays=frozenset()
    )

    with pytest.raises(ValueError, match=r"^The business calendar has no open hours\.$"):
        never.add(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC), MINUTE)
