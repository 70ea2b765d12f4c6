"""The ticket and visit state machines, written out here rather than read from
tickets.transitions: a step added to or dropped from the tables fails a test (issue 29)."""

import pytest

from dispatch.services import assign_visit, unassign_visit
from fieldservice.errors import TransitionNotAllowed
from tests.factories import TechnicianFactory, new_visit, open_ticket
from tests.helpers import at
from tickets import services
from tickets.models import Ticket, TicketEvent, Visit
from tickets.transitions import (
    REMOTE_FIX_FROM,
    REOPENABLE,
    TICKET_TRANSITIONS,
    VISIT_STARTED,
    VISIT_TRANSITIONS,
    ticket_can,
    visit_can,
)

pytestmark = pytest.mark.django_db

EXPECTED_TICKET = {
    "new": {"triaged", "scheduled", "awaiting_customer", "cancelled"},
    "triaged": {"scheduled", "awaiting_customer", "cancelled"},
    "scheduled": {"triaged", "in_progress", "awaiting_customer", "cancelled"},
    "in_progress": {"scheduled", "awaiting_parts", "awaiting_customer", "resolved", "cancelled"},
    "awaiting_customer": {"triaged", "scheduled", "in_progress", "cancelled"},
    "awaiting_parts": {"triaged", "scheduled", "in_progress", "cancelled"},
    "resolved": {"closed", "triaged", "in_progress"},
    "closed": {"triaged", "in_progress"},
    "cancelled": set(),
}
EXPECTED_VISIT = {
    "unassigned": {"scheduled", "cancelled"},
    "scheduled": {"unassigned", "en_route", "cancelled"},
    "en_route": {"on_site", "cannot_complete"},
    "on_site": {"completed", "cannot_complete"},
    "completed": set(),
    "cannot_complete": set(),
    "cancelled": set(),
}

TICKET_ALLOWED = sorted((s, t) for s, targets in EXPECTED_TICKET.items() for t in targets)
TICKET_FORBIDDEN = sorted(
    (s, t) for s in EXPECTED_TICKET for t in EXPECTED_TICKET if t not in EXPECTED_TICKET[s]
)
VISIT_ALLOWED = sorted((s, t) for s, targets in EXPECTED_VISIT.items() for t in targets)
VISIT_FORBIDDEN = sorted(
    (s, t) for s in EXPECTED_VISIT for t in EXPECTED_VISIT if t not in EXPECTED_VISIT[s]
)


def test_the_tables_list_every_status_once():
    assert set(EXPECTED_TICKET) == set(Ticket.Status.values)
    assert set(EXPECTED_VISIT) == set(Visit.Status.values)
    assert {s: set(t) for s, t in TICKET_TRANSITIONS.items()} == EXPECTED_TICKET
    assert {s: set(t) for s, t in VISIT_TRANSITIONS.items()} == EXPECTED_VISIT


def test_the_other_sets_of_statuses_are_the_expected_ones():
    assert set(REOPENABLE) == {"resolved", "closed"}
    assert set(REMOTE_FIX_FROM) == {"new", "triaged", "scheduled", "awaiting_customer"}
    assert set(VISIT_STARTED) == {"en_route", "on_site", "completed", "cannot_complete"}


@pytest.mark.parametrize("start", Ticket.Status.values)
def test_only_a_resolved_or_closed_ticket_is_reopened(start):
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=start)

    if start in ("resolved", "closed"):
        services.reopen_ticket(ticket=ticket, by=None, reason="still leaking")
        ticket.refresh_from_db()
        assert ticket.status == "triaged"
    else:
        with pytest.raises(TransitionNotAllowed):
            services.reopen_ticket(ticket=ticket, by=None, reason="still leaking")
        ticket.refresh_from_db()
        assert ticket.status == start


@pytest.mark.parametrize(("start", "target"), TICKET_ALLOWED)
def test_allowed_ticket_transition_succeeds_and_is_recorded(start, target):
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=start)

    services.transition_ticket(ticket=ticket, to=target, by=None, reason="step")

    ticket.refresh_from_db()
    assert ticket.status == target
    event = ticket.events.filter(kind=TicketEvent.Kind.STATUS).last()
    assert (event.from_value, event.to_value, event.reason) == (start, target, "step")


@pytest.mark.parametrize(("start", "target"), TICKET_FORBIDDEN)
def test_forbidden_ticket_transition_is_refused_naming_both_states(start, target):
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=start)
    events_before = ticket.events.count()

    with pytest.raises(TransitionNotAllowed) as err:
        services.transition_ticket(ticket=ticket, to=target, by=None)

    assert not ticket_can(start, target)
    assert str(Ticket.Status(start).label) in err.value.message
    assert str(Ticket.Status(target).label) in err.value.message
    ticket.refresh_from_db()
    assert ticket.status == start
    assert ticket.events.count() == events_before


# The steps from a new visit to each status, taken by _step.
PATHS = {
    "unassigned": [],
    "cancelled": ["cancelled"],
    "scheduled": ["scheduled"],
    "en_route": ["scheduled", "en_route"],
    "cannot_complete": ["scheduled", "en_route", "cannot_complete"],
    "on_site": ["scheduled", "en_route", "on_site"],
    "completed": ["scheduled", "en_route", "on_site", "completed"],
}


def _visit_in(status, day):
    """A visit brought to `status` by the real steps (assigned for `day`)."""
    visit = new_visit()
    for target in PATHS[status]:
        visit = _step(visit, target, day)
    return visit


