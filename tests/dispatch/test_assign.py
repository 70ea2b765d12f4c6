import datetime

import pytest
from django.utils import timezone, translation

from dispatch.rules import ensure_not_off
from dispatch.services import assign_visit, unassign_visit
from fieldservice.errors import (
    DomainError,
    InvalidInput,
    MissingCertification,
    MissingSkill,
    OutsideWorkingHours,
    TechnicianBusy,
    TechnicianOff,
)
from tests.factories import (
    CertificationFactory,
    ErrorCodeFactory,
    SkillFactory,
    TechnicianFactory,
    TimeOffFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at
from tickets.horizon import MAX_DAYS_AHEAD
from tickets.models import Ticket, TicketEvent, Visit
from tickets.services import transition_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def gas():
    return SkillFactory(code="gas", name="Gas boilers", requires_certification=True)


@pytest.fixture
def gas_visit(gas):
    ErrorCodeFactory(code="F28", skills=[gas])
    return new_visit(open_ticket(codes=["F28"]))


def test_assign_schedules_visit_and_ticket_and_sets_window(next_monday):
    visit = new_visit()
    tech = TechnicianFactory()

    visit = assign_visit(visit=visit, technician=tech, start=at(next_monday, 10), by=None)

    assert visit.status == Visit.Status.SCHEDULED
    assert visit.planned_end == at(next_monday, 11, 30)
    assert visit.window_start == at(next_monday, 10)
    assert visit.window_end == at(next_monday, 12)
    assert visit.version == 2
    visit.ticket.refresh_from_db()
    assert visit.ticket.status == Ticket.Status.SCHEDULED


def test_assign_refuses_missing_skill_and_names_it(next_monday, gas_visit):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")

    with pytest.raises(MissingSkill, match=r"Marco Rossi lacks .*Gas boilers"):
        assign_visit(visit=gas_visit, technician=tech, start=at(next_monday, 10), by=None)

    gas_visit.refresh_from_db()
    assert gas_visit.status == Visit.Status.UNASSIGNED
    assert gas_visit.technician is None


def test_assign_refuses_expired_certification(next_monday, gas, gas_visit):
    tech = TechnicianFactory(skills=[gas])
    CertificationFactory(
        technician=tech, skills=[gas], expires_on=next_monday - datetime.timedelta(days=1)
    )

    with pytest.raises(MissingCertification, match="no certification valid on"):
        assign_visit(visit=gas_visit, technician=tech, start=at(next_monday, 10), by=None)


def test_certification_valid_on_the_visit_date_allows_it(next_monday, gas, gas_visit):
    tech = TechnicianFactory(skills=[gas])
    CertificationFactory(technician=tech, skills=[gas], expires_on=next_monday)

    visit = assign_visit(visit=gas_visit, technician=tech, start=at(next_monday, 10), by=None)

    assert visit.technician == tech


def test_dispatcher_override_with_reason_is_recorded(next_monday, gas_visit, dispatcher):
    tech = TechnicianFactory()

    assign_visit(
        visit=gas_visit,
        technician=tech,
        start=at(next_monday, 10),
        by=dispatcher,
        override_reason="Customer insists, senior tech supervises",
    )

    event = gas_visit.ticket.events.get(kind=TicketEvent.Kind.OVERRIDE)
    assert event.reason == "Customer insists, senior tech supervises"
    assert "Gas boilers" in event.data["overridden"][0]
    assert event.by == dispatcher


@pytest.mark.parametrize(
    ("hour", "minute", "message"),
    [(7, 0, "works 08:00-17:00"), (16, 0, "works 08:00-17:00"), (11, 0, "break 12:00-13:00")],
)
def test_assign_outside_working_hours_or_over_the_break_is_refused(
    next_monday, hour, minute, message
):
    visit = new_visit()

    with pytest.raises(OutsideWorkingHours, match=message):
        assign_visit(
            visit=visit,
            technician=TechnicianFactory(),
            start=at(next_monday, hour, minute),
            by=None,
        )


def test_assign_on_a_day_off_is_refused(next_monday):
    tech = TechnicianFactory(weekdays=[1, 2, 3, 4])  # not Mondays

    with pytest.raises(OutsideWorkingHours, match="does not work"):
        assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)


