"""Crews: a visit's helpers are booked for its time like its lead, and no technician, lead or
helper, is ever in two places at once (the service says who is busy; on PostgreSQL the
bookings' exclusion constraint backs it). The board shows the crew, the planner keeps a crew's
visit where the dispatcher put it, and only the lead moves the visit along."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from dispatch.crew import add_helper, remove_helper
from dispatch.planner import day as planner_day
from dispatch.services import assign_visit, unassign_visit
from fieldservice.errors import (
    InvalidInput,
    NotAllowed,
    TechnicianBusy,
    TechnicianOff,
    TransitionNotAllowed,
)
from tests.factories import TechnicianFactory, TimeOffFactory, new_visit
from tests.helpers import at
from tickets import services
from tickets.models import Visit, VisitBooking

pytestmark = pytest.mark.django_db


def _crew_visit(day, hour=9, minutes=120):
    lead, helper = TechnicianFactory(), TechnicianFactory()
    visit = assign_visit(
        visit=new_visit(duration_minutes=minutes), technician=lead, start=at(day, hour), by=None
    )
    add_helper(visit=visit, technician=helper, by=None)
    visit.refresh_from_db()
    return visit, lead, helper


def test_a_helper_is_booked_for_the_visits_time_and_the_visit_is_locked(next_monday):
    visit, lead, helper = _crew_visit(next_monday)

    bookings = {b.technician_id: b for b in VisitBooking.objects.filter(visit=visit)}
    assert set(bookings) == {lead.pk, helper.pk}
    assert bookings[lead.pk].role == "lead"
    assert bookings[helper.pk].role == "helper"
    for booking in bookings.values():
        assert booking.active
        assert (booking.planned_start, booking.planned_end) == (
            visit.planned_start,
            visit.planned_end,
        )
    assert visit.locked
    assert visit.pinned


def test_a_helper_busy_then_is_refused_naming_them_and_nothing_changes(next_monday):
    helper = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    assign_visit(visit=new_visit(), technician=helper, start=at(next_monday, 10), by=None)
    lead = TechnicianFactory()
    visit = assign_visit(
        visit=new_visit(duration_minutes=120), technician=lead, start=at(next_monday, 9), by=None
    )

    with pytest.raises(TechnicianBusy, match="Marco Rossi already has a visit 10:00-11:30"):
        add_helper(visit=visit, technician=helper, by=None)

    fresh = Visit.objects.get(pk=visit.pk)
    assert fresh.version == visit.version
    assert not fresh.locked
    assert not VisitBooking.objects.filter(visit=visit, technician=helper).exists()


def test_a_helper_off_then_is_refused(next_monday):
    visit, _lead, _helper = _crew_visit(next_monday)
    off = TechnicianFactory(user__first_name="Anna", user__last_name="Verdi")
    TimeOffFactory(technician=off, starts_at=at(next_monday, 8), ends_at=at(next_monday, 18))

    with pytest.raises(TechnicianOff, match="Anna Verdi is off"):
        add_helper(visit=visit, technician=off, by=None)


def test_a_helper_cannot_be_given_a_visit_of_their_own_at_that_time(next_monday):
    _visit, _lead, helper = _crew_visit(next_monday)

    with pytest.raises(TechnicianBusy, match="already has a visit 09:00-11:00"):
        assign_visit(visit=new_visit(), technician=helper, start=at(next_monday, 10), by=None)
    # After the crew's visit it is fine.
    later = assign_visit(
        visit=new_visit(duration_minutes=60), technician=helper, start=at(next_monday, 11), by=None
    )
    assert later.status == Visit.Status.SCHEDULED


def test_nor_a_second_crew_at_that_time(next_monday):
    _visit, _lead, helper = _crew_visit(next_monday)
    other = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 10), by=None
    )

    with pytest.raises(TechnicianBusy):
        add_helper(visit=other, technician=helper, by=None)


def test_moving_a_crews_visit_needs_every_helper_free(next_monday):
    visit, _lead, helper = _crew_visit(next_monday)
    assign_visit(visit=new_visit(), technician=helper, start=at(next_monday, 14), by=None)

    with pytest.raises(TechnicianBusy, match=str(helper)):
        assign_visit(
            visit=visit,
            technician=visit.technician,
            start=at(next_monday, 13),
            by=None,
            window_reason="The customer asked",
        )

    moved = assign_visit(
        visit=visit,
        technician=visit.technician,
        start=at(next_monday, 15, 30),
        by=None,
        window_reason="The customer asked",
        override_reason="Overtime agreed",
    )
    booking = VisitBooking.objects.get(visit=visit, technician=helper)
    assert booking.planned_start == moved.planned_start == at(next_monday, 15, 30)


def test_unassigned_the_crew_holds_no_time(next_monday):
    visit, _lead, helper = _crew_visit(next_monday)

    unassign_visit(visit=visit, by=None)

    assert not VisitBooking.objects.filter(visit=visit, active=True).exists()
    assert VisitBooking.objects.filter(visit=visit, technician=helper).exists()
    free = assign_visit(visit=new_visit(), technician=helper, start=at(next_monday, 9), by=None)
    assert free.status == Visit.Status.SCHEDULED


def test_bad_helpers_are_refused_naming_what_is_wrong(next_monday):
    visit, lead, helper = _crew_visit(next_monday)

    with pytest.raises(InvalidInput, match="leads this visit already"):
        add_helper(visit=visit, technician=lead, by=None)
    with pytest.raises(InvalidInput, match="in this visit's crew already"):
        add_helper(visit=visit, technician=helper, by=None)
    with pytest.raises(TransitionNotAllowed, match="Helpers join a scheduled visit"):
        add_helper(visit=new_visit(), technician=helper, by=None)
    with pytest.raises(InvalidInput, match="not a helper on this visit"):
        remove_helper(visit=visit, technician=lead, by=None)


def test_a_removed_helper_is_free_again(next_monday):
    visit, _lead, helper = _crew_visit(next_monday)

    remove_helper(visit=visit, technician=helper, by=None)

    assert not VisitBooking.objects.filter(visit=visit, technician=helper).exists()
    assign_visit(visit=new_visit(), technician=helper, start=at(next_monday, 9), by=None)


def test_the_database_refuses_overlapping_bookings_whatever_the_role(next_monday):
    assert connection.vendor == "postgresql", "make test runs the suite on PostgreSQL"
    _visit, _lead, helper = _crew_visit(next_monday)
    other = new_visit()

    with pytest.raises(IntegrityError), transaction.atomic():
        VisitBooking.objects.create(
            visit=other,
            technician=helper,
            role="lead",
            planned_start=at(next_monday, 10),
            planned_end=at(next_monday, 12),
            active=True,
        )


def test_only_the_lead_marks_the_steps_and_completes(next_monday, time_machine):
    time_machine.move_to(at(next_monday, 8, 30))
    visit, lead, helper = _crew_visit(next_monday)

    with pytest.raises(NotAllowed, match="leads this visit"):
        services.transition_visit(visit=visit, to="en_route", by=helper.user)

    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=lead.user)
    services.record_entry(visit=visit, text="Installed with the helper", by=helper.user)
    with pytest.raises(NotAllowed):
        services.transition_visit(visit=visit, to="completed", by=helper.user)
    visit = services.transition_visit(visit=visit, to="completed", by=lead.user)

    assert visit.status == Visit.Status.COMPLETED
    assert not VisitBooking.objects.filter(visit=visit, active=True).exists()


def test_the_planner_keeps_a_crews_visit_and_the_helpers_time(next_monday):
    visit, lead, helper = _crew_visit(next_monday)
    services.update_visit(visit=visit, by=None, locked=False, pinned=False)

    scenario, _versions = planner_day.build_scenario(day=next_monday)

    entry = next(v for v in scenario["visits"] if v["id"] == visit.pk)
    assert entry["technician"] == lead.pk
    assert entry["window"] == ["09:00", "09:00"]
    helper_entry = next(t for t in scenario["technicians"] if t["id"] == helper.pk)
    # 08:00-17:00 with the crew's 09:00-11:00 taken: the longer free part is left to plan.
    assert helper_entry["shift"] == ["11:00", "17:00"]


def test_an_unassigned_crew_waits_for_the_dispatcher_not_the_planner(next_monday):
    visit, _lead, _helper = _crew_visit(next_monday)
    unassign_visit(visit=visit, by=None)

    scenario, _versions = planner_day.build_scenario(day=next_monday)

    assert visit.pk not in {v["id"] for v in scenario["visits"]}


def test_the_board_shows_the_crew_on_both_lanes(next_monday, dispatcher_client):
    visit, lead, helper = _crew_visit(next_monday)

    page = dispatcher_client.get(reverse("dispatch:board"), {"day": next_monday.isoformat()})

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count(f'data-visit="{visit.pk}"') >= 2
    assert f"crew: {helper}" in html
    assert f"helping {lead}" in html


def test_the_dispatcher_books_a_helper_from_the_panel(next_monday, dispatcher_client):
    lead, helper = TechnicianFactory(), TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=lead, start=at(next_monday, 9), by=None)

    page = dispatcher_client.post(
        reverse("dispatch:crew", args=[visit.pk]), {"technician": helper.pk, "action": "add"}
    )

    assert page.status_code == 200
    assert f"Helper: {helper}" in " ".join(page.content.decode().split())
    assert VisitBooking.objects.filter(visit=visit, technician=helper, active=True).exists()


def test_the_panel_names_a_busy_helper(next_monday, dispatcher_client):
    helper = TechnicianFactory()
    assign_visit(visit=new_visit(), technician=helper, start=at(next_monday, 9), by=None)
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    page = dispatcher_client.post(
        reverse("dispatch:crew", args=[visit.pk]), {"technician": helper.pk, "action": "add"}
    )

    assert page.status_code == 409
    assert f"{helper} already has a visit" in page.content.decode()
    assert not VisitBooking.objects.filter(visit=visit, technician=helper).exists()
