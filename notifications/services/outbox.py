"""Writing outbox rows inside the transaction of the change that causes them, one per channel
the recipient chose, each handed to a worker once the change commits."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import formats, timezone, translation

from billing.models import Invoice, Quote
from billing.services.quotes import needs_approver
from contracts.hours import hours_text
from contracts.models import ServiceContract
from customers.models import Contact, Customer
from depot.models import Loan, RepairOrder, RepairStep
from fieldservice.money import Money
from technicians.models import Technician
from tickets.models import Message, Ticket, Visit

from .. import wording
from ..models import Notification, Preference
from .links import public_url
from .queue import enqueue_on_commit
from .recipients import (
    Kind,
    after_quiet_hours,
    channels_of,
    config,
    dispatchers,
    staff_language,
    tier_members,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise


def _in(language: str, word: str | Promise) -> str:
    """A word for a payload, fixed in the recipient's language when the row is written."""
    with translation.override(language):
        return str(word)


def ticket_email(ticket: Ticket) -> str:
    """Where a ticket's messages go: for a client company, the contact who requested it while
    they are still its contact (and active), else its first administrator, else the company's
    own address; a household's (or a phoned-in customer's) own address otherwise."""
    customer = ticket.customer
    if customer.kind != Customer.Kind.COMPANY:
        return customer.email
    contacts = Contact.objects.filter(customer=customer, user__is_active=True).exclude(
        user__email=""
    )
    if ticket.requested_by_id is not None:
        requester = contacts.filter(user_id=ticket.requested_by_id).values_list(
            "user__email", flat=True
        )
        if requester:
            return requester[0]
    administrator = (
        contacts.filter(role=Contact.Role.ADMINISTRATOR)
        .order_by("pk")
        .values_list("user__email", flat=True)
        .first()
    )
    return administrator or customer.email


def notify_customer(
    *, visit: Visit, kind: str, due_at: datetime.datetime | None = None, **payload: object
) -> Notification | None:
    """Messages to the visit's customer on the channels they chose. The caller is inside the
    change's transaction. Returns the email notification, if any."""
    customer = visit.ticket.customer
    preference = Preference.objects.filter(customer=customer).first()
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    due = after_quiet_hours(due_at or timezone.now(), preference, tz)
    return _write(
        channels_of(preference, email=ticket_email(visit.ticket), phone=customer.phone),
        kind=kind,
        language=customer.language or "en",
        visit=visit,
        payload={"sequence": visit.version, **payload},
        due_at=due,
    )


def _write(channels: list[tuple[str, str]], **fields: object) -> Notification | None:
    """One outbox row per channel, each handed to Celery once the change commits. Returns the
    email row, if any."""
    created = None
    for channel, address in channels:
        notification = Notification.objects.create(channel=channel, recipient=address, **fields)
        enqueue_on_commit(notification)
        if channel == Notification.Channel.EMAIL:
            created = notification
    return created


def confirm_email_address(*, customer: Customer, confirm_url: str) -> Notification | None:
    """The link that confirms a new account's address, by email in the customer's language
    whatever their preferences: proving the mailbox is the point."""
    return _write(
        [(Notification.Channel.EMAIL, customer.email)],
        kind=Kind.CONFIRM_EMAIL,
        language=customer.language or "en",
        visit=None,
        payload={"name": customer.name, "confirm_url": confirm_url},
        due_at=timezone.now(),
    )


