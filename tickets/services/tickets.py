"""A ticket's life: opening it with its coverage and SLA, its status, priority and tier."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Appliance, ApplianceModel, Customer, Site
from fieldservice import texts
from fieldservice.errors import InvalidInput, StaleVersion, TransitionNotAllowed

from .. import events, locks
from ..models import Ticket, TicketEvent, Visit
from ..selectors import assess_ticket
from ..sla import load_calendar, sla_due
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
) -> Ticket:
    """Open a ticket: match its codes, decide coverage and the SLA due time, record it.
    `client_key` is the opening form's key (see ticket_sent_before)."""
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
    if kind != Ticket.Kind.INSTALLATION and appliance is None:
        raise InvalidInput(_("Choose the appliance that needs service."), field="appliance")
    texts.ensure_length(description, limit=texts.DESCRIPTION, field="description")
    _ensure_codes(codes or [])

    now = timezone.now()
    assessment = assess_ticket(
        customer=customer,
        appliance=appliance,
        appliance_model=appliance_model,
        codes=codes or [],
        priority=int(priority),
        at=now,
    )
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
        coverage=assessment.coverage.coverage,
        coverage_reason=assessment.coverage.reason,
        contract=assessment.coverage.contract,
        sla_due_at=assessment.sla_due_at,
        created_at=now,
        created_by=by if by is not None and by.is_authenticated else None,
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
    """Change an open ticket's description or priority; a new priority moves the SLA due time
    as if the ticket had been opened with it."""
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
        if priority not in Ticket.Priority.values:
            raise InvalidInput(_("Priority goes from 1 (urgent) to 4."), field="priority")
        old = ticket.priority
        ticket.priority = priority
        if ticket.sla_paused_at is None:
            ticket.sla_due_at = sla_due(
                opened_at=ticket.created_at,
                priority=priority,
                contract=ticket.contract,
                calendar=load_calendar(),
            )
        record(
            ticket=ticket,
            by=by,
            kind=TicketEvent.Kind.NOTE,
            from_value=f"P{old}",
            to_value=f"P{priority}",
            reason=_("Priority changed"),
        )
    ticket.save()
    if description is not None:
        refresh_search(ticket)
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
    ticket.tier = to
    ticket.save(update_fields=["tier", "updated_at"])
    kind = TicketEvent.Kind.ESCALATED if to > previous else TicketEvent.Kind.DEESCALATED
    record(ticket=ticket, by=by, kind=kind, from_value=previous, to_value=to, reason=reason)
    events.ticket_escalated.send(sender=Ticket, ticket=ticket, from_tier=previous, to_tier=to)
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
