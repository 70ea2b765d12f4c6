"""Delivering one outbox row: claimed with a conditional update, so a task that runs twice
sends once; the message built in the recipient's language; sent, then marked, or retried later.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone

from billing import documents
from billing.models import Invoice
from dispatch.selectors import estimated_arrival
from fieldservice import localformat
from portal.services import report_token
from tickets import reports
from tickets.models import MessageAttachment, Visit
from tickets.services import has_record

from .. import calendar, sms, texts, wording
from ..models import Notification
from .links import public_url, unsubscribe_token
from .recipients import CALENDAR_KINDS, CUSTOMER_KINDS, THREAD_KINDS, Kind, config
from .smtp import mail_connection, release_mail_connection

log = logging.getLogger(__name__)


_DEFAULTS = {
    "report_url": "",
    "reason": "",
    "number": "",
    "name": "",
    "window": "-",
    "technician": "-",
    "address": "",
    "eta": "-",
    "manage_url": "",
    "change": "",
    "day": "",
    "lines": "",
    "due": "",
    "window_end": "",
    "confirm_url": "",
    "reset_url": "",
    "what": "",
    "body": "",
    "document": "-",
}


def _values(notification: Notification) -> dict[str, str]:
    if notification.kind not in CUSTOMER_KINDS:
        # Messages to staff carry their words in the payload, fixed when they were written.
        return {**_DEFAULTS, **{k: str(v) for k, v in notification.payload.items()}}
    visit = notification.visit
    assert visit is not None  # every customer kind is about a visit
    ticket = visit.ticket
    tech = visit.technician
    language = notification.language
    values = {
        **_DEFAULTS,
        "number": ticket.number,
        "name": ticket.customer.name,
        "window": notification.payload.get("window")
        or wording.window(visit.window_start, visit.window_end, ticket.site.timezone, language),
        "what": wording.purpose(ticket, language),
        "technician": tech.user.first_name if tech else "-",
        "address": str(ticket.site),
        "manage_url": notification.payload.get("manage_url", ""),
    }
    if notification.kind == Kind.COMPLETED:
        values["report_url"] = public_url("portal:report", report_token(visit))
    if notification.kind == Kind.FOLLOW_UP:
        values["reason"] = wording.outcome(visit.outcome, language)
    if notification.kind == Kind.EN_ROUTE and (eta := estimated_arrival(visit)) is not None:
        values["eta"] = localformat.moment(eta, "time", tz=ticket.site.timezone, language=language)
    return values


def _text_kind(notification: Notification) -> str:
    """Which text a notification is sent with: a visit completed with nothing recorded gets
    the completion without a report, which would be all dashes."""
    visit = notification.visit
    if notification.kind == Kind.COMPLETED and visit is not None and not has_record(visit):
        return "completed_no_report"
    return notification.kind


def _message(notification: Notification) -> EmailMultiAlternatives:
    """The email. Every copy of one notification carries the same Message-ID, so a mail client
    shows a redelivery (a worker killed between the server's OK and our bookkeeping) once."""
    text_kind = _text_kind(notification)
    subject, body = texts.render(text_kind, notification.language, _values(notification))
    text, unsubscribe_url = body, ""
    if notification.kind in CUSTOMER_KINDS:
        assert notification.visit is not None  # every customer kind is about a visit
        token = unsubscribe_token(notification.visit.ticket.customer)
        unsubscribe_url = public_url("notifications:unsubscribe", token)
        text += "\n\n" + texts.unsubscribe_text(notification.language, unsubscribe_url)
    email = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, [notification.recipient]
    )
    html = texts.email_html(
        notification.language, subject=subject, body=body, unsubscribe_url=unsubscribe_url
    )
    email.attach_alternative(html, "text/html")
    if unsubscribe_url:
        # One-click unsubscribe (RFC 8058), which the big mailbox providers ask senders for.
        email.extra_headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.extra_headers["Message-ID"] = f"<notification-{notification.pk}@fieldservice>"
    if notification.kind in THREAD_KINDS:
        _thread(email, notification)
    if text_kind == Kind.COMPLETED:
        assert notification.visit_id is not None  # a customer kind, so about a visit
        visit = reports.with_report_data(Visit.objects.filter(pk=notification.visit_id)).get()
        email.attach(
            reports.filename(visit),
            reports.as_pdf(visit, language=notification.language),
            "application/pdf",
        )
    if notification.kind == Kind.INVOICE:
        invoice = documents.with_document_data(
            Invoice.objects.filter(pk=notification.payload["invoice_id"])
        ).get()
        email.attach(
            documents.filename(invoice),
            documents.as_pdf(invoice, language=notification.language),
            "application/pdf",
        )
    if (
        notification.kind in CALENDAR_KINDS
        and notification.visit is not None
        and notification.visit.window_start
    ):
        ics = calendar.invitation(
            notification.visit,
            sequence=notification.payload.get("sequence", 0),
            cancel=notification.kind == Kind.VISIT_CANCELLED,
            language=notification.language,
        )
        method = "CANCEL" if notification.kind == Kind.VISIT_CANCELLED else "REQUEST"
        email.attach("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    return email


def _thread(email: EmailMultiAlternatives, notification: Notification) -> None:
    """A message of a ticket's conversation: its own Message-ID (the thread's row carries it,
    so the customer's answer finds the ticket), the thread it answers, and its files. The
    acknowledgement says it is automatic, so the customer's own auto-reply does not answer it."""
    payload = notification.payload
    if payload.get("message_id"):
        email.extra_headers["Message-ID"] = payload["message_id"]
    if payload.get("in_reply_to"):
        email.extra_headers["In-Reply-To"] = payload["in_reply_to"]
    if payload.get("references"):
        email.extra_headers["References"] = payload["references"]
    if notification.kind == Kind.TICKET_RECEIVED:
        email.extra_headers["Auto-Submitted"] = "auto-replied"
    if payload.get("message_pk"):
        for attachment in MessageAttachment.objects.filter(message_id=payload["message_pk"]):
            with attachment.file.open("rb") as f:
                email.attach(attachment.name, f.read(), attachment.content_type)


def deliver(*, notification_id: int) -> bool:
    """Send one notification if it is due and nobody else has claimed it. True when sent."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.PENDING, due_at__lte=now
    ).update(status=Notification.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "visit__ticket__customer",
        "visit__ticket__site",
        "visit__ticket__appliance__model",
        "visit__ticket__appliance_model",
        "visit__technician__user",
    ).get(pk=notification_id)
    connection = None
    try:
        if notification.channel == Notification.Channel.SMS:
            text = texts.render_sms(
                _text_kind(notification), notification.language, _values(notification)
            )
            sms.backend().send(
                to=notification.recipient, text=text, key=f"notification-{notification.pk}"
            )
        else:
            # Our own connection, so the row is marked sent right after the server's OK to the
            # message, before any goodbye: the window in which a killed worker leaves an
            # accepted message unmarked (and so sent again) is one UPDATE long.
            connection = mail_connection()
            email = _message(notification)
            email.connection = connection
            email.send()
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        if connection is not None:
            release_mail_connection(connection, broken=True)
        retry = notification.attempts < config("MAX_ATTEMPTS", 6)
        backoff = datetime.timedelta(
            seconds=config("RETRY_BASE_SECONDS", 30) * 2 ** (notification.attempts - 1)
        )
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.PENDING if retry else Notification.Status.FAILED,
            due_at=timezone.now() + backoff,
            queued_at=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        log.warning(
            "notification %s failed (attempt %s): %s", notification_id, notification.attempts, exc
        )
        return False
    else:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
        )
        if connection is not None:
            release_mail_connection(connection)
        return True
