"""A ticket's life: opening it with its coverage and SLA, its status, priority and tier."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import ServiceContract
from customers.models import Appliance, ApplianceModel, Customer, Site
from fieldservice import texts
from fieldservice.errors import InvalidInput, StaleVersion, TransitionNotAllowed

from .. import closing, events, locks
from ..coverage import CoverageDecision
from ..models import Ticket, TicketEvent, Visit
from ..selectors import assess_ticket
from ..sla import calendar_for, response_due, sla_due
from ..transitions import REOPENABLE
from .history import record
from .search import refresh_search
from .status import set_ticket_status, set_visit_status

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TS = Ticket.Status
VS = Visit.Status


def ticket_sent_before(*, customer: Customer, client_key: str) -> Ticket | None:
    """The ticket that an earlier copy of the same form (same key) opened, if any. Locks the
    customer's row first, so two copies arriving at once are taken one after the other and
    the second finds the first's ticket. Call inside the transaction that would open one."""
    if not client_key:
        return None
    locks.lock_customer(customer.pk)
    return Ticket.objects.filter(customer=customer, client_key=client_key).first()


@transaction.atomic
def open_ticket(
    *,
    customer: Customer,
    site: Site,
    kind: str = Ticket.Kind.REPAIR,
    appliance: Appliance | None = None,
    appliance_model: ApplianceModel | None = None,
    codes: list[str] | None = None,
    description: str = "",
    channel: str = Ticket.Channel.PHONE,
    priority: int = Ticket.Priority.P3,
    by: User | None = None,
    client_key: str = "",
    plan_contract: ServiceContract | None = None,
    due_at: datetime.datetime | None = None,
    requested_by: User | None = None,
) -> Ticket:
    """Open a ticket: match its codes, decide coverage and the SLA due time, record it.
    `client_key` is the opening form's key (see ticket_sent_before).

    A preventive plan's maintenance ticket gives `plan_contract` (the visit is what the
    contract pays for, whatever else covers the appliance; a plan of a site may name no
    appliance) and `due_at`, the end of its tolerance window, as its response and resolution
    due times.

    `requested_by` is the organization's contact the ticket is for; by default whoever opens
    it when they are a contact of the customer (a portal booking)."""
    requested_by = _requester(customer=customer, requested_by=requested_by, by=by)
    check_opening(
        customer=customer,
        site=site,
        kind=kind,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes or [],
        description=description,
        channel=channel,
        priority=priority,
        plan_contract=plan_contract,
    )

    now = timezone.now()
    assessment = assess_ticket(
        customer=customer,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes or [],
        priority=int(priority),
        at=now,
    )
    coverage = assessment.coverage
    if plan_contract is not None:
        coverage = plan_coverage(plan_contract)
    ticket = Ticket.objects.create(
        customer=customer,
        site=site,
        appliance=appliance,
        appliance_model=appliance_model or (appliance.model if appliance else None),
        kind=kind,
        reported_codes=list(codes or []),
        unknown_codes=assessment.codes.unknown,
        description=description,
        channel=channel,
        priority=int(priority),
        coverage=coverage.coverage,
        coverage_reason=coverage.reason,
        contract=coverage.contract,
        sla_due_at=due_at or assessment.sla_due_at,
        response_due_at=due_at or assessment.response_due_at,
        created_at=now,
        created_by=by if by is not None and by.is_authenticated else None,
        requested_by=requested_by,
        client_key=client_key or None,
    )
    ticket.error_codes.set(assessment.codes.matched)
    ticket.required_skills.set(assessment.skills)
    refresh_search(ticket)
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.OPENED,
        to_value=TS.NEW,
        coverage=ticket.coverage,
        unknown_codes=ticket.unknown_codes,
    )
    events.ticket_opened.send(sender=Ticket, ticket=ticket)
    return ticket


def _requester(*, customer: Customer, requested_by: User | None, by: User | None) -> User | None:
    if requested_by is not None:
        if not customer.contacts.filter(user=requested_by).exists():
            raise InvalidInput(
                _("%(person)s is not a contact of %(organization)s: choose one of its contacts.")
                % {
                    "person": requested_by.get_full_name() or requested_by.get_username(),
                    "organization": customer.name,
                },
                field="requested_by",
            )
        return requested_by
    if by is not None and by.is_authenticated and customer.contacts.filter(user=by).exists():
        return by
    return None


