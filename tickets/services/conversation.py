"""Writes on a ticket's conversation: public replies, internal notes, and emails that came in.

A public reply is emailed to the customer by notifications (through tickets.events); a note is
never emailed and never shown on a customer's page. Every message carries a Message-ID, ours
for what we write, so replies to our emails find their ticket and a mail loop is recognised."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from fieldservice import texts
from fieldservice.errors import InvalidInput

from .. import events
from ..models import Message, MessageAttachment, Ticket
from .search import refresh_search
from .tickets import mark_responded

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_MESSAGE = 10
MESSAGE_LIMIT = 20_000  # characters of one message's text
# Every Message-ID we write ends with this: an email that carries one is our own coming back.
OWN_MESSAGE_ID_DOMAIN = "fieldservice"


@dataclass(frozen=True)
class IncomingFile:
    """A file as it came: from an email part or an upload."""

    name: str
    content: bytes
    content_type: str


def new_message_id(kind: str = "message") -> str:
    return f"<{kind}-{uuid.uuid4().hex}@{OWN_MESSAGE_ID_DOMAIN}>"


def is_own_message_id(message_id: str) -> bool:
    return message_id.strip().rstrip(">").endswith("@" + OWN_MESSAGE_ID_DOMAIN)


def _files(attachments: Iterable[UploadedFile | IncomingFile]) -> list[IncomingFile]:
    """Every file read and checked before anything is written."""
    files = []
    for item in attachments:
        if isinstance(item, IncomingFile):
            files.append(item)
            continue
        if item.size is not None and item.size > ATTACHMENT_MAX_BYTES:
            raise _too_big(item.name or "", item.size)
        files.append(
            IncomingFile(
                item.name or "attachment",
                item.read(),
                item.content_type or "application/octet-stream",
            )
        )
    if len(files) > ATTACHMENTS_PER_MESSAGE:
        raise InvalidInput(
            _("At most %(n)d attachments a message.") % {"n": ATTACHMENTS_PER_MESSAGE},
            field="attachments",
        )
    for f in files:
        if len(f.content) > ATTACHMENT_MAX_BYTES:
            raise _too_big(f.name, len(f.content))
    return files


def _too_big(name: str, size: int) -> InvalidInput:
    return InvalidInput(
        _("The attachment %(name)s is %(size)s; the limit is %(limit)s.")
        % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(ATTACHMENT_MAX_BYTES),
        },
        field="attachments",
    )


def _ensure_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise InvalidInput(_("Write the message."), field="body")
    texts.ensure_length(body, limit=MESSAGE_LIMIT, field="body")
    return body


def _attach(message: Message, files: Sequence[IncomingFile]) -> None:
    for f in files:
        attachment = MessageAttachment(
            message=message,
            name=f.name[:255] or "attachment",
            size=len(f.content),
            content_type=f.content_type[:120] or "application/octet-stream",
        )
        attachment.file.save(f.name[-100:] or "attachment", ContentFile(f.content), save=False)
        attachment.save()


def _write(
    *,
    ticket: Ticket,
    by: User | None,
    body: str,
    attachments: Iterable[UploadedFile | IncomingFile],
    visibility: str,
) -> Message:
    body = _ensure_body(body)
    files = _files(attachments)
    last = ticket.messages.filter(channel=Message.Channel.EMAIL, from_customer=True).last()
    with transaction.atomic():
        message = Message.objects.create(
            ticket=ticket,
            visibility=visibility,
            channel=Message.Channel.WEB,
            author=by if by is not None and by.is_authenticated else None,
            body=body,
            message_id=new_message_id("reply" if visibility == "public" else "note"),
            in_reply_to=last.message_id if last is not None else "",
        )
        _attach(message, files)
        if visibility == Message.Visibility.PUBLIC:
            # The first public answer from the desk meets the response clock.
            if message.author is not None:
                mark_responded(ticket, message.created_at, by=by, how=_("Public reply"))
            events.public_reply_added.send(sender=Message, message=message)
        refresh_search(ticket)
    return message


def reply(
    *,
    ticket: Ticket,
    by: User | None,
    body: str,
    attachments: Iterable[UploadedFile | IncomingFile] = (),
) -> Message:
    """A public reply: on the customer's pages, and emailed to them in their language."""
    return _write(
        ticket=ticket,
        by=by,
        body=body,
        attachments=attachments,
        visibility=Message.Visibility.PUBLIC,
    )


def add_note(
    *,
    ticket: Ticket,
    by: User | None,
    body: str,
    attachments: Iterable[UploadedFile | IncomingFile] = (),
) -> Message:
    """An internal note: for staff only, never emailed, never on a customer's page."""
    return _write(
        ticket=ticket,
        by=by,
        body=body,
        attachments=attachments,
        visibility=Message.Visibility.INTERNAL,
    )


def receive_email(
    *,
    ticket: Ticket,
    sender: str,
    body: str,
    message_id: str,
    in_reply_to: str = "",
    attachments: Sequence[IncomingFile] = (),
) -> Message:
    """An email that came in, added to the ticket's thread as public (the customer wrote it).
    The caller has checked that `message_id` is new; the unique constraint guards a race.
    Attachments too big are kept out with a line saying so, never failing the whole email."""
    kept = [f for f in attachments if len(f.content) <= ATTACHMENT_MAX_BYTES]
    left_out = [f.name for f in attachments if len(f.content) > ATTACHMENT_MAX_BYTES]
    text = body.strip() or _("(no text)")
    if left_out:
        text += "\n\n" + _("Attachments over the size limit, not kept: %(names)s") % {
            "names": ", ".join(left_out)
        }
    with transaction.atomic():
        message = Message.objects.create(
            ticket=ticket,
            visibility=Message.Visibility.PUBLIC,
            channel=Message.Channel.EMAIL,
            from_customer=sender.lower() == ticket.customer.email.lower(),
            sender_address=sender,
            body=text[:MESSAGE_LIMIT],
            message_id=message_id[:255],
            in_reply_to=in_reply_to[:255],
        )
        _attach(message, kept[:ATTACHMENTS_PER_MESSAGE])
        refresh_search(ticket)
    return message
