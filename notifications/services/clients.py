"""Messages to a client company's own people: the escalation contacts its contract names hear
of escalations to tier 2/3 and of SLAs about to be missed or missed; its approvers are asked
to approve billable work. Each in their language."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db.models import F, Q
from django.utils import formats, timezone, translation

from billing.models import WorkApproval
from billing.services import approvals
from customers.models import Contact
from fieldservice import languages
from fieldservice.money import Money
from tickets.models import Ticket

from .. import wording
from ..models import Notification
from .links import public_url
from .queue import enqueue_on_commit
from .recipients import Kind, config

# A missed SLA is told within this long after its due time; an older one was told already, or
# is older than the alerts (a sweeper that was down for days does not send stale news).
BREACH_LOOKBACK = datetime.timedelta(days=1)


def _languages(contacts: list[Contact]) -> list[tuple[Contact, str]]:
    chosen = languages.languages_of(c.user_id for c in contacts)
    return [(c, chosen.get(c.user_id) or c.customer.language or "en") for c in contacts]


def escalation_contacts(ticket: Ticket) -> list[tuple[Contact, str]]:
    """The ticket's contract's escalation contacts still at its organization, active and with
    an address, each with the language to write to them in: their own choice, else their
    company's."""
    if ticket.contract_id is None:
        return []
    contacts = list(
        Contact.objects.filter(
            escalation_contracts=ticket.contract_id,
            customer_id=ticket.customer_id,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "customer")
        .order_by("pk")
    )
    return _languages(contacts)


def _words(ticket: Ticket, contact: Contact, language: str, **values: str) -> dict[str, str]:
    return {
        "contact": contact.user.get_full_name() or contact.user.get_username(),
        "organization": contact.customer.name,
        "number": ticket.number,
        "what": wording.purpose(ticket, language),
        "url": public_url("portal:ticket", ticket.pk),
        **values,
    }


def tell_contacts_of_escalation(
    *, ticket: Ticket, from_tier: int, to_tier: int, reason: str
) -> int:
    """A ticket went up to tier 2 or 3: its organization's escalation contacts hear of it by
    email, in their language (a move back down is the contractor's own business). Returns the
    rows written."""
    if to_tier <= from_tier or to_tier < 2:
        return 0
    written = 0
    for contact, language in escalation_contacts(ticket):
        notification = Notification.objects.create(
            kind=Kind.CLIENT_ESCALATED,
            channel=Notification.Channel.EMAIL,
            recipient=contact.user.email,
            language=language,
            due_at=timezone.now(),
            payload=_words(ticket, contact, language, tier=str(to_tier), reason=reason or "-"),
        )
        enqueue_on_commit(notification)
        written += 1
    return written


def write_client_sla_alerts(*, now: datetime.datetime) -> int:
    """Tickets of contracts with escalation contacts whose SLA is about to be missed (within
    the dispatchers' alert margin) or was missed in the last day: each contact is told once per
    due time and state. Returns the rows offered (a repeat writes nothing)."""
    margin = datetime.timedelta(minutes=config("SLA_ALERT_MINUTES", 60))
    running = Q(sla_paused_at__isnull=True)
    tickets = (
        Ticket.objects.filter(
            status__in=Ticket.OPEN_STATUSES,
            contract__escalation_contacts__isnull=False,
        )
        .filter(
            (running & Q(sla_due_at__gt=now, sla_due_at__lte=now + margin))
            | (
                (running | Q(sla_paused_at__gte=F("sla_due_at")))
                & Q(sla_due_at__lte=now, sla_due_at__gt=now - BREACH_LOOKBACK)
            )
        )
        .select_related("customer", "site", "appliance__model", "appliance_model")
        .distinct()[:500]
    )
    rows = []
    for ticket in tickets:
        assert ticket.sla_due_at is not None  # the query matched its due time
        late = ticket.sla_due_at <= now
        kind = Kind.CLIENT_SLA_BREACHED if late else Kind.CLIENT_SLA_AT_RISK
        tz = ZoneInfo(str(ticket.site.timezone))
        for contact, language in escalation_contacts(ticket):
            due = wording.when(ticket.sla_due_at, tz, language)
            rows.append(
                Notification(
                    kind=kind,
                    channel=Notification.Channel.EMAIL,
                    recipient=contact.user.email,
                    language=language,
                    due_at=now,
                    dedupe_key=f"{kind}:{ticket.pk}:{ticket.sla_due_at:%Y%m%d%H%M}:{contact.pk}",
                    payload=_words(ticket, contact, language, due=due),
                )
            )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def ask_approvers(*, approval: WorkApproval) -> int:
    """Each approver (and administrator) of the organization gets the request by email in
    their language, with a signed link of their own to approve or decline it without logging
    in. Returns the rows written."""
    quote = approval.quote
    ticket = quote.ticket
    lines = list(quote.lines.all())
    technician = approval.requested_by
    asker = (technician.get_full_name() or technician.get_username()) if technician else "-"
    written = 0
    for contact, language in _languages(approvals.approvers(ticket.customer_id)):
        with translation.override(language):
            amount = str(Money(approval.amount.amount, str(approval.amount.currency)))  # type: ignore[attr-defined]
            limit = str(Money(approval.limit.amount, str(approval.limit.currency)))  # type: ignore[attr-defined]
            expires = formats.date_format(
                timezone.localtime(approval.expires_at, ZoneInfo(str(ticket.site.timezone))),
                "DATETIME_FORMAT",
            )
            listed = "\n".join(
                f"- {line.description}: {Money(line.amount, quote.currency)}" for line in lines
            )
        url = public_url("portal:approval", approvals.approval_token(approval, contact))
        notification = Notification.objects.create(
            kind=Kind.APPROVAL_REQUESTED,
            channel=Notification.Channel.EMAIL,
            recipient=contact.user.email,
            language=language,
            due_at=timezone.now(),
            payload=_words(
                ticket,
                contact,
                language,
                url=url,
                technician=asker,
                address=str(ticket.site),
                lines=listed,
                amount=amount,
                limit=limit,
                expires=expires,
            ),
        )
        enqueue_on_commit(notification)
        written += 1
    return written
