"""Sign-up: the email address is proven by a link before the account can book."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fieldservice.errors import NotAllowed
from notifications.models import Notification
from portal import services
from portal.models import SignUp
from tests.factories import ApplianceFactory, TechnicianFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


def signup_data(**changes) -> dict:
    return {
        "name": "Giulia Bianchi",
        "email": "giulia@example.com",
        "password": "a-long-pass-42",
        "address": "Via Roma 1",
        "city": "Rome",
        "latitude": "41.9",
        "longitude": "12.5",
        **changes,
    }


def _confirmation_link(notification: Notification) -> str:
    return re.search(r"(/portal/confirm/[^/]+/)", notification.payload["confirm_url"]).group(1)


def test_sign_up_emails_the_confirmation_link_in_the_customers_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client(HTTP_ACCEPT_LANGUAGE="it").post(reverse("portal:signup"), signup_data())

    row = Notification.objects.get(kind=Notification.Kind.CONFIRM_EMAIL)
    (mail,) = mailoutbox
    assert (row.recipient, row.language, row.status) == ("giulia@example.com", "it", "sent")
    assert mail.to == ["giulia@example.com"]
    assert mail.subject == "Confermi il suo indirizzo email"
    assert _confirmation_link(row) in mail.body


def test_an_unconfirmed_account_books_only_after_following_the_link(client, next_monday):
    TechnicianFactory()
    client.post(reverse("portal:signup"), signup_data())
    customer = User.objects.get(username="giulia@example.com").customer
    appliance = ApplianceFactory(site=customer.sites.get())
    booking = {
        "customer": customer,
        "site": appliance.site,
        "kind": "repair",
        "appliance": appliance,
        "window_start": at(next_monday + datetime.timedelta(days=7), 10),
        "by": customer.user,
    }

    waiting = client.get(reverse("portal:book"))
    with pytest.raises(NotAllowed, match="Confirm your email address"):
        services.book_visit(**booking)
    link = _confirmation_link(Notification.objects.get(kind="confirm_email"))
    confirmed = Client().get(link)  # another device, nobody signed in
    again = Client().get(link)

    assert waiting.status_code == 403
    assert "Confirm your email address" in waiting.text
    assert reverse("portal:resend_confirmation") in waiting.text
    assert confirmed.status_code == again.status_code == 200
    assert "Your email address is confirmed" in confirmed.text
    assert client.get(reverse("portal:book")).status_code == 200
    ticket, _visit = services.book_visit(**booking)
    assert ticket.customer == customer


def test_asking_for_the_email_again_sends_it_at_most_once_a_minute(client):
    client.post(reverse("portal:signup"), signup_data())
    pending = SignUp.objects.get()

    too_soon = client.post(reverse("portal:resend_confirmation"), follow=True)
    SignUp.objects.filter(pk=pending.pk).update(
        link_sent_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    later = client.post(reverse("portal:resend_confirmation"), follow=True)

    assert "wait a minute" in too_soon.text
    assert "We sent the email again" in later.text
    assert Notification.objects.filter(kind="confirm_email").count() == 2


def test_a_forged_or_deactivated_accounts_confirmation_link_is_not_valid(client):
    client.post(reverse("portal:signup"), signup_data())
    link = _confirmation_link(Notification.objects.get(kind="confirm_email"))
    User.objects.filter(username="giulia@example.com").update(is_active=False)

    forged = Client().get(reverse("portal:confirm_email", args=["forged"]))
    closed = Client().get(link)

    assert forged.status_code == closed.status_code == 400
    assert "not valid" in forged.text
    assert "not valid" in closed.text
    assert SignUp.objects.get().confirmed_at is None