def send_quote_link(*, quote: Quote, quote_url: str) -> list[Notification]:
    """The quote to decide, by email with the link that opens it (the customer asked for it:
    sent whatever their preferences). A household gets it at its own address with the signed
    link; a client company's goes to the ticket's requester (ticket_email) with the signed
    link, and when its total is above the organization's approval threshold, which only an
    approver or an administrator may accept signed in, also to each of them with the link to
    the quote's portal page. Returns the rows written."""
    ticket = quote.ticket
    customer = ticket.customer
    language = customer.language or "en"
    with translation.override(language):
        total = str(Money(quote.total, quote.currency))
        until = formats.date_format(quote.valid_until, "DATE_FORMAT")
    words = {"number": quote.number, "total": total, "valid_until": until}
    to_approvers = customer.kind == Customer.Kind.COMPANY and needs_approver(quote)
    # The deciders first: one who asked for the ticket too gets the email they can act on.
    recipients: list[tuple[str, str, str, str]] = []
    if to_approvers:
        portal_url = public_url("portal:quote", quote.pk)
        deciders = (
            Contact.objects.filter(
                customer=customer,
                role__in=(Contact.Role.APPROVER, Contact.Role.ADMINISTRATOR),
                user__is_active=True,
            )
            .exclude(user__email="")
            .select_related("user")
            .order_by("pk")
        )
        recipients += [(c.user.email, c.name, portal_url, "approval") for c in deciders]
    requester = ticket.requester
    greeted = requester.name if requester is not None else customer.name
    recipients.append((ticket_email(ticket), greeted, quote_url, ""))
    rows, seen = [], set()
    for address, name, url, why in recipients:
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        row = _write(
            [(Notification.Channel.EMAIL, address)],
            kind=Kind.QUOTE_SENT,
            language=language,
            visit=None,
            payload={**words, "name": name, "quote_url": url, "approval": why},
            due_at=timezone.now(),
        )
        if row is not None:
            rows.append(row)
    return rows


def send_password_reset(*, user: User, reset_url: str, language: str) -> Notification | None:
    """The link that sets a new password, by email whatever the person's preferences (it
    answers their own request), in their language: a customer's own, else that of the page
    they asked from."""
    customer = (
        Customer.objects.filter(contacts__user=user).order_by("name", "pk").only("language").first()
    )
    if customer is not None and customer.language:
        language = customer.language
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return _write(
        [(Notification.Channel.EMAIL, user.email)],
        kind=Kind.PASSWORD_RESET,
        language=language,
        visit=None,
        payload={"name": user.get_full_name() or user.get_username(), "reset_url": reset_url},
        due_at=timezone.now(),
    )


def invite_contact(
    *, contact: Contact, set_password_url: str, sign_in_url: str, by: User | None = None
) -> Notification | None:
    """The invitation of a new contact of an organization, by email in the organization's
    language whatever anyone's preferences: who added them, for which company and role, and the
    link that sets their password (`set_password_url`; "" for a person who has one already,
    who gets `sign_in_url` instead)."""
    user, customer = contact.user, contact.customer
    if not user.email:
        return None
    language = customer.language if customer.language in dict(settings.LANGUAGES) else "en"
    return _write(
        [(Notification.Channel.EMAIL, user.email)],
        kind=Kind.CONTACT_INVITED,
        language=language,
        visit=None,
        payload={
            "name": user.get_full_name() or user.email,
            "organization": customer.name,
            "role": _in(language, contact.get_role_display()),
            "inviter": (by.get_full_name() or by.email) if by is not None else "",
            "set_password_url": set_password_url,
            "sign_in_url": sign_in_url,
        },
        due_at=timezone.now(),
    )


def email_invoice(*, invoice: Invoice) -> Notification | None:
    """The issued invoice, its PDF attached when it is sent, by email in the customer's
    language whatever their preferences: an invoice is no reminder to opt out of."""
    customer = invoice.customer
    language = invoice.language or customer.language or "en"
    with translation.override(language):
        total = str(Money(invoice.amount_due, invoice.currency))
        kind_name = str(invoice.get_kind_display())
    return _write(
        [(Notification.Channel.EMAIL, customer.email)],
        kind=Kind.INVOICE,
        language=language,
        visit=None,
        payload={
            "invoice_id": invoice.pk,
            "name": customer.name,
            "number": invoice.number,
            "document": kind_name,
            "total": total,
            "portal_url": public_url("portal:invoice", invoice.pk),
        },
        due_at=timezone.now(),
    )


def _references(ticket: Ticket, *, before: Message | None = None) -> str:
    """The Message-IDs of the thread so far, oldest first, so mail clients keep one thread."""
    ids = ticket.messages.filter(visibility=Message.Visibility.PUBLIC)
    if before is not None:
        ids = ids.filter(pk__lt=before.pk)
    return " ".join(list(ids.order_by("-pk").values_list("message_id", flat=True)[:20])[::-1])


