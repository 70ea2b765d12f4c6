"""Shared fixtures: one user per role, and a clock-independent 'next Monday'."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from tests import factories

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def dispatcher(db):
    return factories.UserFactory(username="dispatcher", role="dispatcher")


@pytest.fixture
def technician(db):
    return factories.TechnicianFactory(user__username="tech")


@pytest.fixture
def customer_user(db):
    user = factories.UserFactory(username="customer", role="customer")
    factories.CustomerFactory(user=user)
    return user


@pytest.fixture
def other_company_user(db):
    """A user in no role at all: sees nothing."""
    return factories.UserFactory(username="stranger")


@pytest.fixture
def next_monday() -> datetime.date:
    today = datetime.datetime.now(ROME).date()
    return today + datetime.timedelta(days=7 - today.weekday())


def at(day: datetime.date, hour: int, minute: int = 0, tz: ZoneInfo = ROME) -> datetime.datetime:
    """An aware local time on a day (Rome unless told)."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)