def check_opening(
    *,
    customer: Customer,
    site: Site,
    kind: str,
    appliance: Appliance | None,
    appliance_model: ApplianceModel | None,
    codes: list[str],
    description: str,
    channel: str,
    priority: int,
    plan_contract: ServiceContract | None,
) -> None:
    """What opening a ticket refuses, naming the field (open_ticket and the batch opener of
    generated tickets, tickets.services.planned, alike)."""
    if site.customer_id != customer.pk:
        raise InvalidInput(_("The site does not belong to this customer."), field="site")
    if appliance is not None and appliance.site_id != site.pk:
        raise InvalidInput(_("The appliance is not at this site."), field="appliance")
    if kind not in Ticket.Kind.values:
        raise InvalidInput(_("Unknown kind of job: %(kind)s.") % {"kind": kind}, field="kind")
    if channel not in Ticket.Channel.values:
        raise InvalidInput(_("Unknown channel: %(c)s.") % {"c": channel}, field="channel")
    if int(priority) not in Ticket.Priority.values:
        raise InvalidInput(_("Priority must be 1 to 4."), field="priority")
    if kind == Ticket.Kind.INSTALLATION and appliance is None and appliance_model is None:
        raise InvalidInput(
            _("An installation needs the appliance model to install."), field="appliance_model"
        )
    if kind != Ticket.Kind.INSTALLATION and appliance is None and plan_contract is None:
        raise InvalidInput(_("Choose the appliance that needs service."), field="appliance")
    texts.ensure_length(description, limit=texts.DESCRIPTION, field="description")
    _ensure_codes(codes)


def plan_coverage(contract: ServiceContract) -> CoverageDecision:
    """A preventive plan's ticket: the visit is what the contract pays for."""
    return CoverageDecision(
        Ticket.Coverage.CONTRACT,
        _("Preventive maintenance under contract %(number)s.") % {"number": contract.number},
        contract,
    )


def _ensure_codes(codes: list[str]) -> None:
    if len(codes) > texts.CODES:
        raise InvalidInput(
            _("At most %(n)d error codes on one ticket.") % {"n": texts.CODES}, field="codes"
        )
    for code in codes:
        texts.ensure_length(code, limit=texts.CODE, field="codes")


def ensure_unchanged(*, ticket: Ticket, expected_stamp: str | None) -> None:
    """StaleVersion when the caller read the ticket before its last change. Caller holds its
    lock."""
    if expected_stamp is not None and ticket.change_stamp != expected_stamp:
        raise StaleVersion(_("The ticket changed since you loaded it; load it again."))


@transaction.atomic
def transition_ticket(
    *,
    ticket: Ticket,
    to: str,
    by: User | None,
    reason: str = "",
    now: datetime.datetime | None = None,
    expected_stamp: str | None = None,
) -> Ticket:
    """Move a ticket to another status, if its state machine allows it."""
    if to not in TS.values:
        raise InvalidInput(_("Unknown ticket status: %(s)s.") % {"s": to}, field="to")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    closing.ensure_may_finish(ticket=ticket, to=to, reason=reason)
    set_ticket_status(ticket=ticket, to=to, by=by, reason=reason, now=now or timezone.now())
    if to == TS.CANCELLED:
        for visit in locks.lock_visits(
            list(
                ticket.visits.filter(status__in=[VS.UNASSIGNED, VS.SCHEDULED]).values_list(
                    "pk", flat=True
                )
            )
        ):
            set_visit_status(visit=visit, to=VS.CANCELLED, by=by, reason=reason)
    return ticket


@transaction.atomic
def update_ticket(
    *,
    ticket: Ticket,
    by: User | None,
    description: str | None = None,
    priority: int | None = None,
    expected_stamp: str | None = None,
) -> Ticket:
    """Change an open ticket's description or priority; a new priority moves the SLA due
    times as if the ticket had been opened with it (change_priority)."""
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot be changed.") % {"status": ticket.get_status_display()}
        )
    if description is not None:
        texts.ensure_length(description, limit=texts.DESCRIPTION, field="description")
        ticket.description = description
    if priority is not None and priority != ticket.priority:
        _set_priority(ticket, priority=priority, by=by, reason="")
    ticket.save()
    if priority is not None:
        events.ticket_changed.send(sender=Ticket, ticket=ticket)
    if description is not None:
        refresh_search(ticket)
    return ticket


