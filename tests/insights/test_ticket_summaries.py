"""insights.TicketSummary kept by the tickets' events as tickets go through the services: opened,
answered, a new priority, escalated, a visit completed and the ticket resolved, reopened, solved
on the phone, a batch of planned tickets; and the rebuild command writing the same rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from insights.models import TicketSummary
from insights.summaries import TICKET_FIELDS
from tests.factories import TechnicianFactory, new_visit, open_ticket
from tests.helpers import ROME, assign_today
from tests.plans import a_plan
from tickets import services
from tickets.models import Ticket, Visit
from tickets.services import maintenance

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_morning():
    """10:00 in Rome today: the day's slots of assign_today fit before midnight."""
    day = timezone.now().astimezone(ROME).date()
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=ROME)
    with time_machine.travel(start, tick=True):
        yield


def summary(ticket: Ticket) -> TicketSummary:
    return TicketSummary.objects.get(ticket=ticket)


def rows() -> list[tuple]:
    return sorted(TicketSummary.objects.values_list("ticket_id", *TICKET_FIELDS))


def fixed(visit: Visit, technician, slot: int = 0) -> Visit:
    visit = assign_today(visit, technician, slot=slot)
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    services.record_entry(visit=visit, kind="work", text="Pump replaced", by=None)
    return services.transition_visit(visit=visit, to="completed", by=None)


def test_a_ticket_opened_has_its_row_with_its_filters_and_clocks():
    ticket = open_ticket(kind=Ticket.Kind.REPAIR)

    row = summary(ticket)
    assert (row.customer_id, row.contract_id, row.kind) == (
        ticket.customer_id,
        ticket.contract_id,
        Ticket.Kind.REPAIR,
    )
    assert row.category == ticket.appliance.model.category
    assert (row.status, row.priority, row.tier) == (ticket.status, ticket.priority, 1)
    assert row.opened_at == ticket.created_at
    assert (row.response_due_at, row.resolution_due_at) == (
        ticket.response_due_at,
        ticket.sla_due_at,
    )
    assert (row.responded_at, row.resolved_at, row.solved_remotely_at) == (None, None, None)
    assert (row.repaired, row.visited) == (False, False)


def test_the_first_reply_a_new_priority_and_an_escalation_are_followed(dispatcher):
    ticket = open_ticket(priority=3)

    services.reply(ticket=ticket, by=dispatcher, body="We are on it.")
    answered = Ticket.objects.get(pk=ticket.pk)
    assert summary(ticket).responded_at == answered.responded_at is not None

    services.change_priority(ticket=answered, priority=1, by=dispatcher, reason="No heating")
    urgent = Ticket.objects.get(pk=ticket.pk)
    assert urgent.sla_due_at < answered.sla_due_at  # the resolution clock moved
    assert (summary(ticket).priority, summary(ticket).resolution_due_at) == (1, urgent.sla_due_at)

    services.escalate(ticket=urgent, by=dispatcher, reason="Needs a specialist")
    assert summary(ticket).tier == 2


def test_a_visit_completed_resolves_and_a_reopen_runs_the_clock_again():
    ticket = open_ticket()
    fixed(new_visit(ticket), TechnicianFactory())

    resolved = Ticket.objects.get(pk=ticket.pk)
    assert resolved.status == Ticket.Status.RESOLVED
    row = summary(ticket)
    assert (row.status, row.resolved_at) == (Ticket.Status.RESOLVED, resolved.resolved_at)
    assert (row.repaired, row.visited) == (True, True)

    services.reopen_ticket(ticket=resolved, reason="Leaking again", by=None)

    row = summary(ticket)
    assert (row.status, row.resolved_at) == (Ticket.Status.TRIAGED, None)
    assert row.repaired  # its completed visit still is


def test_a_ticket_solved_on_the_phone_and_then_visited_is_no_remote_fix():
    ticket = open_ticket()
    services.resolve_remotely(ticket=ticket, by=None, resolution_code=Ticket.Resolution.RESET_DONE)
    row = summary(ticket)
    assert row.status == Ticket.Status.RESOLVED
    assert row.solved_remotely_at is not None
    assert not row.visited

    services.reopen_ticket(ticket=Ticket.objects.get(pk=ticket.pk), reason="Again", by=None)
    visit = assign_today(new_visit(Ticket.objects.get(pk=ticket.pk)), TechnicianFactory())
    services.transition_visit(visit=visit, to="en_route", by=None)

    row = summary(ticket)
    assert (row.visited, row.repaired) == (True, False)


def test_a_batch_of_planned_tickets_has_its_rows_written_together():
    plans = [a_plan() for _ in range(3)]

    maintenance.generate()

    tickets = Ticket.objects.filter(maintenance__plan__in=plans).distinct()
    assert tickets.count() >= 3
    assert {(r.ticket_id, r.status, r.kind) for r in TicketSummary.objects.all()} == {
        (t.pk, Ticket.Status.TRIAGED, Ticket.Kind.MAINTENANCE) for t in tickets
    }


def test_the_rebuild_command_writes_the_receivers_rows_again(dispatcher):
    a = open_ticket()
    fixed(new_visit(a), TechnicianFactory())
    b = open_ticket(priority=2)
    services.reply(ticket=b, by=dispatcher, body="Coming tomorrow.")
    services.escalate(ticket=Ticket.objects.get(pk=b.pk), by=dispatcher, reason="Hard one")
    c = open_ticket()
    services.resolve_remotely(ticket=c, by=None, resolution_code=Ticket.Resolution.RESET_DONE)
    services.cancel_ticket(ticket=open_ticket(), reason="Duplicate", by=None)
    kept = rows()
    assert len(kept) == 4

    # A row gone stale and one missing are put right.
    TicketSummary.objects.filter(ticket=a).update(status=Ticket.Status.NEW, repaired=False)
    TicketSummary.objects.filter(ticket=c).delete()
    call_command("rebuild_visit_summaries", verbosity=0)
    assert rows() == kept

    call_command("rebuild_visit_summaries", verbosity=0)  # again: the same rows
    assert rows() == kept
