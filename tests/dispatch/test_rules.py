"""The assignment rules one by one, at their edges: an inactive technician, several missing
skills, licences valid on their first and last day, a technician in another time zone (issue 29)."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from dispatch import rules
from dispatch.crew import add_helper
from dispatch.services import assign_visit
from fieldservice import localformat
from fieldservice.errors import (
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
from tickets.models import Visit

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def _ticket_needing(*skills):
    ErrorCodeFactory(code="E-MULTI", skills=list(skills))
    return open_ticket(codes=["E-MULTI"])


def test_an_inactive_technician_is_refused_and_the_visit_stays_in_the_queue(next_monday):
    technician = TechnicianFactory(active=False)
    visit = new_visit()

    with pytest.raises(MissingSkill, match="is not an active technician"):
        rules.ensure_can_do(technician, visit.ticket, on=next_monday)
    with pytest.raises(MissingSkill, match="is not an active technician"):
        assign_visit(visit=visit, technician=technician, start=at(next_monday, 9), by=None)

    visit.refresh_from_db()
    assert (visit.status, visit.technician) == (Visit.Status.UNASSIGNED, None)


def test_every_missing_skill_is_named_in_order(next_monday):
    gas = SkillFactory(code="gas-m", name="Gas boilers")
    heat = SkillFactory(code="heat-m", name="Heat pumps")
    held = SkillFactory(code="held-m", name="Air conditioning")
    technician = TechnicianFactory(skills=[held])

    with pytest.raises(MissingSkill) as err:
        rules.ensure_can_do(technician, _ticket_needing(heat, gas, held), on=next_monday)

    assert err.value.message.endswith("lacks the skills this job needs: Gas boilers, Heat pumps.")


def test_a_licence_counts_on_its_issue_day_and_on_its_expiry_day_not_after(next_monday):
    gas = SkillFactory(code="gas-l", name="Gas boilers", requires_certification=True)
    vent = SkillFactory(code="vent-l", name="Flue venting", requires_certification=True)
    technician = TechnicianFactory(skills=[gas, vent])
    CertificationFactory(
        technician=technician, issued_on=next_monday, expires_on=next_monday, skills=[gas, vent]
    )
    ticket = _ticket_needing(gas, vent)

    rules.ensure_can_do(technician, ticket, on=next_monday)  # valid that very day
    for day in (next_monday - datetime.timedelta(days=1), next_monday + datetime.timedelta(days=1)):
        with pytest.raises(MissingCertification) as err:
            rules.ensure_can_do(technician, ticket, on=day)
        assert err.value.message.endswith(
            f"has no certification valid on {day.isoformat()} for: Flue venting, Gas boilers."
        )


def test_a_skill_without_licence_needs_no_certification(next_monday):
    plain = SkillFactory(code="plain-l", name="Washing machines")
    technician = TechnicianFactory(skills=[plain])

    assert rules.missing_for(technician, [plain], next_monday) == ([], [])


def test_working_hours_are_the_technicians_own_clock(next_monday):
    technician = TechnicianFactory(timezone="Europe/London")  # 08:00-17:00 London, break 12-13

    rules.ensure_in_working_hours(
        technician, at(next_monday, 8, tz=LONDON), at(next_monday, 9, tz=LONDON)
    )
    rules.ensure_in_working_hours(
        technician, at(next_monday, 16, tz=LONDON), at(next_monday, 17, tz=LONDON)
    )
    # 08:30 in Rome is 07:30 in London: before the shift, which is named on London's clock.
    with pytest.raises(OutsideWorkingHours) as early:
        rules.ensure_in_working_hours(technician, at(next_monday, 8, 30), at(next_monday, 9, 30))
    with pytest.raises(OutsideWorkingHours) as late:
        rules.ensure_in_working_hours(
            technician, at(next_monday, 16, 30, tz=LONDON), at(next_monday, 17, 1, tz=LONDON)
        )
    # 13:15 in Rome is 12:15 in London: the break.
    with pytest.raises(OutsideWorkingHours) as lunch:
        rules.ensure_in_working_hours(technician, at(next_monday, 13, 15), at(next_monday, 13, 45))

    day = next_monday.isoformat()
    assert early.value.message.endswith(f"works 08:00-17:00 on {day}.")
    assert late.value.message.endswith(f"works 08:00-17:00 on {day}.")
    assert lunch.value.message.endswith("has a break 12:00-13:00.")
    # 12:15 in Rome is 11:15 in London: before the break, fine.
    rules.ensure_in_working_hours(technician, at(next_monday, 12, 15), at(next_monday, 13))


def test_a_visit_running_past_midnight_or_on_a_day_off_is_refused(next_monday):
    technician = TechnicianFactory(weekdays=[1, 2, 3, 4])  # not on Mondays

    with pytest.raises(OutsideWorkingHours) as off:
        rules.ensure_in_working_hours(technician, at(next_monday, 9), at(next_monday, 10))

    assert off.value.message.endswith(f"does not work on {next_monday.isoformat()}.")


def test_busy_and_time_off_are_named_on_the_technicians_clock(next_monday):
    technician = TechnicianFactory(timezone="Europe/London")
    visit = new_visit()
    assign_visit(visit=visit, technician=technician, start=at(next_monday, 11), by=None)
    TimeOffFactory(
        technician=technician,
        starts_at=at(next_monday, 15),
        ends_at=at(next_monday, 17),
        reason="Dentist",
    )

    with pytest.raises(TechnicianBusy) as busy:
        rules.ensure_free(technician, at(next_monday, 12), at(next_monday, 12, 30))
    with pytest.raises(TechnicianOff) as off:
        rules.ensure_not_off(technician, at(next_monday, 16), at(next_monday, 16, 30))

    assert "already has a visit 10:00-11:30 at" in busy.value.message  # 11:00 Rome = 10:00 London
    assert "14:00" in off.value.message
    assert "16:00" in off.value.message
    assert off.value.message.endswith("(Dentist).")
    # Half-open: ending when the other visit starts, or starting when it ends, is free.
    rules.ensure_free(technician, at(next_monday, 10), at(next_monday, 11))
    rules.ensure_free(technician, at(next_monday, 12, 30), at(next_monday, 13))
    rules.ensure_not_off(technician, at(next_monday, 14), at(next_monday, 15))
    rules.ensure_not_off(technician, at(next_monday, 17), at(next_monday, 18))
    # The visit itself does not clash with its own move.
    rules.ensure_free(technician, at(next_monday, 12), at(next_monday, 12, 30), ignoring=visit)


def test_an_inactive_technicians_refusal_is_that_sentence_naming_them(next_monday):
    technician = TechnicianFactory(active=False)

    with pytest.raises(MissingSkill) as err:
        rules.ensure_can_do(technician, new_visit().ticket, on=next_monday)

    assert err.value.message == f"{technician} is not an active technician."


def test_a_visit_may_end_as_the_break_starts_or_start_as_it_ends(next_monday):
    technician = TechnicianFactory()  # 08:00-17:00 Rome, break 12:00-13:00

    rules.ensure_in_working_hours(technician, at(next_monday, 11), at(next_monday, 12))
    rules.ensure_in_working_hours(technician, at(next_monday, 13), at(next_monday, 14))
    for start, end in (
        (at(next_monday, 11, 1), at(next_monday, 12, 1)),
        (at(next_monday, 12, 59), at(next_monday, 14)),
    ):
        with pytest.raises(OutsideWorkingHours):
            rules.ensure_in_working_hours(technician, start, end)


def test_time_off_without_a_reason_ends_at_its_last_moment(next_monday):
    technician = TechnicianFactory()
    off = TimeOffFactory(
        technician=technician, starts_at=at(next_monday, 9), ends_at=at(next_monday, 11), reason=""
    )

    with pytest.raises(TechnicianOff) as err:
        rules.ensure_not_off(technician, at(next_monday, 10), at(next_monday, 10, 30))

    until = localformat.moment(off.ends_at, "date_time", tz=technician.timezone)
    assert err.value.message.endswith(f"to {until}.")


def test_a_helper_on_a_crew_is_busy_for_that_visits_time(next_monday):
    lead, helper = TechnicianFactory(), TechnicianFactory()
    visit = new_visit()
    visit = assign_visit(visit=visit, technician=lead, start=at(next_monday, 9), by=None)
    add_helper(visit=visit, technician=helper, by=None)

    with pytest.raises(TechnicianBusy) as err:
        rules.ensure_free(helper, at(next_monday, 9, 30), at(next_monday, 10))

    assert err.value.message.startswith(f"{helper} already has a visit 09:00-")
    rules.ensure_free(helper, at(next_monday, 9, 30), at(next_monday, 10), ignoring=visit)
