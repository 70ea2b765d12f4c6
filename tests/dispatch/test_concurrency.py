"""Double booking is impossible, even when many dispatchers click at once (PostgreSQL)."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from dispatch.services import assign_visit
from fieldservice.errors import TechnicianBusy
from tests.factories import TechnicianFactory, new_visit
from tests.helpers import at, race
from tickets.models import Visit

pytestmark = pytest.mark.django_db(transaction=True)


def test_postgres_is_the_database():
    assert connection.vendor == "postgresql", "make test runs the suite on PostgreSQL"


def test_twenty_concurrent_assignments_exactly_one_wins(next_monday):
    tech = TechnicianFactory()
    visits = [new_visit() for _ in range(20)]

    results = race(
        [
            (lambda v=v: assign_visit(visit=v, technician=tech, start=at(next_monday, 10), by=None))
            for v in visits
        ]
    )

    winners = [r for r in results if isinstance(r, Visit)]
    refused = [r for r in results if isinstance(r, TechnicianBusy)]
    assert len(winners) == 1
    assert len(refused) == 19
    assert Visit.objects.filter(technician=tech, status="scheduled").count() == 1


def test_concurrent_back_to_back_assignments_both_succeed(next_monday):
    tech = TechnicianFactory()
    early, late = new_visit(), new_visit()

    results = race(
        [
            lambda: assign_visit(visit=early, technician=tech, start=at(next_monday, 9), by=None),
            lambda: assign_visit(
                visit=late, technician=tech, start=at(next_monday, 10, 30), by=None
            ),
        ]
    )

    assert all(isinstance(r, Visit) for r in results), results
    assert Visit.objects.filter(technician=tech, status="scheduled").count() == 2


def test_exclusion_constraint_refuses_overlap_written_around_the_service(next_monday):
    tech = TechnicianFactory()
    a, b = new_visit(), new_visit()
    Visit.objects.filter(pk=a.pk).update(
        technician=tech,
        status="scheduled",
        planned_start=at(next_monday, 10),
        planned_end=at(next_monday, 11),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.filter(pk=b.pk).update(
            technician=tech,
            status="scheduled",
            planned_start=at(next_monday, 10, 59),
            planned_end=at(next_monday, 12),
        )

    # Half-open ranges: starting exactly when the other ends is allowed.
    Visit.objects.filter(pk=b.pk).update(
        technician=tech,
        status="scheduled",
        planned_start=at(next_monday, 11),
        planned_end=at(next_monday, 12),
    )
    assert Visit.objects.filter(technician=tech, status="scheduled").count() == 2
    assert datetime.timedelta(hours=1) == (
        Visit.objects.get(pk=b.pk).planned_end - Visit.objects.get(pk=b.pk).planned_start
    )
