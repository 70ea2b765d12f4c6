"""Sign-up: the email address is proven by a link before the account can book."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, Site
from fieldservice.errors import InvalidInput, NotAllowed
from notifications.models import Notification
from portal import services
from portal.models import SignUp
from tests.factories import ApplianceFactory, CustomerFactory, TechnicianFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


def signup_data(**changes) -> dict:
    return {
        "name": "Giulia Bianchi",
        "email": "giulia@example.com",
        "password": "a-long-pass-42",
        "address": "Via Roma 1",
        "city": "Rome",
        "postal_code": "00184",
        "phone": "+39 312 345 6789",
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
    user = User.objects.get(username="giulia@example.com")
    customer = user.contacts.get().customer
    appliance = ApplianceFactory(site=customer.sites.get())
    booking = {
        "customer": customer,
        "site": appliance.site,
        "kind": "repair",
        "appliance": appliance,
        "window_start": at(next_monday + datetime.timedelta(days=7), 10),
        "by": user,
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


def _rows() -> dict[str, int]:
    """What a sign-up writes: bad input writes none of it."""
    tables = (User, Customer, Site, SignUp, Notification)
    return {table.__name__: table.objects.count() for table in tables}


def test_sign_up_asks_for_the_address_a_phone_number_and_the_language(client):
    page = client.get(reverse("portal:signup"), HTTP_ACCEPT_LANGUAGE="es")

    for field in ("address", "postal_code", "city", "phone", "language"):
        assert f'name="{field}"' in page.text
    assert 'type="tel"' in page.text
    assert '<option value="es" selected>español</option>' in page.text  # the page's, first
    assert '<option value="bg">български</option>' in page.text
    assert 'id="locate"' in page.text  # the place on the map, from the phone, as before


def test_sign_up_stores_the_phone_in_e164_the_postcode_and_the_chosen_language(client):
    response = client.post(
        reverse("portal:signup"),
        signup_data(phone="312 345 6789", language="bg"),  # Italian, typed without +39
        HTTP_ACCEPT_LANGUAGE="it",
    )

    assert response.status_code == 302
    customer = Customer.objects.get(email="giulia@example.com")
    assert str(customer.phone) == "+393123456789"
    assert customer.language == "bg"
    site = customer.sites.get()
    assert (site.address, site.postal_code, site.city) == ("Via Roma 1", "00184", "Rome")
    assert Notification.objects.get(kind="confirm_email").language == "bg"


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"phone": ""}, "phone", "so the technician can call you"),
        ({"phone": "12"}, "phone", "with its country code"),
        ({"phone": "call me"}, "phone", "with its country code"),
        ({"language": "fr"}, "language", "Select a valid choice"),
        ({"postal_code": ""}, "postal_code", "required"),
        ({"city": ""}, "city", "required"),
    ],
)
def test_sign_up_with_bad_input_says_so_beside_the_field_and_creates_nothing(
    client, changes, field, says
):
    before = _rows()

    response = client.post(reverse("portal:signup"), signup_data(**changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert says in " ".join(errors[field])
    assert says in response.text  # shown on the page, beside the field
    assert _rows() == before


def _sign_up(**changes):
    data = signup_data(**changes)
    data["latitude"], data["longitude"] = float(data["latitude"]), float(data["longitude"])
    return services.sign_up(**data)


def test_an_email_as_long_as_the_login_column_signs_up_and_one_longer_is_refused_by_name():
    longest = User._meta.get_field("username").max_length
    fits = "a" * (longest - len("@example.com")) + "@example.com"

    with pytest.raises(InvalidInput) as refused:
        _sign_up(email="b" + fits)
    _sign_up(email=fits)

    assert refused.value.field == "email"
    assert refused.value.message == f"The email address is too long: at most {longest} characters."
    assert list(User.objects.values_list("username", flat=True)) == [fits]


def test_an_address_taken_by_an_account_or_a_record_is_refused_in_those_words():
    _sign_up()
    CustomerFactory(email="on-record@example.com")

    with pytest.raises(InvalidInput) as taken:
        _sign_up(email="Giulia@Example.com")
    with pytest.raises(InvalidInput) as on_record:
        _sign_up(email="on-record@example.com")

    assert (taken.value.field, taken.value.message) == (
        "email",
        "An account with this email exists already: log in instead.",
    )
    assert (on_record.value.field, on_record.value.message) == (
        "email",
        "This email address is on a customer's record already: call us for a login, or sign up "
        "with another address.",
    )


def test_the_confirmation_link_works_for_seven_days_and_not_a_minute_more():
    first = SignUp.objects.get(customer=_sign_up())
    second = SignUp.objects.get(customer=_sign_up(email="marco@example.com"))
    tokens = [services.confirmation_token(s) for s in (first, second)]
    sent = timezone.now()

    with time_machine.travel(sent + datetime.timedelta(days=7, minutes=-1)):
        assert services.confirm_email(token=tokens[0]).confirmed_at is not None
    with (
        time_machine.travel(sent + datetime.timedelta(days=7, minutes=1)),
        pytest.raises(InvalidInput, match="This link has expired"),
    ):
        services.confirm_email(token=tokens[1])


def test_the_email_is_sent_again_once_a_minute_has_passed_not_before():
    customer = _sign_up()
    pending = SignUp.objects.get(customer=customer)
    sent = pending.link_sent_at

    with (
        time_machine.travel(sent + datetime.timedelta(seconds=59)),
        pytest.raises(InvalidInput, match="wait a minute"),
    ):
        services.resend_confirmation(customer=customer)
    with time_machine.travel(sent + datetime.timedelta(seconds=61)):
        assert services.resend_confirmation(customer=customer).link_sent_at > sent
