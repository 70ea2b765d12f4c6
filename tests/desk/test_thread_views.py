"""The desk's conversation forms: a reply and a note posted from the ticket's thread partial,
bad input answered with a message naming the field and nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Notification
from tests.factories import open_ticket
from tickets.models import Message
from tickets.services import add_note

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_reply_from_the_thread_is_saved_emailed_and_the_thread_comes_back(
    dispatcher_client, django_capture_on_commit_callbacks
):
    ticket = open_ticket()
    url = reverse("desk:ticket_reply", args=[ticket.number])

    with django_capture_on_commit_callbacks(execute=True):
        answer = dispatcher_client.post(
            url,
            {"body": "We come tomorrow.", "attachments": [SimpleUploadedFile("a.txt", b"hi")]},
            HTTP_HX_REQUEST="true",
        )

    assert answer.status_code == 200
    assert "We come tomorrow." in answer.text
    assert 'id="thread-' in answer.text
    message = Message.objects.get()
    assert (message.ticket, message.is_public, message.author) == (
        ticket,
        True,
        answer.wsgi_request.user,
    )
    assert [a.name for a in message.attachments.all()] == ["a.txt"]
    assert Notification.objects.filter(kind=Notification.Kind.TICKET_REPLY).count() == 1


def test_a_note_from_the_thread_is_internal_and_not_emailed(dispatcher_client):
    ticket = open_ticket()

    answer = dispatcher_client.post(
        reverse("desk:ticket_note", args=[ticket.number]),
        {"body": "Call before going."},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 200
    assert "Internal note" in answer.text
    assert Message.objects.get().visibility == Message.Visibility.INTERNAL
    assert not Notification.objects.filter(kind=Notification.Kind.TICKET_REPLY).exists()


def test_a_20_mb_attachment_through_the_page_is_refused_naming_the_field(dispatcher_client):
    ticket = open_ticket()
    big = SimpleUploadedFile("film.mov", b"0" * (20 * 1024 * 1024), "video/quicktime")

    answer = dispatcher_client.post(
        reverse("desk:ticket_reply", args=[ticket.number]),
        {"body": "See the film.", "attachments": [big]},
        HTTP_HX_REQUEST="true",
    )

    assert answer.status_code == 400
    assert "film.mov" in answer.text
    assert "10.0" in answer.text
    assert not Message.objects.exists()


def test_an_unknown_ticket_number_is_a_404_and_an_empty_reply_a_400(dispatcher_client):
    ticket = open_ticket()

    missing = dispatcher_client.post(reverse("desk:ticket_reply", args=["T-999999"]), {"body": "x"})
    garbage = dispatcher_client.post(reverse("desk:ticket_reply", args=["T-\x01"]), {"body": "x"})
    empty = dispatcher_client.post(reverse("desk:ticket_reply", args=[ticket.number]), {"body": ""})

    assert (missing.status_code, garbage.status_code, empty.status_code) == (404, 404, 400)
    assert "Write the message." in empty.text
    assert not Message.objects.exists()


def test_the_thread_query_count_does_not_grow_with_its_messages(
    dispatcher_client, django_assert_max_num_queries
):
    ticket = open_ticket()
    url = reverse("desk:ticket_note", args=[ticket.number])
    for n in range(3):
        add_note(ticket=ticket, by=None, body=f"note {n}")
    with django_assert_max_num_queries(20) as few:
        dispatcher_client.post(url, {"body": "one more"}, HTTP_HX_REQUEST="true")
    for n in range(20):
        add_note(ticket=ticket, by=None, body=f"note {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        dispatcher_client.post(url, {"body": "and another"}, HTTP_HX_REQUEST="true")
