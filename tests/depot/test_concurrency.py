"""A loaner is never lent twice at once, even when ten desks lend it in the same instant
(PostgreSQL)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from depot import services
from depot.models import Loan, LoanerUnit
from fieldservice.errors import TransitionNotAllowed
from tests import factories
from tests.helpers import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_ten_desks_lend_the_same_loaner_at_once_and_exactly_one_does():
    unit = LoanerUnit.objects.create(serial_number="RACE-1", description="Washer")
    tickets = [factories.open_ticket() for _ in range(10)]
    due = timezone.localdate() + datetime.timedelta(days=5)

    results = race(
        [
            (lambda t=t: services.lend_loaner(unit=unit, ticket=t, due_on=due, by=None))
            for t in tickets
        ]
    )

    lent = [r for r in results if isinstance(r, Loan)]
    refused = [r for r in results if isinstance(r, TransitionNotAllowed)]
    assert len(lent) == 1
    assert len(refused) == 9
    assert all("RACE-1 is out" in r.message for r in refused)
    assert Loan.objects.filter(unit=unit, returned_at__isnull=True).count() == 1