def test_time_off_is_refused_even_with_override(next_monday):
    tech = TechnicianFactory()
    TimeOffFactory(
        technician=tech,
        starts_at=at(next_monday, 0),
        ends_at=at(next_monday + datetime.timedelta(days=1), 0),
        reason="Dentist",
    )

    with pytest.raises(TechnicianOff, match="Dentist"):
        assign_visit(
            visit=new_visit(),
            technician=tech,
            start=at(next_monday, 9),
            by=None,
            override_reason="urgent",
        )


def test_overlap_is_refused_with_a_readable_message(next_monday):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    first = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 10), by=None)
    second = new_visit()

    with pytest.raises(TechnicianBusy) as err:
        assign_visit(
            visit=second,
            technician=tech,
            start=at(next_monday, 11),
            by=None,
            override_reason="overrides never allow overlaps",
        )

    assert err.value.message == (
        f"Marco Rossi already has a visit 10:00-11:30 at {first.ticket.site}."
    )
    second.refresh_from_db()
    assert second.status == Visit.Status.UNASSIGNED


def test_back_to_back_visits_are_fine(next_monday):
    tech = TechnicianFactory()
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)

    later = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 10, 30), by=None)

    assert later.status == Visit.Status.SCHEDULED


def test_moving_a_visit_does_not_clash_with_itself(next_monday):
    tech = TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)

    moved = assign_visit(visit=visit, technician=tech, start=at(next_monday, 9, 30), by=None)

    assert moved.planned_start == at(next_monday, 9, 30)
    assert moved.version == 3


def test_a_visit_in_the_past_cannot_be_assigned():
    yesterday = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(InvalidInput, match="before now"):
        assign_visit(visit=new_visit(), technician=TechnicianFactory(), start=yesterday, by=None)


@pytest.mark.parametrize(
    "start",
    [
        at(timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD + 1), 10),
        datetime.datetime(3000, 1, 1, 10, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC),
    ],
)
def test_assign_refuses_a_start_more_than_max_days_ahead(start):
    visit = new_visit()

    with pytest.raises(InvalidInput, match=f"at most {MAX_DAYS_AHEAD} days ahead") as refused:
        assign_visit(visit=visit, technician=TechnicianFactory(), start=start, by=None)

    assert refused.value.field == "start"
    visit.refresh_from_db()
    assert (visit.status, visit.planned_start) == (Visit.Status.UNASSIGNED, None)
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED).exists()


def test_assign_on_the_last_day_ahead_is_fine():
    last_day = timezone.localdate() + datetime.timedelta(days=MAX_DAYS_AHEAD)

    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(last_day, 10), by=None
    )

    assert visit.status == Visit.Status.SCHEDULED


def test_unassign_returns_visit_and_ticket_to_the_queue(next_monday):
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    visit = unassign_visit(visit=visit, by=None, reason="customer asked to wait")

    assert (visit.status, visit.technician, visit.planned_start) == ("unassigned", None, None)
    visit.ticket.refresh_from_db()
    assert visit.ticket.status == Ticket.Status.TRIAGED


def test_an_en_route_visit_cannot_be_moved(next_monday):
    tech = TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)

    with pytest.raises(DomainError, match="cannot be moved"):
        assign_visit(visit=visit, technician=tech, start=at(next_monday, 14), by=None)


def test_a_technicians_time_off_is_named_in_the_readers_language_on_their_clock():
    start = datetime.datetime(2030, 12, 5, 7, 0, tzinfo=datetime.UTC)  # 08:00 in Rome
    off = TimeOffFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=4))

    with translation.override("it"), pytest.raises(TechnicianOff) as refused:
        ensure_not_off(off.technician, start, start + datetime.timedelta(hours=1))

    assert "5 dic 2030 08:00" in str(refused.value)
    assert "5 dic 2030 12:00" in str(refused.value)
