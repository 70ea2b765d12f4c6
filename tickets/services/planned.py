"""Generated tickets opened in a batch, each with its one unassigned visit: the preventive
plans' maintenance (tickets.services.maintenance opens a chunk of plans' occurrences at once).

The same rules, history and domain events as open_ticket followed by create_visit, one ticket
at a time: check_opening and the visit's length refuse what they refuse; the ticket is covered
by the plan's contract and due at the end of its tolerance window; its history reads opened,
status new -> triaged, visit created; ticket_opened, ticket_status_changed and visit_created
are sent for each (the first two with in_batch), then tickets_opened for the whole batch,
inside the caller's transaction, so whatever subscribes (notifications) writes its rows with
them (a receiver of ticket_opened finds the ticket triaged already: its visit exists by then;
one that writes a row per ticket does it for the batch at once). What differs is the cost: a
fixed number of queries for the whole batch (bulk inserts), not some twenty per ticket."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from contracts.models import ServiceContract
from customers.models import Appliance, Customer, Site
from technicians.models import Skill

from .. import events
from ..models import Ticket, TicketEvent, Visit
from .search import search_document
from .tickets import check_opening, plan_coverage
from .visits import check_length, visit_minutes

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TS = Ticket.Status
SEARCH_BATCH = 100


@dataclass(frozen=True)
class PlannedJob:
    """One ticket to open for a contract's planned work, with its visit's expected minutes."""

    customer: Customer
    site: Site
    appliance: Appliance | None
    contract: ServiceContract
    description: str
    due_at: datetime.datetime
    duration_minutes: int | None = None
    kind: str = Ticket.Kind.MAINTENANCE
    channel: str = Ticket.Channel.WEB  # generated, not called in
    priority: int = Ticket.Priority.P4


def check_planned_job(job: PlannedJob) -> None:
    """What open_ticket and create_visit would refuse for this job, naming the field."""
    check_opening(
        customer=job.customer,
        site=job.site,
        kind=job.kind,
        appliance=job.appliance,
        appliance_model=None,
        codes=[],
        description=job.description,
        channel=job.channel,
        priority=job.priority,
        plan_contract=job.contract,
    )
    if job.duration_minutes is not None:
        check_length(job.duration_minutes)


def _skills_by_category(jobs: Sequence[PlannedJob]) -> dict[str, list[Skill]]:
    """The general skills of the jobs' appliance categories, in one query (assess_ticket's
    skills of a ticket without error codes)."""
    categories = {job.appliance.category for job in jobs if job.appliance is not None}
    categories.discard("")
    found: dict[str, list[Skill]] = defaultdict(list)
    if categories:
        for skill in Skill.objects.filter(appliance_category__in=categories).order_by("pk"):
            found[skill.appliance_category].append(skill)
    return found


@transaction.atomic
def open_planned_tickets(*, jobs: Sequence[PlannedJob], by: User | None = None) -> list[Visit]:
    """Open a ticket with one unassigned visit for each job; the visits (each with its
    .ticket) in the jobs' order. A refused job refuses the batch and writes nothing: a caller
    that wants the others to go on checks each with check_planned_job first."""
    for job in jobs:
        check_planned_job(job)
    if not jobs:
        return []
    now = timezone.now()
    opener = by if by is not None and by.is_authenticated else None
    skills = _skills_by_category(jobs)
    tickets = []
    for job in jobs:
        coverage = plan_coverage(job.contract)
        tickets.append(
            Ticket(
                customer=job.customer,
                site=job.site,
                appliance=job.appliance,
                appliance_model=job.appliance.model if job.appliance else None,
                kind=job.kind,
                reported_codes=[],
                unknown_codes=[],
                description=job.description,
                channel=job.channel,
                priority=int(job.priority),
                # Its visit is created with it: triaged, as create_visit leaves a new ticket.
                status=TS.TRIAGED,
                coverage=coverage.coverage,
                coverage_reason=coverage.reason,
                contract=coverage.contract,
                sla_due_at=job.due_at,
                response_due_at=job.due_at,
                created_at=now,
                created_by=opener,
            )
        )
    Ticket.objects.bulk_create(tickets)
    # The search text names the ticket's number, so it is written once the numbers exist.
    for ticket in tickets:
        ticket.search_text = search_document(
            pk=ticket.pk,
            customer_name=ticket.customer.name,
            description=ticket.description,
            codes=[],
        )
    # In batches: one UPDATE of a CASE over hundreds of keys is slower than several smaller.
    Ticket.objects.bulk_update(tickets, ["search_text"], batch_size=SEARCH_BATCH)
    needs = Ticket.required_skills.through
    needs.objects.bulk_create(
        [
            needs(ticket_id=ticket.pk, skill_id=skill.pk)
            for ticket in tickets
            if ticket.appliance is not None
            for skill in skills.get(ticket.appliance.category, [])
        ]
    )
    visits = [
        Visit(
            ticket=ticket,
            duration_minutes=job.duration_minutes
            or visit_minutes(
                kind=ticket.kind,
                category=ticket.appliance_model.category if ticket.appliance_model else None,
            ),
        )
        for ticket, job in zip(tickets, jobs, strict=True)
    ]
    Visit.objects.bulk_create(visits)
    history = []
    for ticket, visit in zip(tickets, visits, strict=True):
        history += [
            TicketEvent(
                ticket=ticket,
                by=opener,
                kind=TicketEvent.Kind.OPENED,
                to_value=TS.NEW,
                data={"coverage": ticket.coverage, "unknown_codes": []},
            ),
            TicketEvent(
                ticket=ticket,
                by=opener,
                kind=TicketEvent.Kind.STATUS,
                from_value=TS.NEW,
                to_value=TS.TRIAGED,
                data={},
            ),
            TicketEvent(
                ticket=ticket,
                by=opener,
                kind=TicketEvent.Kind.VISIT_CREATED,
                to_value=str(visit.pk),
                data={"follow_up_of": None},
            ),
        ]
    TicketEvent.objects.bulk_create(history)
    for ticket, visit in zip(tickets, visits, strict=True):
        events.ticket_opened.send(sender=Ticket, ticket=ticket, in_batch=True)
        events.ticket_status_changed.send(
            sender=Ticket, ticket=ticket, from_status=TS.NEW, to_status=TS.TRIAGED, in_batch=True
        )
        events.visit_created.send(sender=Visit, visit=visit)
    events.tickets_opened.send(sender=Ticket, tickets=tickets)
    return visits