def _recount_clocks(ticket: Ticket) -> dict[str, str]:
    """Count the unmet SLA clocks again from the opening, with the ticket's priority now; the
    due times before and after, for the history. A paused clock keeps its due time (it is
    moved when the clock resumes)."""
    before = {"response_due": ticket.response_due_at, "resolution_due": ticket.sla_due_at}
    if ticket.sla_paused_at is None:
        calendar = calendar_for(ticket.contract)
        if ticket.responded_at is None:
            ticket.response_due_at = response_due(
                opened_at=ticket.created_at,
                priority=ticket.priority,
                contract=ticket.contract,
                calendar=calendar,
            )
        if ticket.resolved_at is None:
            ticket.sla_due_at = sla_due(
                opened_at=ticket.created_at,
                priority=ticket.priority,
                contract=ticket.contract,
                calendar=calendar,
            )
    after = {"response_due": ticket.response_due_at, "resolution_due": ticket.sla_due_at}
    return {
        f"{name}_{when}": moment.isoformat()
        for when, values in (("from", before), ("to", after))
        for name, moment in values.items()
    }


def _set_priority(ticket: Ticket, *, priority: int, by: User | None, reason: str) -> None:
    if priority not in Ticket.Priority.values:
        raise InvalidInput(_("Priority goes from 1 (urgent) to 4."), field="priority")
    old = ticket.priority
    ticket.priority = priority
    clocks = _recount_clocks(ticket)
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.PRIORITY,
        from_value=f"P{old}",
        to_value=f"P{priority}",
        reason=reason,
        **clocks,
    )


def _ensure_open(ticket: Ticket, message: str) -> None:
    """TransitionNotAllowed with `message` (which names the status) unless the ticket is open."""
    if not ticket.is_open:
        raise TransitionNotAllowed(message % {"status": ticket.get_status_display()})


@transaction.atomic
def change_priority(
    *,
    ticket: Ticket,
    priority: int,
    by: User | None,
    reason: str = "",
    expected_stamp: str | None = None,
) -> Ticket:
    """Give an open ticket another priority: both SLA clocks are counted again from the
    opening (those not met yet) and the change goes in the history with the due times."""
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    _ensure_open(ticket, _("A %(status)s ticket cannot change priority."))
    if priority == ticket.priority:
        raise InvalidInput(
            _("The ticket already has priority P%(p)d.") % {"p": priority}, field="priority"
        )
    _set_priority(ticket, priority=priority, by=by, reason=reason)
    ticket.save()
    events.ticket_changed.send(sender=Ticket, ticket=ticket)
    return ticket


@transaction.atomic
def change_kind(
    *,
    ticket: Ticket,
    kind: str,
    by: User | None,
    reason: str = "",
    expected_stamp: str | None = None,
) -> Ticket:
    """Make an open ticket another kind of job (installation, repair, maintenance): the SLA
    clocks are counted again and the change goes in the history."""
    if kind not in Ticket.Kind.values:
        raise InvalidInput(_("Unknown kind of job: %(kind)s.") % {"kind": kind}, field="kind")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    _ensure_open(ticket, _("A %(status)s ticket cannot change its kind of job."))
    if kind == ticket.kind:
        raise InvalidInput(_("The ticket is already that kind of job."), field="kind")
    if kind == Ticket.Kind.INSTALLATION and ticket.appliance_model is None:
        raise InvalidInput(_("An installation needs the appliance model to install."), field="kind")
    if kind != Ticket.Kind.INSTALLATION and ticket.appliance is None:
        raise InvalidInput(
            _("Only an installation can be without a registered appliance."), field="kind"
        )
    old = ticket.kind
    ticket.kind = kind
    clocks = _recount_clocks(ticket)
    ticket.save()
    record(
        ticket=ticket,
        by=by,
        kind=TicketEvent.Kind.KIND,
        from_value=old,
        to_value=kind,
        reason=reason,
        **clocks,
    )
    events.ticket_changed.send(sender=Ticket, ticket=ticket)
    return ticket


def mark_responded(
    ticket: Ticket, at: datetime.datetime | None = None, *, by: User | None = None, how: str = ""
) -> bool:
    """Record that the customer had the first response (a public reply, a scheduled visit):
    the response clock is met. The first time wins; later calls change nothing and return
    False. `how` says what the response was, for the history."""
    at = at or timezone.now()
    with transaction.atomic():
        first = Ticket.objects.filter(pk=ticket.pk, responded_at__isnull=True).update(
            responded_at=at
        )
        if not first:
            ticket.responded_at = (
                Ticket.objects.filter(pk=ticket.pk).values_list("responded_at", flat=True).get()
            )
            return False
        ticket.responded_at = at
        record(
            ticket=ticket,
            by=by,
            kind=TicketEvent.Kind.RESPONDED,
            to_value=at.isoformat(),
            reason=how,
            on_time=at <= ticket.response_due_at,
        )
        events.ticket_changed.send(sender=Ticket, ticket=ticket)
    return True


