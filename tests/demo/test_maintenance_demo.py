"""The demo company has preventive plans with one visit overdue and others coming up."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from contracts.models import PreventivePlan
from tickets import selectors
from tickets.models import MaintenanceOccurrence

pytestmark = pytest.mark.django_db


def test_the_demo_has_overdue_and_upcoming_maintenance_and_seeding_again_adds_none():
    call_command("seed_demo")
    today = timezone.localdate()
    counts = (PreventivePlan.objects.count(), MaintenanceOccurrence.objects.count())

    call_command("seed_demo")

    assert counts == (PreventivePlan.objects.count(), MaintenanceOccurrence.objects.count())
    assert counts[0] == 3
    overdue = list(selectors.maintenance_overdue(today=today))
    assert len(overdue) == 1
    assert overdue[0].status == MaintenanceOccurrence.Status.MISSED
    assert selectors.maintenance_upcoming(today=today).exists()
