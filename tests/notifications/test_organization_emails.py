"""A client company's emails: the invitation of a contact an administrator adds, and a quote,
which above the organization's approval threshold goes to its approvers and administrators
as well as to the requester."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from billing.services import pricing, quotes
from customers.models import Contact, Customer
from customers.services import add_contact
from fieldservice.errors import InvalidInput
from notifications.models import Notification
from notifications.services import deliver
from tests import factories

pytestmark = pytest.mark.django_db

R = Contact.Role
Kind = Notification.Kind


@pytest.fixture(autouse=True)
def price_list(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)


@pytest.fixture
def acme():
    """Acme (in Italian) with an administrator, an approver and two requesters."""
    customer = factories.CustomerFactory(
        name="Acme Offices", kind=Customer.Kind.COMPANY, language="it", email="desk@acme.example"
    )
    people = {
        name: factories.ContactFactory(
            customer=customer,
            role=role,
            user=factories.UserFactory(
                email=f"{name}@acme.example", first_name=name.title(), role="customer"
            ),
        )
        for name, role in (
            ("admin", R.ADMINISTRATOR),
            ("approver", R.APPROVER),
            ("asker", R.REQUESTER),
            ("colleague", R.REQUESTER),
        )
    }
    return customer, people


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ---------------------------------------------------------------------------------------------
# The invitation.


def test_a_contact_added_on_the_portal_is_invited_with_a_link_to_set_their_password(
    acme, mailoutbox
):
    _customer, people = acme

    response = signed_in(people["admin"].user).post(
        reverse("portal:contacts"),
        {"email": "newbie@acme.example", "role": R.REQUESTER, "phone": "06 5551 2345"},
    )

    assert response.status_code == 302
    row = Notification.objects.get(kind=Kind.CONTACT_INVITED)
    assert row.recipient == "newbie@acme.example"
    assert row.language == "it"  # the organization's
    assert row.payload["organization"] == "Acme Offices"
    link = row.payload["set_password_url"]
    assert "/accounts/reset/" in link
    assert Contact.objects.get(user__email="newbie@acme.example").phone == "+390655512345"
    assert deliver(notification_id=row.pk)
    assert "Acme Offices" in mailoutbox[-1].subject + mailoutbox[-1].body
    assert link in mailoutbox[-1].body
    # The link opens the page that sets the password (Django moves the token to the session).
    opened = Client().get(urlparse(link).path, follow=True)
    assert opened.status_code == 200
    assert "new_password1" in opened.text


def test_a_person_who_has_a_password_is_invited_to_sign_in_with_it(acme, mailoutbox):
    customer, _people = acme
    known = factories.UserFactory(email="known@beta.example", role="customer")
    known.set_password("an-old-secret-1")
    known.save()

    add_contact(customer=customer, email="known@beta.example", role=R.APPROVER, by=None)

    row = Notification.objects.get(kind=Kind.CONTACT_INVITED)
    assert row.payload["set_password_url"] == ""
    assert row.payload["sign_in_url"].endswith(reverse("login"))
    assert deliver(notification_id=row.pk)
    assert row.payload["sign_in_url"] in mailoutbox[-1].body
    assert "/accounts/reset/" not in mailoutbox[-1].body


def test_a_refused_contact_is_not_invited(acme):
    customer, people = acme

    with pytest.raises(InvalidInput):
        add_contact(customer=customer, email=people["asker"].user.email, role=R.REQUESTER)
    with pytest.raises(InvalidInput, match="phone"):
        add_contact(customer=customer, email="x@acme.example", role=R.REQUESTER, phone="12")

    assert not Notification.objects.filter(kind=Kind.CONTACT_INVITED).exists()


# ---------------------------------------------------------------------------------------------
# Quotes and the approval threshold.


def sent_quote(customer: Customer, requester: Contact, amount: str):
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))
    ticket = factories.open_ticket(appliance=appliance, requested_by=requester.user)
    quote = quotes.create_quote(
        ticket=ticket,
        by=None,
        lines=[quotes.LineInput(description="Compressor", unit_price=amount)],
    )
    return quotes.send_quote(quote=quote, by=None)


def recipients() -> set[str]:
    return set(
        Notification.objects.filter(kind=Kind.QUOTE_SENT).values_list("recipient", flat=True)
    )


def test_a_quote_below_the_threshold_goes_to_the_requester_only(acme):
    customer, people = acme
    customer.approval_threshold = Money("500.00", "EUR")
    customer.save()

    sent_quote(customer, people["asker"], "120.00")

    assert recipients() == {"asker@acme.example"}


def test_a_quote_above_the_threshold_goes_to_approvers_and_administrators_too(acme, mailoutbox):
    customer, people = acme
    customer.approval_threshold = Money("500.00", "EUR")
    customer.save()
    inactive = factories.ContactFactory(
        customer=customer, role=R.APPROVER, user=factories.UserFactory(email="gone@acme.example")
    )
    inactive.user.is_active = False
    inactive.user.save()
    elsewhere = factories.ContactFactory(
        customer=factories.CustomerFactory(kind=Customer.Kind.COMPANY),
        role=R.APPROVER,
        user=factories.UserFactory(email="approver@beta.example"),
    )

    quote = sent_quote(customer, people["asker"], "900.00")

    assert recipients() == {"asker@acme.example", "approver@acme.example", "admin@acme.example"}
    assert elsewhere.user.email not in recipients()
    approver_row = Notification.objects.get(kind=Kind.QUOTE_SENT, recipient="approver@acme.example")
    asker_row = Notification.objects.get(kind=Kind.QUOTE_SENT, recipient="asker@acme.example")
    # The approver decides signed in, on the quote's portal page; the signed link cannot accept.
    assert approver_row.payload["quote_url"].endswith(reverse("portal:quote", args=[quote.pk]))
    assert "/q/" in asker_row.payload["quote_url"]
    assert approver_row.language == "it"
    assert deliver(notification_id=approver_row.pk)
    assert quote.number in mailoutbox[-1].subject
    assert approver_row.payload["quote_url"] in mailoutbox[-1].body


def test_an_approver_who_asked_gets_one_email(acme):
    customer, people = acme
    customer.approval_threshold = Money("500.00", "EUR")
    customer.save()

    quote = sent_quote(customer, people["approver"], "900.00")

    assert Notification.objects.filter(kind=Kind.QUOTE_SENT).count() == 2
    assert recipients() == {"approver@acme.example", "admin@acme.example"}
    row = Notification.objects.get(kind=Kind.QUOTE_SENT, recipient="approver@acme.example")
    assert row.payload["quote_url"].endswith(reverse("portal:quote", args=[quote.pk]))


def test_without_a_threshold_a_quote_goes_to_the_requester_only(acme):
    customer, people = acme

    sent_quote(customer, people["colleague"], "90000.00")

    assert recipients() == {"colleague@acme.example"}
