"""The demo has installations on the board, one of them with a crew, and every visit on a
technician's day has its lead's booking; seeding again adds none."""

import pytest
from django.core.management import call_command

from tickets.models import Ticket, Visit, VisitBooking

pytestmark = pytest.mark.django_db


def test_the_demo_has_installations_and_a_crew_and_seeding_again_adds_none():
    call_command("seed_demo")

    installations = Ticket.objects.filter(description__startswith="Demo installation:")
    helpers = VisitBooking.objects.filter(
        visit__ticket__in=installations, role=VisitBooking.Role.HELPER, active=True
    )
    assert installations.count() == 2
    assert Visit.objects.filter(ticket__in=installations, status="scheduled").count() == 2
    assert helpers.count() == 1
    assert (
        not Visit.objects.filter(technician__isnull=False).exclude(bookings__role="lead").exists()
    )

    call_command("seed_demo")

    assert Ticket.objects.filter(description__startswith="Demo installation:").count() == 2
    assert VisitBooking.objects.filter(role=VisitBooking.Role.HELPER).count() == 1
