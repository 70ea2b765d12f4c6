"""Inbound email against a real IMAP server: Debian's dovecot, started on loopback by
bin/with-services (IMAP_TEST_URL). Messages are delivered with IMAP APPEND, each test in a
folder of its own, then fetched by the beat's task through django-mailbox."""

from __future__ import annotations

import imaplib
import os
import uuid
from email.message import EmailMessage
from urllib.parse import urlparse

import pytest

from desk import tasks
from desk.models import PendingContact, QuarantinedMail
from notifications.models import Notification
from tests.factories import ApplianceFactory, UserFactory
from tickets.models import Message, MessageAttachment, Ticket
from tickets.services import reply

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


class Imap:
    """One test's folder on the server, and a way to deliver raw messages into it."""

    def __init__(self, url: str) -> None:
        self.url = url
        parts = urlparse(url)
        self.client = imaplib.IMAP4(parts.hostname, parts.port)
        self.client.login(parts.username, parts.password)
        self.folder = f"t{uuid.uuid4().hex[:12]}"
        self.client.create(self.folder)

    @property
    def mailbox_url(self) -> str:
        return f"{self.url}?folder={self.folder}"

    def deliver(self, raw: bytes | EmailMessage) -> None:
        data = raw.as_bytes() if isinstance(raw, EmailMessage) else raw
        status, _ = self.client.append(self.folder, None, None, data)
        assert status == "OK"

    def count(self) -> int:
        status, data = self.client.select(self.folder)
        assert status == "OK"
        return int(data[0])

    def close(self) -> None:
        self.client.select("INBOX")
        self.client.delete(self.folder)
        self.client.logout()


@pytest.fixture
def imap(settings, tmp_path):
    url = os.environ.get("IMAP_TEST_URL")
    if not url:
        pytest.fail("IMAP_TEST_URL is not set: run the tests through bin/with-services")
    server = Imap(url)
    settings.INBOUND_MAIL_URL = server.mailbox_url
    settings.MEDIA_ROOT = tmp_path
    yield server
    server.close()


@pytest.fixture
def customer():
    appliance = ApplianceFactory(
        site__customer__email="maria@example.org", site__customer__language="es"
    )
    return appliance.site.customer