def _step(visit, target, day):
    if target == "scheduled":
        return assign_visit(visit=visit, technician=TechnicianFactory(), start=at(day, 10), by=None)
    if target == "unassigned":
        return unassign_visit(visit=visit, by=None, reason="r")
    if target == "completed":
        services.record_entry(visit=visit, kind="work", text="Pump replaced.", by=None)
    return services.transition_visit(
        visit=visit,
        to=target,
        by=None,
        reason="r",
        outcome="needs_workshop",
        confirm_not_today=True,
    )


@pytest.mark.parametrize("status", Visit.Status.values)
def test_the_steps_bring_a_visit_to_each_status(status, next_monday):
    visit = _visit_in(status, next_monday)

    visit.refresh_from_db()
    assert visit.status == status


@pytest.mark.parametrize(("start", "target"), VISIT_ALLOWED)
def test_allowed_visit_transition_succeeds_and_is_recorded(start, target, next_monday):
    visit = _visit_in(start, next_monday)
    version = Visit.objects.get(pk=visit.pk).version

    _step(visit, target, next_monday)

    visit.refresh_from_db()
    assert (visit.status, visit.version) == (target, version + 1)
    event = TicketEvent.objects.filter(ticket=visit.ticket, kind=TicketEvent.Kind.VISIT).last()
    assert (event.from_value, event.to_value) == (start, target)


@pytest.mark.parametrize(
    ("start", "target"),
    [(s, t) for s, t in VISIT_FORBIDDEN if t not in ("scheduled", "unassigned")],
)
def test_forbidden_visit_transition_is_refused_naming_both_states(start, target, next_monday):
    visit = _visit_in(start, next_monday)
    version = Visit.objects.get(pk=visit.pk).version

    with pytest.raises(TransitionNotAllowed) as err:
        services.transition_visit(
            visit=visit, to=target, by=None, reason="r", outcome="needs_parts"
        )

    assert not visit_can(start, target)
    assert str(Visit.Status(start).label) in err.value.message
    assert str(Visit.Status(target).label) in err.value.message
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (start, version)


@pytest.mark.parametrize(
    "start", [s for s in EXPECTED_VISIT if "unassigned" not in EXPECTED_VISIT[s]]
)
def test_only_a_scheduled_visit_can_be_unassigned(start, next_monday):
    visit = _visit_in(start, next_monday)

    with pytest.raises(TransitionNotAllowed):
        unassign_visit(visit=visit, by=None, reason="r")

    visit.refresh_from_db()
    assert visit.status == start


@pytest.mark.parametrize(
    "start", ["new", "triaged", "awaiting_customer", "awaiting_parts", "in_progress"]
)
def test_assigning_a_visit_schedules_its_ticket(start, next_monday):
    visit = new_visit()
    Ticket.objects.filter(pk=visit.ticket_id).update(status=start)

    assign_visit(visit=visit, technician=TechnicianFactory(), start=at(next_monday, 9), by=None)

    visit.ticket.refresh_from_db()
    assert visit.ticket.status == "scheduled"


@pytest.mark.parametrize(
    ("steps", "ticket_status"),
    [
        (["en_route"], "in_progress"),
        (["en_route", "on_site"], "in_progress"),
        (["en_route", "on_site", "completed"], "resolved"),
        (["en_route", "cannot_complete"], "in_progress"),
        (["cancelled"], "triaged"),
        (["unassigned"], "triaged"),
    ],
)
def test_the_ticket_status_each_visit_step_leads_to(steps, ticket_status, next_monday):
    visit = _visit_in("scheduled", next_monday)

    for target in steps:
        visit = _step(visit, target, next_monday)

    visit.ticket.refresh_from_db()
    assert visit.ticket.status == ticket_status


@pytest.mark.parametrize(
    ("outcome", "ticket_status"),
    [
        ("needs_parts", "awaiting_parts"),
        ("customer_absent", "awaiting_customer"),
        ("needs_workshop", "in_progress"),
    ],
)
def test_cannot_complete_leaves_the_ticket_waiting_for_what_is_missing(
    outcome, ticket_status, next_monday
):
    visit = _visit_in("on_site", next_monday)

    services.transition_visit(
        visit=visit, to="cannot_complete", by=None, outcome=outcome, reason="r"
    )

    visit.ticket.refresh_from_db()
    assert visit.ticket.status == ticket_status
    follow_ups = Visit.objects.filter(follow_up_of=visit).count()
    assert follow_ups == (0 if outcome == "needs_workshop" else 1)


def test_a_ticket_with_another_visit_planned_stays_scheduled_or_in_progress(next_monday):
    visit = _visit_in("scheduled", next_monday)
    other = services.create_visit(ticket=visit.ticket, by=None, duration_minutes=60)
    assign_visit(visit=other, technician=TechnicianFactory(), start=at(next_monday, 14), by=None)

    services.transition_visit(visit=visit, to="cancelled", by=None, reason="dup")
    visit.ticket.refresh_from_db()
    assert visit.ticket.status == "scheduled"

    other = _step(Visit.objects.get(pk=other.pk), "en_route", next_monday)
    third = services.create_visit(ticket=visit.ticket, by=None, duration_minutes=60)
    assign_visit(visit=third, technician=TechnicianFactory(), start=at(next_monday, 16), by=None)
    other = _step(Visit.objects.get(pk=other.pk), "on_site", next_monday)
    _step(other, "completed", next_monday)
    visit.ticket.refresh_from_db()
    assert visit.ticket.status == "in_progress"
