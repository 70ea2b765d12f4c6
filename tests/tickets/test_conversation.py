"""A ticket's conversation: public replies are emailed to the customer in their language,
through the outbox and threaded; internal notes never leave the staff's pages; files are
capped."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fieldservice.errors import InvalidInput
from notifications.models import Notification
from tests.factories import ApplianceFactory, UserFactory, open_ticket
from tickets.models import Message, MessageAttachment
from tickets.selectors import first_public_reply_at, thread_for
from tickets.services import add_note, receive_email, reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def italian_ticket():
    customer_user = UserFactory(username="anna", role="customer")
    appliance = ApplianceFactory(site__customer__language="it", site__customer__user=customer_user)
    return open_ticket(appliance=appliance)


@pytest.fixture
def agent():
    return UserFactory(username="agent", role="dispatcher", first_name="Giulia")


def test_a_reply_is_emailed_to_the_customer_in_their_language_with_the_ticket_number(
    italian_ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = reply(
            ticket=italian_ticket,
            by=agent,
            body="Il tecnico passa domani.",
            attachments=[SimpleUploadedFile("guida.pdf", b"%PDF-1.4", "application/pdf")],
        )

    notification = Notification.objects.get(kind=Notification.Kind.TICKET_REPLY)
    assert notification.language == "it"
    assert notification.recipient == italian_ticket.customer.email
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.subject.startswith(f"[{italian_ticket.number}]")
    assert "Il tecnico passa domani." in sent.body
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert [a[0] for a in sent.attachments] == ["guida.pdf"]
    assert first_public_reply_at(italian_ticket) == message.created_at


def test_a_reply_to_the_customers_email_threads_on_it(
    italian_ticket, agent, mailoutbox, django_capture_on_commit_callbacks
):
    incoming = receive_email(
        ticket=italian_ticket,
        sender=italian_ticket.customer.email,
        body="La lavatrice perde acqua.",
        message_id="<abc@customer.example>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(ticket=italian_ticket, by=agent, body="Arriviamo.")

    assert answer.in_reply_to == incoming.message_id
    assert mailoutbox[0].extra_headers["In-Reply-To"] == "<abc@customer.example>"
    assert "<abc@customer.example>" in mailoutbox[0].extra_headers["References"]


def test_a_note_is_never_emailed_nor_on_the_customers_page(
    italian_ticket, agent, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_note(ticket=italian_ticket, by=agent, body="Cliente difficile, chiamare prima.")
        reply(ticket=italian_ticket, by=agent, body="Arriviamo domani.")

    assert Notification.objects.filter(kind=Notification.Kind.TICKET_REPLY).count() == 1
    assert ["Arriviamo domani." in m.body for m in mailoutbox] == [True]
    assert [m.body for m in thread_for(italian_ticket, include_internal=False)] == [
        "Arriviamo domani."
    ]
    assert len(thread_for(italian_ticket, include_internal=True)) == 2
    client.force_login(italian_ticket.customer.contacts.get().user)
    page = client.get(reverse("portal:ticket", args=[italian_ticket.pk]))
    assert page.status_code == 200
    assert "Arriviamo domani." in page.text
    assert "Cliente difficile" not in page.text


def test_a_20_mb_attachment_is_refused_naming_the_field_and_nothing_is_written(
    italian_ticket, agent
):
    big = SimpleUploadedFile("video.mp4", b"0" * (20 * 1024 * 1024), "video/mp4")

    with pytest.raises(InvalidInput, match=r"video\.mp4") as err:
        reply(ticket=italian_ticket, by=agent, body="Ecco il video.", attachments=[big])

    assert err.value.field == "attachments"
    assert "10.0\xa0MB" in err.value.message
    assert not Message.objects.exists()
    assert not MessageAttachment.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.TICKET_REPLY).exists()


def test_an_empty_reply_is_refused_naming_the_body(italian_ticket, agent):
    with pytest.raises(InvalidInput) as err:
        reply(ticket=italian_ticket, by=agent, body="   ")

    assert err.value.field == "body"
    assert not Message.objects.exists()
