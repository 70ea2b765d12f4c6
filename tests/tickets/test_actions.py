"""The ticket page's actions as services: priority and kind with the SLA counted again, the two
SLA clocks met once each, cancel, resolve, close, reopen, and refusals naming both states."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from dispatch.services import assign_visit
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests.factories import TechnicianFactory, UserFactory, new_visit, open_ticket
from tests.helpers import at
from tickets import services
from tickets.models import Ticket, TicketEvent, Visit
from tickets.selectors import allowed_actions
from tickets.sla import load_calendar, response_due, sla_due
from tickets.transitions import TICKET_TRANSITIONS

pytestmark = pytest.mark.django_db
TS = Ticket.Status


def _in_progress(ticket: Ticket) -> Ticket:
    for to in (TS.TRIAGED, TS.SCHEDULED, TS.IN_PROGRESS):
        ticket = services.transition_ticket(ticket=ticket, to=to, by=None)
    return ticket


def _resolved(ticket: Ticket) -> Ticket:
    return services.resolve_ticket(ticket=_in_progress(ticket), by=None)


def test_a_new_ticket_has_a_response_target_before_its_resolution():
    ticket = open_ticket(priority=3)

    assert ticket.created_at < ticket.response_due_at <= ticket.sla_due_at
    assert ticket.responded_at is None
    assert ticket.resolved_at is None
    assert ticket.response_state == ticket.resolution_state == "fine"


def test_changing_priority_counts_both_clocks_again_and_records_the_due_times(dispatcher):
    ticket = open_ticket(priority=4)
    before = (ticket.response_due_at, ticket.sla_due_at)

    ticket = services.change_priority(ticket=ticket, priority=1, by=dispatcher, reason="Flood")

    calendar = load_calendar()
    expected = {
        "opened_at": ticket.created_at,
        "priority": 1,
        "contract": ticket.contract,
        "calendar": calendar,
    }
    ticket.refresh_from_db()
    assert ticket.priority == 1
    assert ticket.response_due_at == response_due(**expected) < before[0]
    assert ticket.sla_due_at == sla_due(**expected) < before[1]
    event = ticket.events.get(kind=TicketEvent.Kind.PRIORITY)
    assert (event.from_value, event.to_value, event.reason, event.by) == (
        "P4",
        "P1",
        "Flood",
        dispatcher,
    )
    assert event.data["resolution_due_from"] == before[1].isoformat()
    assert event.data["resolution_due_to"] == ticket.sla_due_at.isoformat()
    assert event.data["response_due_to"] == ticket.response_due_at.isoformat()


def test_changing_priority_to_the_one_it_has_or_out_of_range_changes_nothing():
    ticket = open_ticket(priority=3)

    for priority in (3, 7):
        with pytest.raises(InvalidInput) as err:
            services.change_priority(ticket=ticket, priority=priority, by=None)
        assert err.value.field == "priority"
    assert not ticket.events.filter(kind=TicketEvent.Kind.PRIORITY).exists()


def test_a_met_response_clock_keeps_its_due_time_when_priority_changes(next_monday):
    # Opened on a Wednesday morning: a P1's resolution falls the same day. (Opened on a Friday
    # evening it would fall on Monday, more than a day later.)
    with time_machine.travel(at(next_monday + datetime.timedelta(days=2), 10), tick=True):
        ticket = _scheduled(next_monday)
        response_before = ticket.response_due_at

        services.change_priority(ticket=ticket, priority=1, by=None)

    ticket.refresh_from_db()
    assert ticket.response_due_at == response_before
    assert ticket.sla_due_at < ticket.created_at + datetime.timedelta(days=1)


def test_changing_the_kind_of_job_records_from_and_to():
    ticket = open_ticket()

    services.change_kind(ticket=ticket, kind=Ticket.Kind.MAINTENANCE, by=None, reason="Yearly")

    ticket.refresh_from_db()
    assert ticket.kind == Ticket.Kind.MAINTENANCE
    event = ticket.events.get(kind=TicketEvent.Kind.KIND)
    assert (event.from_value, event.to_value) == ("repair", "maintenance")
    assert "resolution_due_to" in event.data
    with pytest.raises(InvalidInput) as err:
        services.change_kind(ticket=ticket, kind="demolition", by=None)
    assert err.value.field == "kind"


def _scheduled(next_monday) -> Ticket:
    day = next_monday + datetime.timedelta(days=7)
    visit = new_visit(window_start=at(day, 10), window_end=at(day, 12), duration_minutes=60)
    assign_visit(visit=visit, technician=TechnicianFactory(), start=at(day, 10), by=None)
    return Ticket.objects.get(pk=visit.ticket_id)


def test_scheduling_a_visit_meets_the_response_clock_once(next_monday):
    before = timezone.now()

    ticket = _scheduled(next_monday)

    assert ticket.status == TS.SCHEDULED
    assert ticket.responded_at is not None
    assert ticket.responded_at >= before
    assert ticket.response_state == "met"
    assert ticket.events.filter(kind=TicketEvent.Kind.RESPONDED).count() == 1
    # A second visit on a day is not a first response.
    day = next_monday + datetime.timedelta(days=8)
    second = new_visit(ticket, window_start=at(day, 10), window_end=at(day, 12))
    assign_visit(visit=second, technician=TechnicianFactory(), start=at(day, 10), by=None)
    assert Ticket.objects.get(pk=ticket.pk).responded_at == ticket.responded_at
    assert ticket.events.filter(kind=TicketEvent.Kind.RESPONDED).count() == 1


def test_mark_responded_first_time_wins():
    ticket = open_ticket()
    first = timezone.now()

    assert services.mark_responded(ticket, first, how="Public reply") is True
    assert services.mark_responded(ticket, first + datetime.timedelta(hours=1)) is False

    ticket.refresh_from_db()
    assert ticket.responded_at == first
    event = ticket.events.get(kind=TicketEvent.Kind.RESPONDED)
    assert (event.reason, event.data["on_time"]) == ("Public reply", True)


def test_a_late_response_is_met_late():
    ticket = open_ticket()

    services.mark_responded(ticket, ticket.response_due_at + datetime.timedelta(minutes=1))

    ticket.refresh_from_db()
    assert ticket.response_state == "met_late"


def test_an_unmet_clock_past_due_is_breached_and_near_due_at_risk():
    ticket = open_ticket()
    now = timezone.now()

    Ticket.objects.filter(pk=ticket.pk).update(response_due_at=now - datetime.timedelta(minutes=1))
    Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=now + datetime.timedelta(minutes=30))

    ticket.refresh_from_db()
    assert (ticket.response_state, ticket.resolution_state) == ("breached", "at_risk")


def test_resolving_records_the_resolution_once_and_reopening_runs_the_clock_again():
    ticket = _resolved(open_ticket())
    resolved_at = ticket.resolved_at

    ticket = services.close_ticket(ticket=ticket, by=None, reason="Customer confirmed")

    ticket.refresh_from_db()
    assert ticket.status == TS.CLOSED
    assert resolved_at is not None
    assert ticket.resolved_at == resolved_at
    assert ticket.resolution_state in ("met", "met_late")

    ticket = services.reopen_ticket(ticket=ticket, by=None, reason="Leaking again")

    ticket.refresh_from_db()
    assert ticket.status == TS.TRIAGED
    assert ticket.resolved_at is None
    assert ticket.events.filter(kind="status", from_value="closed", to_value="triaged").exists()


def test_reopening_with_a_visit_under_way_goes_back_in_progress(next_monday):
    ticket = _scheduled(next_monday)
    visit = ticket.visits.get()
    services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    ticket = services.resolve_ticket(ticket=ticket, by=None)

    ticket = services.reopen_ticket(ticket=ticket, by=None, reason="Not fixed")

    assert ticket.status == TS.IN_PROGRESS


def test_reopen_needs_a_reason_and_a_resolved_or_closed_ticket():
    ticket = open_ticket()

    with pytest.raises(TransitionNotAllowed, match="A New ticket cannot be reopened"):
        services.reopen_ticket(ticket=ticket, by=None, reason="Why not")
    with pytest.raises(InvalidInput) as err:
        services.reopen_ticket(ticket=_resolved(ticket), by=None, reason=" ")
    assert err.value.field == "reason"


def test_cancel_needs_a_reason_and_cancels_the_visits_not_under_way(next_monday):
    ticket = _scheduled(next_monday)
    unassigned = new_visit(ticket)

    with pytest.raises(InvalidInput) as err:
        services.cancel_ticket(ticket=ticket, by=None, reason="")
    assert err.value.field == "reason"
    assert Ticket.objects.get(pk=ticket.pk).status == TS.SCHEDULED

    services.cancel_ticket(ticket=ticket, by=None, reason="Customer bought a new one")

    ticket.refresh_from_db()
    assert ticket.status == TS.CANCELLED
    assert set(ticket.visits.values_list("status", flat=True)) == {Visit.Status.CANCELLED}
    assert ticket.events.filter(
        kind=TicketEvent.Kind.VISIT, to_value="cancelled", data__visit=unassigned.pk
    ).exists()


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (services.cancel_ticket, "A ticket cannot go from Closed to Cancelled."),
        (services.resolve_ticket, "A ticket cannot go from Closed to Resolved."),
        (services.close_ticket, "A ticket cannot go from Closed to Closed."),
    ],
)
def test_an_action_the_state_does_not_allow_is_refused_naming_both_states(action, message):
    ticket = services.close_ticket(ticket=_resolved(open_ticket()), by=None)
    events_before = ticket.events.count()

    with pytest.raises(TransitionNotAllowed) as err:
        action(ticket=ticket, by=None, reason="Anyway")

    assert err.value.message == message
    assert Ticket.objects.get(pk=ticket.pk).status == TS.CLOSED
    assert ticket.events.count() == events_before


def test_a_closed_ticket_cannot_change_priority_or_get_a_visit():
    ticket = services.close_ticket(ticket=_resolved(open_ticket()), by=None)

    with pytest.raises(TransitionNotAllowed, match="A Closed ticket cannot change priority"):
        services.change_priority(ticket=ticket, priority=1, by=None)
    with pytest.raises(TransitionNotAllowed, match="Closed"):
        services.create_visit(ticket=ticket, by=None)


def test_reopen_is_in_the_transition_table_and_cancelled_stays_final():
    assert TICKET_TRANSITIONS[TS.RESOLVED] >= {TS.TRIAGED, TS.IN_PROGRESS, TS.CLOSED}
    assert TICKET_TRANSITIONS[TS.CLOSED] == {TS.TRIAGED, TS.IN_PROGRESS}
    assert TICKET_TRANSITIONS[TS.CANCELLED] == set()


def test_allowed_actions_follow_the_state_and_the_role(dispatcher, technician):
    ticket = open_ticket()
    assert allowed_actions(ticket, dispatcher) == ["priority", "kind", "add_visit", "cancel"]
    assert allowed_actions(ticket, technician.user) == []
    assert allowed_actions(ticket, UserFactory(is_staff=True)) == []

    ticket = _in_progress(ticket)
    assert allowed_actions(ticket, dispatcher) == [
        "priority",
        "kind",
        "add_visit",
        "resolve",
        "cancel",
    ]
    ticket = services.resolve_ticket(ticket=ticket, by=None)
    assert allowed_actions(ticket, dispatcher) == ["close", "reopen"]
    ticket = services.close_ticket(ticket=ticket, by=None)
    assert allowed_actions(ticket, dispatcher) == ["reopen"]
    cancelled = services.cancel_ticket(ticket=open_ticket(), by=None, reason="Duplicate")
    assert allowed_actions(cancelled, dispatcher) == []


def test_a_paused_clock_pushes_the_unmet_response_due_time_when_it_resumes():
    ticket = services.transition_ticket(ticket=open_ticket(), to=TS.TRIAGED, by=None)
    response_before = ticket.response_due_at
    paused_at = timezone.now() - datetime.timedelta(hours=3)
    ticket = services.transition_ticket(
        ticket=ticket, to=TS.AWAITING_CUSTOMER, by=None, now=paused_at
    )

    ticket = services.transition_ticket(ticket=ticket, to=TS.TRIAGED, by=None)

    assert ticket.sla_paused_at is None
    assert ticket.response_due_at >= response_before
