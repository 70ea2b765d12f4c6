"""Inbound email: fetched from the configured mailbox (django-mailbox's IMAP or Maildir
transports), each message read once and put where it belongs.

- a reply (In-Reply-To/References naming one of a ticket's messages, or the ticket number in
  the subject from that ticket's customer) joins the ticket's thread, its quoted history
  stripped (mail-parser-reply);
- a new message from a customer's address opens a ticket by email, and the customer gets one
  acknowledgement with its number;
- a new message from an unknown address becomes a PendingContact for an agent to confirm;
- auto-replies, bounces, lists and our own messages coming back are recorded and nothing more;
- a message that cannot be read is quarantined whole (QuarantinedMail), never dropped.

The Message-ID makes a second fetch of the same message a no-op.
"""

from __future__ import annotations

import email
import email.policy
import enum
import hashlib
import logging
import re
from dataclasses import dataclass
from email.errors import (
    CloseBoundaryNotFoundDefect,
    MissingHeaderBodySeparatorDefect,
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
from email.message import EmailMessage
from email.utils import getaddresses
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django_mailbox.models import Mailbox
from mailparser_reply import EmailReplyParser

from customers.models import Appliance, Customer
from fieldservice.errors import InvalidInput
from tickets.models import Message, Ticket
from tickets.services import IncomingFile, open_ticket, receive_email
from tickets.services.conversation import is_own_message_id

from . import events
from .models import PendingContact, QuarantinedMail

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

MAILBOX_NAME = "inbound"
# Structural faults after which the parts of a message cannot be trusted.
BROKEN = (
    CloseBoundaryNotFoundDefect,
    MissingHeaderBodySeparatorDefect,
    MultipartInvariantViolationDefect,
    NoBoundaryInMultipartDefect,
    StartBoundaryNotFoundDefect,
)
NUMBER_IN_SUBJECT = re.compile(r"\[?\bT-(\d{6,})\b\]?")
AUTOMATIC_SENDERS = re.compile(r"^(mailer-daemon|postmaster|noreply|no-reply)@", re.IGNORECASE)
# The quoting phrases of the languages we write in that mail-parser-reply knows.
REPLY_LANGUAGES = ["en", "it", "es"]


class Outcome(enum.StrEnum):
    OPENED = "opened"
    JOINED = "joined"
    PENDING = "pending"
    IGNORED = "ignored"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class Received:
    outcome: Outcome
    ticket: Ticket | None = None
    message: Message | None = None


class Unreadable(Exception):
    """A message whose structure or sender cannot be made out."""


def configured_mailbox() -> Mailbox | None:
    """The mailbox INBOUND_MAIL_URL names (django-mailbox's URI: imap+ssl://user:pass@host,
    maildir:///path), created or brought up to date; None when none is configured."""
    uri = settings.INBOUND_MAIL_URL
    if not uri:
        return None
    mailbox, _created = Mailbox.objects.get_or_create(name=MAILBOX_NAME, defaults={"uri": uri})
    if mailbox.uri != uri or not mailbox.active:
        mailbox.uri, mailbox.active = uri, True
        mailbox.save(update_fields=["uri", "active"])
    return mailbox


def fetch_mail(*, mailbox: Mailbox | None = None) -> dict[str, int]:
    """Fetch every new message of the mailbox and receive each; returns counts per outcome.
    The transports remove what they hand out, and each message is stored (or quarantined)
    before the next is read."""
    mailbox = mailbox or configured_mailbox()
    counts: dict[str, int] = {}
    if mailbox is None:
        return counts
    connection = mailbox.get_connection()
    if connection is None:
        return counts
    try:
        for message in connection.get_message():
            received = receive(_raw(message), mailbox=mailbox)
            counts[received.outcome] = counts.get(received.outcome, 0) + 1
    finally:
        connection.close()
    return counts


def _raw(message: email.message.Message) -> bytes:
    try:
        return message.as_bytes()
    except Exception:  # noqa: BLE001 - a message the library cannot write back is kept as text
        return message.as_string().encode("utf-8", "replace")


def receive(raw: bytes, *, mailbox: Mailbox | None = None) -> Received:
    """Put one raw message where it belongs (see the module's docstring)."""
    try:
        parsed = _parse(raw)
    except Unreadable as err:
        return _quarantine(raw, reason=str(err))
    try:
        with transaction.atomic():
            return _route(raw, parsed, mailbox=mailbox)
    except IntegrityError:
        # Another fetch stored the same Message-ID a moment ago.
        return Received(Outcome.DUPLICATE)
    except Exception as err:
        log.exception("inbound message could not be processed")
        return _quarantine(raw, reason=f"{type(err).__name__}: {err}")


@dataclass(frozen=True)
class _Parsed:
    message: EmailMessage
    message_id: str
    sender: str
    sender_name: str
    subject: str
    references: list[str]
    text: str
    files: list[IncomingFile]


def _parse(raw: bytes) -> _Parsed:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        defects = [d for part in message.walk() for d in part.defects]
        broken = [d for d in defects if isinstance(d, BROKEN)]
        if broken:
            raise Unreadable(_("Broken structure: %(what)s") % {"what": type(broken[0]).__name__})
        name, sender = (getaddresses([str(message.get("From", ""))]) or [("", "")])[0]
        if "@" not in sender:
            raise Unreadable(_("No sender address in From."))
        message_id = str(message.get("Message-ID", "")).strip()
        if not message_id:
            # Without one, the same message fetched twice is still known by its contents.
            message_id = f"<sha256-{hashlib.sha256(raw).hexdigest()}@inbound.invalid>"
        references = (
            str(message.get("References", "")).split() + str(message.get("In-Reply-To", "")).split()
        )
        return _Parsed(
            message=message,
            message_id=message_id[:255],
            sender=sender.lower(),
            sender_name=name,
            subject=str(message.get("Subject", ""))[:255],
            references=[r for r in references if r],
            text=_text(message),
            files=_files(message),
        )
    except Unreadable:
        raise
    except Exception as err:
        raise Unreadable(f"{type(err).__name__}: {err}") from err


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    return strip_tags(content) if body.get_content_subtype() == "html" else content


def _files(message: EmailMessage) -> list[IncomingFile]:
    files = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            continue
        files.append(
            IncomingFile(
                name=part.get_filename() or "attachment",
                content=content,
                content_type=part.get_content_type(),
            )
        )
    return files


def is_automatic(message: EmailMessage, sender: str) -> bool:
    """An auto-reply, a bounce, a list or bulk message: never opens a ticket or gets a reply
    (RFC 3834's Auto-Submitted, the older Precedence and X-Autoreply, the daemons' senders)."""
    auto_submitted = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return (
        auto_submitted != "no"
        or precedence in ("bulk", "junk", "list", "auto_reply")
        or any(h in message for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"))
        or str(message.get("Return-Path", "")).strip() == "<>"
        or message.get_content_type() == "multipart/report"
        or bool(AUTOMATIC_SENDERS.match(sender))
    )


def _seen(message_id: str) -> bool:
    return (
        Message.objects.filter(message_id=message_id).exists()
        or PendingContact.objects.filter(message_id=message_id).exists()
    )


def _route(raw: bytes, parsed: _Parsed, *, mailbox: Mailbox | None) -> Received:
    if _seen(parsed.message_id):
        return Received(Outcome.DUPLICATE)
    if is_own_message_id(parsed.message_id) or is_automatic(parsed.message, parsed.sender):
        if mailbox is not None:
            # Kept in django-mailbox's own record of what came in, and nothing more.
            mailbox.process_incoming_message(parsed.message)
        return Received(Outcome.IGNORED)
    ticket = _ticket_replied_to(parsed)
    if ticket is not None:
        message = receive_email(
            ticket=ticket,
            sender=parsed.sender,
            body=strip_quoted(parsed.text),
            message_id=parsed.message_id,
            in_reply_to=parsed.references[-1] if parsed.references else "",
            attachments=parsed.files,
        )
        return Received(Outcome.JOINED, ticket=ticket, message=message)
    customer = Customer.objects.filter(email__iexact=parsed.sender).first()
    if customer is None or _latest_appliance(customer) is None:
        _pending(raw, parsed)
        return Received(Outcome.PENDING)
    return _open(parsed, customer=customer, by=None)


def strip_quoted(text: str) -> str:
    """The new words of a reply, without the quoted history under them."""
    reply = EmailReplyParser(languages=REPLY_LANGUAGES).parse_reply(text)
    return (reply or text).strip()


def _ticket_replied_to(parsed: _Parsed) -> Ticket | None:
    if parsed.references:
        known = (
            Message.objects.filter(message_id__in=parsed.references)
            .select_related("ticket__customer")
            .order_by("-pk")
            .first()
        )
        if known is not None:
            return known.ticket
    # By number, only from the ticket's own customer: a number is easy to guess.
    match = NUMBER_IN_SUBJECT.search(parsed.subject)
    if match:
        return (
            Ticket.objects.select_related("customer")
            .filter(pk=int(match.group(1)), customer__email__iexact=parsed.sender)
            .first()
        )
    return None


def _latest_appliance(customer: Customer) -> Appliance | None:
    return (
        Appliance.objects.select_related("site", "model")
        .filter(site__customer=customer)
        .order_by("-pk")
        .first()
    )


def _open(parsed: _Parsed, *, customer: Customer, by: User | None) -> Received:
    # An email does not say which appliance: the customer's latest, which the agent changes
    # on the ticket if the email is about another.
    appliance = _latest_appliance(customer)
    if appliance is None:
        raise InvalidInput(
            _("%(customer)s has no appliance to open a ticket for: add one first.")
            % {"customer": customer.name},
            field="customer",
        )
    site = appliance.site
    description = "\n\n".join(p for p in (parsed.subject, parsed.text.strip()) if p)
    ticket = open_ticket(
        customer=customer,
        site=site,
        appliance=appliance,
        description=description[:5000],
        channel=Ticket.Channel.EMAIL,
        by=by,
    )
    message = receive_email(
        ticket=ticket,
        sender=parsed.sender,
        body=parsed.text,
        message_id=parsed.message_id,
        attachments=parsed.files,
    )
    events.email_ticket_opened.send(sender=Ticket, ticket=ticket, message=message, to=parsed.sender)
    return Received(Outcome.OPENED, ticket=ticket, message=message)


def _pending(raw: bytes, parsed: _Parsed) -> PendingContact:
    contact = PendingContact(
        address=parsed.sender[:254],
        name=parsed.sender_name[:200],
        subject=parsed.subject,
        preview=parsed.text[:2000],
        message_id=parsed.message_id,
    )
    contact.raw.save("message.eml", ContentFile(raw), save=False)
    contact.save()
    return contact


def _quarantine(raw: bytes, *, reason: str) -> Received:
    digest = hashlib.sha256(raw).hexdigest()
    if QuarantinedMail.objects.filter(digest=digest).exists():
        return Received(Outcome.DUPLICATE)
    head = email.message_from_bytes(raw, policy=email.policy.compat32)
    kept = QuarantinedMail(
        reason=reason[:500],
        subject=str(head.get("Subject", ""))[:255],
        sender=str(head.get("From", ""))[:255],
        digest=digest,
    )
    kept.raw.save("message.eml", ContentFile(raw), save=False)
    kept.save()
    return Received(Outcome.QUARANTINED)


def confirm_contact(*, contact: PendingContact, customer: Customer, by: User) -> Ticket:
    """The agent says whose the address is: the email opens that customer's ticket, as if it
    had come from their address, and the acknowledgement goes to the address it came from."""
    if contact.status != PendingContact.Status.PENDING:
        raise InvalidInput(_("This contact is handled already."), field="contact")
    with contact.raw.open("rb") as f:
        raw = f.read()
    parsed = _parse(raw)
    with transaction.atomic():
        contact = PendingContact.objects.select_for_update().get(pk=contact.pk)
        # The row held the Message-ID until now; the thread's message takes it over.
        PendingContact.objects.filter(pk=contact.pk).update(message_id=f"confirmed-{contact.pk}")
        received = _open(parsed, customer=customer, by=by)
        contact.status, contact.customer, contact.ticket = (
            PendingContact.Status.CONFIRMED,
            customer,
            received.ticket,
        )
        contact.message_id = f"confirmed-{contact.pk}"
        contact.save(update_fields=["status", "customer", "ticket", "message_id"])
    assert received.ticket is not None
    return received.ticket


def dismiss_contact(*, contact: PendingContact) -> None:
    """Not a customer (spam, a wrong address): kept, marked dismissed."""
    PendingContact.objects.filter(pk=contact.pk, status=PendingContact.Status.PENDING).update(
        status=PendingContact.Status.DISMISSED
    )
