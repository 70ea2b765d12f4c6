"""Booking and rescheduling at their edges: the codes the customer reported, all or nothing
when a step fails half-way, a window nobody can take, a visit already under way, the horizon
and the change cut-off to the second; sign-up's first name (issue 29)."""

import datetime

import pytest
import time_machine

from fieldservice.errors import DomainError, InvalidInput, TransitionNotAllowed, WindowTaken
from portal import services
from tests.factories import ApplianceFactory, TechnicianFactory
from tests.helpers import ROME, at
from tickets import events as ticket_events
from tickets import services as tickets
from tickets.models import Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db


def _job(appliance):
    return {
        "customer": appliance.site.customer,
        "site": appliance.site,
        "kind": "repair",
        "appliance": appliance,
    }


def _later_monday(next_monday):
    return next_monday + datetime.timedelta(days=7)  # well past the 24-hour cut-off


class Fails(DomainError):
    code = "test_failure"


def _fail(**_kwargs):
    raise Fails("a step failed half-way")


def test_a_portal_ticket_keeps_the_codes_the_customer_reported(next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory()

    ticket, _visit = services.book_visit(
        **_job(appliance), codes=["E1", "F28"], window_start=at(next_monday, 10)
    )

    ticket.refresh_from_db()
    assert ticket.reported_codes == ["E1", "F28"]
    assert ticket.channel == Ticket.Channel.PORTAL


def test_a_booking_that_fails_half_way_leaves_nothing(next_monday):
    TechnicianFactory()
    appliance = ApplianceFactory()
    ticket_events.visit_created.connect(_fail, weak=False, dispatch_uid="test-fail")
    try:
        with pytest.raises(Fails):
            services.book_visit(**_job(appliance), window_start=at(next_monday, 10))
    finally:
        ticket_events.visit_created.disconnect(dispatch_uid="test-fail")

    assert not Ticket.objects.exists()
    assert not Visit.objects.exists()
    assert not TicketEvent.objects.exists()


def test_a_reschedule_whose_assignment_fails_keeps_the_old_window(next_monday):
    monday = _later_monday(next_monday)
    TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(**_job(appliance), window_start=at(monday, 10))
    before = Visit.objects.get(pk=visit.pk)
    ticket_events.visit_moved.connect(_fail, weak=False, dispatch_uid="test-fail")
    try:
        with pytest.raises(WindowTaken):
            services.reschedule_booking(visit=visit, window_start=at(monday, 14))
    finally:
        ticket_events.visit_moved.disconnect(dispatch_uid="test-fail")

    after = Visit.objects.get(pk=visit.pk)
    assert (after.window_start, after.window_end, after.planned_start, after.version) == (
        before.window_start,
        before.window_end,
        before.planned_start,
        before.version,
    )


def test_a_reschedule_to_a_window_nobody_can_take_changes_nothing(next_monday):
    monday = _later_monday(next_monday)
    tech = TechnicianFactory(weekdays=[0])  # Mondays only
    appliance = ApplianceFactory()
    _, visit = services.book_visit(**_job(appliance), window_start=at(monday, 10))

    with pytest.raises(WindowTaken, match="no longer free"):
        services.reschedule_booking(
            visit=visit, window_start=at(monday + datetime.timedelta(days=1), 10)
        )

    visit.refresh_from_db()
    assert (visit.window_start, visit.technician) == (at(monday, 10), tech)
    assert visit.status == Visit.Status.SCHEDULED


@pytest.mark.parametrize("steps", [["en_route"], ["en_route", "on_site", "completed"]])
def test_a_visit_under_way_or_done_cannot_be_moved_or_cancelled_online(steps, next_monday):
    monday = _later_monday(next_monday)
    TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(**_job(appliance), window_start=at(monday, 10))
    for step in steps:
        if step == "completed":
            tickets.record_entry(visit=visit, kind="work", text="Pump replaced.", by=None)
        visit = tickets.transition_visit(visit=visit, to=step, by=None, confirm_not_today=True)

    assert services.change_refusal(visit) == "This visit can no longer be changed."
    with pytest.raises(TransitionNotAllowed, match="can no longer be changed"):
        services.reschedule_booking(visit=visit, window_start=at(monday, 14))
    with pytest.raises(TransitionNotAllowed, match="can no longer be changed"):
        services.cancel_booking(visit=visit)

    visit.refresh_from_db()
    assert visit.status == steps[-1]
    assert visit.window_start == at(monday, 10)


def test_the_change_cut_off_is_exact_to_the_second(next_monday, settings):
    monday = _later_monday(next_monday)
    TechnicianFactory()
    appliance = ApplianceFactory()
    _, visit = services.book_visit(**_job(appliance), window_start=at(monday, 10))
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "COMPANY_PHONE": ""}
    cut_off = at(monday, 10) - datetime.timedelta(hours=24)

    with time_machine.travel(cut_off, tick=False):
        assert services.change_refusal(visit) is None
    with time_machine.travel(cut_off + datetime.timedelta(seconds=1), tick=False):
        assert services.change_refusal(visit) == (
            "Changes are possible up to 24 hours before the visit. Please call us."
        )


def test_the_horizon_starts_today_and_ends_before_its_last_day_is_over(next_monday):
    tz_today = datetime.datetime.now(ROME).date()
    first = datetime.datetime.combine(tz_today, datetime.time(0), tzinfo=ROME)
    end = first + datetime.timedelta(days=services.BOOKING_HORIZON_DAYS)

    services.ensure_offered(first)
    services.ensure_offered(end - datetime.timedelta(seconds=1))
    for outside in (first - datetime.timedelta(seconds=1), end):
        with pytest.raises(InvalidInput, match="not offered") as err:
            services.ensure_offered(outside)
        assert err.value.field == "window"
    with pytest.raises(InvalidInput, match="not offered"):
        services.ensure_offered(datetime.datetime.combine(tz_today, datetime.time(10)))  # naive


@pytest.mark.parametrize(
    ("name", "first_name"), [("Madonna", "Madonna"), ("  Giulia  Maria Bianchi ", "Giulia")]
)
def test_sign_up_takes_the_first_word_of_the_name_as_first_name(name, first_name):
    customer = services.sign_up(
        email="one@example.com",
        password="a-long-pass-42",
        name=name,
        address="Via Roma 1",
        city="Rome",
        phone="+39 312 345 6789",
        latitude=41.9,
        longitude=12.5,
    )

    user = customer.contacts.get().user
    assert user.first_name == first_name
    assert customer.name == name.strip()