def email_reply(*, message: Message) -> Notification | None:
    """A public reply, emailed to the ticket's customer in their language, threaded on the
    conversation: sent whatever their reminder preferences, since it answers them."""
    ticket = message.ticket
    customer = ticket.customer
    if not customer.email:
        return None  # the reply is on their portal page all the same
    return _write(
        [(Notification.Channel.EMAIL, customer.email)],
        kind=Kind.TICKET_REPLY,
        language=customer.language or "en",
        visit=None,
        payload={
            "number": ticket.number,
            "name": customer.name,
            "body": message.body,
            "message_id": message.message_id,
            "in_reply_to": message.in_reply_to,
            "references": _references(ticket, before=message),
            "message_pk": message.pk,
        },
        due_at=timezone.now(),
    )


def acknowledge_email(*, ticket: Ticket, message: Message, to: str) -> Notification | None:
    """The one acknowledgement of an email that opened a ticket: its number, in the language
    of the customer it came from. Written once per ticket whatever calls it again."""
    customer = ticket.customer
    key = f"ticket-received-{ticket.pk}"
    if Notification.objects.filter(dedupe_key=key).exists():
        return None
    return _write(
        [(Notification.Channel.EMAIL, to)],
        kind=Kind.TICKET_RECEIVED,
        language=customer.language or "en",
        visit=None,
        payload={
            "number": ticket.number,
            "name": customer.name,
            "message_id": f"<ack-{ticket.pk}-{message.pk}@fieldservice>",
            "in_reply_to": message.message_id,
            "references": message.message_id,
        },
        dedupe_key=key,
        due_at=timezone.now(),
    )


def cancel_reminders(*, visit: Visit) -> None:
    """The visit's pending reminders will not be sent."""
    Notification.objects.filter(
        visit=visit, kind=Kind.REMINDER, status=Notification.Status.PENDING
    ).update(status=Notification.Status.CANCELLED)


def confirm_booking(*, visit: Visit, manage_url: str) -> None:
    """The one message of a booking: the visit was assigned a moment ago in this transaction,
    so its pending "scheduled" message becomes the confirmation; without one, a new one."""
    turned = Notification.objects.filter(
        visit=visit, kind=Kind.VISIT_SCHEDULED, status=Notification.Status.PENDING
    ).update(
        kind=Kind.BOOKING_CONFIRMED,
        payload={"sequence": visit.version, "manage_url": manage_url},
    )
    if not turned:
        notify_customer(visit=visit, kind=Kind.BOOKING_CONFIRMED, manage_url=manage_url)


def schedule_reminders(*, visit: Visit) -> None:
    """Replace the visit's pending reminders: the evening before (local) and hours before."""
    cancel_reminders(visit=visit)
    if not visit.window_start:
        return
    tz = ZoneInfo(str(visit.ticket.site.timezone))
    local_day = visit.window_start.astimezone(tz).date()
    # Local wall-clock time computed with zoneinfo: correct on daylight-saving change days.
    evening = datetime.datetime.combine(
        local_day - datetime.timedelta(days=1),
        datetime.time(config("REMINDER_EVENING_HOUR", 18)),
        tzinfo=tz,
    )
    before = visit.window_start - datetime.timedelta(hours=config("REMINDER_HOURS_BEFORE", 2))
    now = timezone.now()
    for due in (evening, before):
        if due > now:
            notify_customer(visit=visit, kind=Kind.REMINDER, due_at=due)


def notify_technician(
    *,
    technician: Technician | None,
    visit: Visit,
    change: str | Promise,
    planned_start: datetime.datetime | None,
) -> Notification | None:
    """Tell a technician about a change to today's or tomorrow's schedule (their local days),
    on the channels they chose. Returns the email notification, if any. `change` is a lazy
    word ("Added"), written in the technician's language, not in that of the request."""
    if technician is None or planned_start is None:
        return None
    tz = ZoneInfo(str(technician.timezone))
    today = timezone.now().astimezone(tz).date()
    if planned_start.astimezone(tz).date() not in (today, today + datetime.timedelta(days=1)):
        return None
    preference = Preference.objects.filter(technician=technician).first()
    language = staff_language(technician.user)
    return _write(
        channels_of(preference, email=technician.user.email, phone=technician.phone),
        kind=Kind.TECH_CHANGE,
        language=language,
        visit=visit,
        due_at=after_quiet_hours(timezone.now(), preference, tz),
        payload={
            "number": visit.ticket.number,
            "change": _in(language, change),
            "what": wording.purpose(visit.ticket, language),
            "window": wording.when(planned_start, tz, language),
            "address": str(visit.ticket.site),
            "name": technician.user.first_name,
        },
    )