def _reason_needed(reason: str, message: str) -> None:
    if not reason.strip():
        raise InvalidInput(message, field="reason")


@transaction.atomic
def cancel_ticket(
    *, ticket: Ticket, reason: str, by: User | None, expected_stamp: str | None = None
) -> Ticket:
    """Cancel an open ticket, saying why; its visits not yet under way are cancelled with it
    (through the visit state machine, so the customer and technician hear of it)."""
    _reason_needed(reason, _("Say why the ticket is cancelled."))
    return transition_ticket(
        ticket=ticket, to=TS.CANCELLED, by=by, reason=reason, expected_stamp=expected_stamp
    )


@transaction.atomic
def resolve_ticket(
    *, ticket: Ticket, by: User | None, reason: str = "", expected_stamp: str | None = None
) -> Ticket:
    """Mark the ticket resolved: the resolution clock is met."""
    return transition_ticket(
        ticket=ticket, to=TS.RESOLVED, by=by, reason=reason, expected_stamp=expected_stamp
    )


@transaction.atomic
def close_ticket(
    *, ticket: Ticket, by: User | None, reason: str = "", expected_stamp: str | None = None
) -> Ticket:
    """Close a resolved ticket."""
    return transition_ticket(
        ticket=ticket, to=TS.CLOSED, by=by, reason=reason, expected_stamp=expected_stamp
    )


@transaction.atomic
def reopen_ticket(
    *, ticket: Ticket, reason: str, by: User | None, expected_stamp: str | None = None
) -> Ticket:
    """Open a resolved or closed ticket again: back in progress when a visit is under way,
    else triaged for a new visit. The resolution clock runs again."""
    _reason_needed(reason, _("Say why the ticket is reopened."))
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    if ticket.status not in REOPENABLE:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot be reopened: only a resolved or closed one can.")
            % {"status": ticket.get_status_display()}
        )
    under_way = ticket.visits.filter(status__in=[VS.EN_ROUTE, VS.ON_SITE]).exists()
    to = TS.IN_PROGRESS if under_way else TS.TRIAGED
    set_ticket_status(ticket=ticket, to=to, by=by, reason=reason, now=timezone.now())
    return ticket


def _change_tier(ticket: Ticket, *, to: int, by: User | None, reason: str) -> Ticket:
    if not reason.strip():
        raise InvalidInput(_("Say why the tier changes."), field="reason")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    if not ticket.is_open:
        raise TransitionNotAllowed(
            _("A %(status)s ticket cannot change tier.") % {"status": ticket.get_status_display()}
        )
    previous = ticket.tier
    held_by = ticket.held_by_id
    ticket.tier = to
    # Into the new tier's queue: someone there takes it.
    ticket.held_by = None
    ticket.save(update_fields=["tier", "held_by", "updated_at"])
    kind = TicketEvent.Kind.ESCALATED if to > previous else TicketEvent.Kind.DEESCALATED
    record(
        ticket=ticket,
        by=by,
        kind=kind,
        from_value=previous,
        to_value=to,
        reason=reason,
        **({"held_by": held_by} if held_by else {}),
    )
    events.ticket_escalated.send(
        sender=Ticket, ticket=ticket, from_tier=previous, to_tier=to, reason=reason, by=by
    )
    return ticket


@transaction.atomic
def escalate(
    *, ticket: Ticket, by: User | None, reason: str, expected_stamp: str | None = None
) -> Ticket:
    """Raise the ticket one support tier (1 -> 2 -> 3)."""
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    if ticket.tier >= Ticket.Tier.THIRD:
        raise TransitionNotAllowed(_("The ticket is already at tier 3."))
    return _change_tier(ticket, to=ticket.tier + 1, by=by, reason=reason)


@transaction.atomic
def deescalate(
    *, ticket: Ticket, by: User | None, reason: str, expected_stamp: str | None = None
) -> Ticket:
    """Lower the ticket one support tier."""
    ticket = locks.lock_ticket(ticket.pk)
    ensure_unchanged(ticket=ticket, expected_stamp=expected_stamp)
    if ticket.tier <= Ticket.Tier.FIRST:
        raise TransitionNotAllowed(_("The ticket is already at tier 1."))
    return _change_tier(ticket, to=ticket.tier - 1, by=by, reason=reason)
