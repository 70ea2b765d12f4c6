"""Intake finds a client company's caller by the contact's name, email or phone, offers their
organization's sites and equipment, and records them as the ticket's requester."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Contact, Customer
from customers.selectors import search_contacts
from dispatch.services import take_call
from fieldservice.errors import InvalidInput
from tests import factories
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

R = Contact.Role


def company(name: str) -> Customer:
    return factories.CustomerFactory(name=name, kind=Customer.Kind.COMPANY)


def person(first: str, last: str, email: str):
    return factories.UserFactory(first_name=first, last_name=last, email=email, role="customer")


@pytest.fixture
def acme():
    """Acme with a site, a printer there, and Ornella Vanoni, its approver, on her own line."""
    customer = company("Acme Offices")
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))
    caller = factories.ContactFactory(
        customer=customer,
        role=R.APPROVER,
        user=person("Ornella", "Vanoni", "ornella@acme.example"),
        phone="+390655598765",
    )
    return customer, appliance, caller


def test_contacts_are_found_by_name_email_or_phone_in_any_format(acme):
    _customer, _appliance, caller = acme

    for q in ("vanoni", "Ornella Vanoni", "ornella@acme", "06 5559 8765", "+39 06 55598765"):
        assert list(search_contacts(q=q)) == [caller], q
    assert list(search_contacts(q="ornella rossi")) == []
    assert list(search_contacts(q="v")) == []
    assert list(search_contacts(q="van\x00oni")) == []


def test_a_deactivated_contact_is_not_offered_as_the_caller(acme):
    _customer, _appliance, caller = acme
    caller.user.is_active = False
    caller.user.save()

    assert list(search_contacts(q="vanoni")) == []


def test_the_result_shows_the_person_their_role_and_organization_with_its_equipment(
    acme, dispatcher_client
):
    _customer, appliance, caller = acme

    page = dispatcher_client.get(reverse("desk:customer_search"), {"q": "55598765"}).text

    found = page.split('data-testid="caller-contact"')[1].split("</label>")[0]
    assert "Ornella Vanoni, Approver at Acme Offices" in " ".join(found.split())
    assert "ornella@acme.example" in found
    assert f'data-caller="{caller.pk}"' in found
    assert f'data-appliance="{appliance.pk}"' in page
    # The company shows once, under its caller, not again as a customer of its own.
    assert page.count(f'data-appliance="{appliance.pk}"') == 1


def test_search_queries_do_not_grow_with_the_contacts_found(
    dispatcher_client, django_assert_max_num_queries
):
    for n in range(12):
        org = company(f"Verdi {n} Srl")
        factories.ApplianceFactory(site=factories.SiteFactory(customer=org))
        factories.ApplianceFactory(site=factories.SiteFactory(customer=org))
        factories.ContactFactory(customer=org, user=person("Anna", f"Verdi{n}", f"a{n}@v.example"))
    url = reverse("desk:customer_search")

    with django_assert_max_num_queries(12):
        page = dispatcher_client.get(url, {"q": "anna"}).text

    assert page.count('data-testid="caller-contact"') == 10


def intake(client, appliance, contact: Contact | None):
    return client.post(
        reverse("desk:intake"),
        {
            "kind": "repair",
            "appliance": appliance.pk,
            "channel": "phone",
            "priority": 3,
            "requested_by": contact.pk if contact else "",
        },
    )


def test_choosing_the_contact_records_them_as_the_tickets_requester(acme, dispatcher_client):
    _customer, appliance, caller = acme

    response = intake(dispatcher_client, appliance, caller)

    assert response.status_code == 302
    assert Ticket.objects.get().requested_by == caller.user


def test_a_contact_of_another_organization_is_refused_by_name(acme, dispatcher_client):
    _customer, appliance, _caller = acme
    stranger = factories.ContactFactory(
        customer=company("Beta Srl"), user=person("Bruno", "Lauzi", "bruno@beta.example")
    )

    response = intake(dispatcher_client, appliance, stranger)

    assert response.status_code == 400
    assert "Bruno Lauzi is not a contact of Acme Offices" in response.text
    assert not Ticket.objects.exists()


def test_taking_a_call_refuses_another_organizations_contact_whoever_calls(acme, dispatcher):
    customer, appliance, _caller = acme
    stranger = factories.ContactFactory(customer=company("Beta Srl"))

    with pytest.raises(InvalidInput) as err:
        take_call(
            customer=customer,
            site=appliance.site,
            appliance=appliance,
            kind=Ticket.Kind.REPAIR,
            by=dispatcher,
            requested_by=stranger.user,
        )

    assert err.value.field == "requested_by"
    assert "Acme Offices" in err.value.message
    assert not Ticket.objects.exists()


def test_a_call_without_a_contact_has_no_requester(acme, dispatcher_client):
    _customer, appliance, _caller = acme

    response = intake(dispatcher_client, appliance, None)

    assert response.status_code == 302
    assert Ticket.objects.get().requested_by is None


def test_an_unknown_contact_id_is_refused(acme, dispatcher_client):
    _customer, appliance, caller = acme
    missing = Contact(pk=caller.pk + 1000)

    response = intake(dispatcher_client, appliance, missing)

    assert response.status_code == 400
    assert "That contact does not exist." in response.text
    assert not Ticket.objects.exists()