def alert_dispatchers_of_hand_back(*, visit: Visit, technician: Technician, reason: str) -> int:
    """Tell every active dispatcher (by email, in their own language) that `technician` cannot
    come to `visit`, now back in the queue with its promised window, and why. Returns the rows
    written."""
    written = 0
    for _pk, email, language in dispatchers():
        _write(
            [(Notification.Channel.EMAIL, email)],
            kind=Kind.HANDED_BACK,
            language=language,
            visit=visit,
            due_at=timezone.now(),
            payload={
                "number": visit.ticket.number,
                "what": wording.purpose(visit.ticket, language),
                "name": str(visit.ticket.customer),
                "address": str(visit.ticket.site),
                "technician": str(technician),
                "window": wording.window(
                    visit.window_start, visit.window_end, settings.TIME_ZONE, language
                ),
                "reason": reason,
            },
        )
        written += 1
    return written


def alert_tier_of_escalation(
    *, ticket: Ticket, from_tier: int, to_tier: int, reason: str, by: User | None
) -> int:
    """Tell every member of the ticket's new tier's group (by email, in their own language)
    which ticket now waits in their queue, why, and where to take it; not the person who moved
    it. Returns the rows written."""
    queue_url = public_url("desk:queue", to_tier) + f"#{ticket.number}"
    mover = (by.get_full_name() or by.get_username()) if by is not None else "-"
    written = 0
    for pk, email, language in tier_members(to_tier):
        if by is not None and pk == by.pk:
            continue
        _write(
            [(Notification.Channel.EMAIL, email)],
            kind=Kind.ESCALATED,
            language=language,
            visit=None,
            due_at=timezone.now(),
            payload={
                "number": ticket.number,
                "what": wording.purpose(ticket, language),
                "name": str(ticket.customer),
                "tier": str(to_tier),
                "from_tier": str(from_tier),
                "by": mover,
                "reason": reason,
                "url": queue_url,
            },
        )
        written += 1
    return written


def _about_contract(
    contract: ServiceContract, *, kind: str, customer_url: str, desk_url: str, **values: str
) -> int:
    """One message to the contract's customer (on the channels they chose, in their language)
    and one to every active dispatcher (by email, in their own): the same words, each with the
    page they look at. Returns the rows written."""
    customer = contract.customer
    preference = Preference.objects.filter(customer=customer).first()
    payload = {"number": contract.number, "name": customer.name, **values}
    written = 0
    channels = channels_of(preference, email=customer.email, phone=customer.phone)
    for channel, address in channels:
        _write(
            [(channel, address)],
            kind=kind,
            language=customer.language or "en",
            visit=None,
            due_at=timezone.now(),
            payload={**payload, "url": customer_url},
        )
        written += 1
    for _pk, email, language in dispatchers():
        _write(
            [(Notification.Channel.EMAIL, email)],
            kind=kind,
            language=language,
            visit=None,
            due_at=timezone.now(),
            payload={**payload, "url": desk_url},
        )
        written += 1
    return written


def alert_hour_bank_low(*, contract: ServiceContract, balance_minutes: int) -> int:
    """The contract's bank fell below its threshold: tell the customer and the dispatchers
    how many hours are left. Returns the rows written."""
    return _about_contract(
        contract,
        kind=Kind.HOUR_BANK_LOW,
        customer_url=public_url("portal:contracts"),
        desk_url=public_url("desk:contract", contract.pk),
        left=hours_text(balance_minutes),
        threshold=hours_text(contract.low_balance_minutes),
    )