def email(
    *,
    sender: str = "maria@example.org",
    subject: str = "La lavadora no centrifuga",
    body: str = "Hola, la lavadora muestra F21.",
    message_id: str | None = None,
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "desk@fieldservice.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@mail.example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def fetch(django_capture_on_commit_callbacks) -> dict[str, int]:
    with django_capture_on_commit_callbacks(execute=True):
        return tasks.fetch_mail()


def test_a_new_message_opens_a_ticket_for_the_sender_with_one_acknowledgement(
    imap, customer, mailoutbox, django_capture_on_commit_callbacks
):
    message = email()
    message.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="display.png")
    imap.deliver(message)

    counts = fetch(django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    assert counts == {"opened": 1}
    assert ticket.customer == customer
    assert ticket.channel == Ticket.Channel.EMAIL
    assert "F21" in ticket.description
    stored = Message.objects.get()
    assert stored.ticket == ticket
    assert stored.message_id == message["Message-ID"]
    assert stored.from_customer
    assert [a.name for a in MessageAttachment.objects.all()] == ["display.png"]
    assert MessageAttachment.objects.get().file.read() == b"\x89PNG fake"
    ack = Notification.objects.get(kind=Notification.Kind.TICKET_RECEIVED)
    assert ack.language == "es"
    assert [m.to for m in mailoutbox] == [["maria@example.org"]]
    assert mailoutbox[0].subject.startswith(f"[{ticket.number}]")
    assert mailoutbox[0].extra_headers["Auto-Submitted"] == "auto-replied"
    assert imap.count() == 0  # taken off the server once stored


def test_an_unknown_sender_becomes_a_pending_contact_and_no_ticket(
    imap, customer, mailoutbox, django_capture_on_commit_callbacks
):
    imap.deliver(email(sender="Luca Bianchi <luca@unknown.example>"))

    assert fetch(django_capture_on_commit_callbacks) == {"pending": 1}

    contact = PendingContact.objects.get()
    assert (contact.address, contact.name) == ("luca@unknown.example", "Luca Bianchi")
    assert not Ticket.objects.exists()
    assert mailoutbox == []


def test_confirming_a_pending_contact_opens_the_ticket_for_that_customer(
    imap, customer, client, mailoutbox, django_capture_on_commit_callbacks
):
    imap.deliver(email(sender="maria.work@office.example"))
    fetch(django_capture_on_commit_callbacks)
    contact = PendingContact.objects.get()
    client.force_login(UserFactory(role="dispatcher"))

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/desk/mail/pending/{contact.pk}/confirm/", {"customer": customer.pk})

    assert answer.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.customer == customer
    contact.refresh_from_db()
    assert (contact.status, contact.ticket) == (PendingContact.Status.CONFIRMED, ticket)
    assert [m.to for m in mailoutbox] == [["maria.work@office.example"]]


def test_a_reply_with_quoted_history_joins_its_ticket_stripped(
    imap, customer, mailoutbox, django_capture_on_commit_callbacks
):
    imap.deliver(email())
    fetch(django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        ours = reply(ticket=ticket, by=UserFactory(role="dispatcher"), body="¿Qué modelo es?")
    answer = email(
        subject=f"Re: [{ticket.number}] A reply to your request",
        body=(
            "Es una Whirlpool WM-1.\n\n"
            "On Tue, 1 Dec 2026 at 10:00, Desk <desk@fieldservice.example> wrote:\n"
            "> ¿Qué modelo es?\n"
            "> \n"
        ),
        In_Reply_To=ours.message_id,
        References=ours.message_id,
    )
    imap.deliver(answer)

    assert fetch(django_capture_on_commit_callbacks) == {"joined": 1}

    joined = ticket.messages.order_by("pk").last()
    assert joined.message_id == answer["Message-ID"]
    assert joined.body == "Es una Whirlpool WM-1."
    assert Ticket.objects.count() == 1
    # Only the acknowledgement and our reply went out: a customer's reply is not acknowledged.
    assert len(mailoutbox) == 2


def test_a_reply_found_by_the_number_in_its_subject_joins_the_ticket(
    imap, customer, django_capture_on_commit_callbacks
):
    imap.deliver(email())
    fetch(django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    imap.deliver(email(subject=f"Otra cosa [{ticket.number}]", body="También hace ruido."))

    assert fetch(django_capture_on_commit_callbacks) == {"joined": 1}
    assert ticket.messages.count() == 2


def test_the_same_message_fetched_twice_is_stored_once(
    imap, customer, mailoutbox, django_capture_on_commit_callbacks
):
    message = email()
    imap.deliver(message)
    first = fetch(django_capture_on_commit_callbacks)
    imap.deliver(message)  # the server hands it out again (a second copy, a re-delivery)

    second = fetch(django_capture_on_commit_callbacks)

    assert (first, second) == ({"opened": 1}, {"duplicate": 1})
    assert Message.objects.filter(message_id=message["Message-ID"]).count() == 1
    assert Ticket.objects.count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X_Autoreply": "yes"},
        {"sender": "MAILER-DAEMON@mail.example.org"},
    ],
)
def test_auto_replies_and_bounces_never_open_tickets_nor_get_replies(
    imap, customer, mailoutbox, django_capture_on_commit_callbacks, headers
):
    imap.deliver(email(subject="Out of office", **headers))

    assert fetch(django_capture_on_commit_callbacks) == {"ignored": 1}
    assert not Ticket.objects.exists()
    assert not PendingContact.objects.exists()
    assert mailoutbox == []


def test_our_own_message_coming_back_is_ignored(
    imap, customer, mailoutbox, django_capture_on_commit_callbacks
):
    imap.deliver(email(message_id="<reply-0123abcd@fieldservice>"))

    assert fetch(django_capture_on_commit_callbacks) == {"ignored": 1}
    assert not Ticket.objects.exists()
    assert mailoutbox == []


MALFORMED = (
    b"From: maria@example.org\r\n"
    b"Subject: broken\r\n"
    b"Message-ID: <broken-1@mail.example.org>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="never-there"\r\n'
    b"\r\n"
    b"This body has no part with the boundary it announces.\r\n"
)


def test_a_malformed_message_is_quarantined_whole_and_staff_can_download_it(
    imap, customer, client, mailoutbox, django_capture_on_commit_callbacks
):
    imap.deliver(MALFORMED)

    assert fetch(django_capture_on_commit_callbacks) == {"quarantined": 1}

    kept = QuarantinedMail.objects.get()
    assert "Boundary" in kept.reason
    assert not Ticket.objects.exists()
    assert mailoutbox == []
    client.force_login(UserFactory(role="dispatcher"))
    page = client.get("/desk/mail/quarantine/")
    assert "broken" in page.text
    raw = client.get(f"/desk/mail/quarantine/{kept.pk}/raw/")
    assert raw.status_code == 200
    assert b"This body has no part with the boundary" in b"".join(raw.streaming_content)
    client.force_login(UserFactory(role="customer"))
    assert client.get(f"/desk/mail/quarantine/{kept.pk}/raw/").status_code == 403
