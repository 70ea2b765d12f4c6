"""Crews, continued: a helper added to (or taken off) a crew is told through the outbox in
their own language, like any change to their day; a crew's visit moved must fit each helper's
working hours too, refused naming the helper unless a dispatcher overrides with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from dispatch.crew import add_helper, remove_helper
from dispatch.services import assign_visit
from fieldservice import languages
from fieldservice.errors import OutsideWorkingHours
from notifications.models import Notification
from technicians.models import WorkingHours
from tests.factories import TechnicianFactory, UserFactory, new_visit
from tests.helpers import at, tomorrow_at
from tickets.models import TicketEvent, Visit, VisitBooking

pytestmark = pytest.mark.django_db


def _changes(technician):
    return Notification.objects.filter(
        kind=Notification.Kind.TECH_CHANGE, recipient=technician.user.email
    )


def test_a_helper_added_is_told_in_their_language_whoever_added_them():
    dispatcher = UserFactory(role="dispatcher")
    languages.choose_language(user=dispatcher, language="es")
    lead = TechnicianFactory()
    helper = TechnicianFactory(user__email="marco@example.com")
    languages.choose_language(user=helper.user, language="it")
    visit = assign_visit(
        visit=new_visit(duration_minutes=120), technician=lead, start=tomorrow_at(9), by=None
    )

    add_helper(visit=visit, technician=helper, by=dispatcher)

    told = _changes(helper).get(visit=visit)
    assert told.language == "it"
    with translation.override("it"):
        assert told.payload["change"] == gettext("Added to the crew")
    assert told.payload["number"] == visit.ticket.number
    # The lead heard of their own visit when it was scheduled, not again for the helper.
    assert _changes(lead).filter(visit=visit).count() == 1


def test_a_helper_taken_off_is_told_too():
    lead, helper = TechnicianFactory(), TechnicianFactory()
    visit = assign_visit(
        visit=new_visit(duration_minutes=120), technician=lead, start=tomorrow_at(9), by=None
    )
    add_helper(visit=visit, technician=helper, by=None)

    remove_helper(visit=visit, technician=helper, by=None)

    changes = [n.payload["change"] for n in _changes(helper).filter(visit=visit).order_by("pk")]
    assert changes == ["Added to the crew", "Removed from the crew"]


def _crew_with_a_morning_helper(day):
    """A lead on the usual 08:00-17:00 and a helper who works mornings only, 08:00-13:00."""
    lead = TechnicianFactory()
    helper = TechnicianFactory(user__first_name="Anna", user__last_name="Verdi", weekdays=[])
    WorkingHours.objects.create(
        technician=helper,
        weekday=day.weekday(),
        starts_at=datetime.time(8),
        ends_at=datetime.time(13),
    )
    visit = assign_visit(
        visit=new_visit(duration_minutes=120), technician=lead, start=at(day, 9), by=None
    )
    add_helper(visit=visit, technician=helper, by=None)
    visit.refresh_from_db()
    return visit, helper


def test_a_crew_visit_moved_outside_a_helpers_hours_is_refused_naming_them(next_monday):
    visit, helper = _crew_with_a_morning_helper(next_monday)

    with pytest.raises(OutsideWorkingHours, match="Anna Verdi works 08:00-13:00"):
        assign_visit(
            visit=visit,
            technician=visit.technician,
            start=at(next_monday, 14),
            by=None,
            window_reason="The customer asked",
        )

    fresh = Visit.objects.get(pk=visit.pk)
    assert (fresh.version, fresh.planned_start) == (visit.version, at(next_monday, 9))
    booking = VisitBooking.objects.get(visit=visit, technician=helper)
    assert booking.planned_start == at(next_monday, 9)


def test_a_dispatcher_may_override_a_helpers_hours_with_a_reason(next_monday):
    visit, helper = _crew_with_a_morning_helper(next_monday)

    moved = assign_visit(
        visit=visit,
        technician=visit.technician,
        start=at(next_monday, 14),
        by=None,
        window_reason="The customer asked",
        override_reason="Anna agreed to stay",
    )

    booking = VisitBooking.objects.get(visit=visit, technician=helper)
    assert booking.planned_start == moved.planned_start == at(next_monday, 14)
    override = moved.ticket.events.filter(
        kind=TicketEvent.Kind.OVERRIDE, reason="Anna agreed to stay"
    ).get()
    assert any("Anna Verdi works 08:00-13:00" in m for m in override.data["overridden"])


def test_a_crew_visit_moved_within_every_helpers_hours_needs_no_reason(next_monday):
    visit, helper = _crew_with_a_morning_helper(next_monday)

    moved = assign_visit(
        visit=visit,
        technician=visit.technician,
        start=at(next_monday, 10),
        by=None,
        window_reason="The customer asked",
    )

    assert VisitBooking.objects.get(visit=visit, technician=helper).planned_start == (
        moved.planned_start
    )