def remind_renewal(*, contract: ServiceContract) -> int:
    """The contract ends in `renewal_notice_days`: tell the customer and the dispatchers, so
    it is renewed in time. Returns the rows written."""
    return _about_contract(
        contract,
        kind=Kind.RENEWAL_DUE,
        customer_url=public_url("portal:contracts"),
        desk_url=public_url("desk:contract", contract.pk),
        ends_on=contract.ends_on.isoformat(),
    )


def _to_customer_of(ticket: Ticket, *, kind: str, **values: str) -> int:
    """One message to the ticket's customer on each channel they chose, in their language, with
    the portal's page of the ticket. Returns the rows written."""
    customer = ticket.customer
    preference = Preference.objects.filter(customer=customer).first()
    tz = ZoneInfo(str(ticket.site.timezone))
    written = 0
    email = ticket_email(ticket)
    for channel, address in channels_of(preference, email=email, phone=customer.phone):
        _write(
            [(channel, address)],
            kind=kind,
            language=customer.language or "en",
            visit=None,
            due_at=after_quiet_hours(timezone.now(), preference, tz),
            payload={
                "name": customer.name,
                "ticket": ticket.number,
                "url": public_url("portal:ticket", ticket.pk),
                **values,
            },
        )
        written += 1
    return written


REPAIR_KINDS = {
    RepairOrder.Status.RECEIVED: Kind.REPAIR_RECEIVED,
    RepairOrder.Status.READY: Kind.REPAIR_READY,
    RepairOrder.Status.RETURNED: Kind.REPAIR_RETURNED,
}


def tell_repair_step(*, order: RepairOrder, step: RepairStep) -> int:
    """The customer hears of the steps that concern them: received, ready, returned. The
    handover says whether they collect it or we bring it. Returns the rows written."""
    kind = REPAIR_KINDS.get(step.status)  # type: ignore[call-overload]
    if kind is None:
        return 0
    ticket = order.ticket
    language = ticket.customer.language or "en"
    return _to_customer_of(
        ticket,
        kind=kind,
        number=order.number,
        units=", ".join(str(u.appliance) for u in order.units.select_related("appliance__model")),
        handover=_in(language, order.get_handover_display()),
    )


def remind_loan(*, loan: Loan, overdue: bool) -> int:
    """The loaner is due back soon, or is past its day. Returns the rows written."""
    language = loan.customer.language or "en"
    with translation.override(language):
        due = formats.date_format(loan.due_on, "DATE_FORMAT")
    return _to_customer_of(
        loan.ticket,
        kind=Kind.LOANER_OVERDUE if overdue else Kind.LOANER_DUE,
        unit=str(loan.unit),
        due=due,
    )


def resend(*, notification: Notification) -> None:
    """Back office: try a failed notification again, now."""
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING,
        attempts=0,
        due_at=timezone.now(),
        last_error="",
        queued_at=None,
    )
    notification.refresh_from_db()
    enqueue_on_commit(notification)


def _to_dispatchers(kind: str, **payload: str) -> int:
    """One email to every active dispatcher (the office, who run the warehouse), each in their
    language. Returns the rows written."""
    written = 0
    for _pk, email, language in dispatchers():
        _write(
            [(Notification.Channel.EMAIL, email)],
            kind=kind,
            language=language,
            visit=None,
            due_at=timezone.now(),
            payload=payload,
        )
        written += 1
    return written


def alert_stock_low(*, sku: str, part: str, location: str, on_hand: str, minimum: str) -> int:
    """A part fell below its reorder point at a location: the office reorders or restocks."""
    return _to_dispatchers(
        Kind.STOCK_LOW,
        sku=sku,
        part=part,
        location=location,
        on_hand=on_hand,
        minimum=minimum,
        url=public_url("inventory:restock"),
    )


def alert_stock_short(*, sku: str, part: str, location: str, shortfall: str) -> int:
    """A part was used beyond what the stock had (a part allowed below zero): the warehouse
    checks the count."""
    return _to_dispatchers(
        Kind.STOCK_SHORT,
        sku=sku,
        part=part,
        location=location,
        shortfall=shortfall,
        url=public_url("inventory:moves"),
    )
