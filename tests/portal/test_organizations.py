"""Client companies: contacts with roles, each seeing only their organization's work, in the
organization in use; another organization's ids are 404s; a removed contact reaches nothing at
once; quotes above the approval threshold wait for an approver."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from djmoney.money import Money

from billing.models import Quote
from billing.services import pricing, quotes
from customers.models import Contact, Customer
from customers.selectors import search_customers
from customers.services import add_contact, change_contact_role, remove_contact
from dispatch.services import assign_visit
from fieldservice.errors import InvalidInput, NotAllowed
from notifications.services.outbox import ticket_email
from tests import factories
from tests.helpers import at, client_for
from tickets.models import Ticket
from tickets.selectors import tickets_for
from tickets.services import create_visit

pytestmark = pytest.mark.django_db

R = Contact.Role


@pytest.fixture(autouse=True)
def price_list(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)


def company(name: str, **kwargs) -> Customer:
    return factories.CustomerFactory(name=name, kind=Customer.Kind.COMPANY, **kwargs)


def contact(customer: Customer, role: str, user=None) -> Contact:
    kwargs = {"user": user} if user is not None else {}
    return factories.ContactFactory(customer=customer, role=role, **kwargs)


def ticket_of(customer: Customer, *, requested_by=None):
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))
    return factories.open_ticket(appliance=appliance, requested_by=requested_by)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def acme():
    """A client company with a contact of each role, each requester with a ticket."""
    customer = company("Acme Offices")
    people = {role: contact(customer, role) for role in (R.REQUESTER, R.APPROVER, R.ADMINISTRATOR)}
    other_requester = contact(customer, R.REQUESTER)
    tickets = {
        "mine": ticket_of(customer, requested_by=people[R.REQUESTER].user),
        "colleague": ticket_of(customer, requested_by=other_requester.user),
        "desk": ticket_of(customer),
    }
    return customer, people, tickets


def test_a_requester_sees_their_own_requests_approvers_and_administrators_all(acme):
    _customer, people, tickets = acme
    theirs = ticket_of(company("Beta Srl"))

    seen = {role: set(tickets_for(c.user)) for role, c in people.items()}

    assert seen[R.REQUESTER] == {tickets["mine"]}
    assert seen[R.APPROVER] == seen[R.ADMINISTRATOR] == set(tickets.values())
    assert all(theirs not in s for s in seen.values())


def test_portal_pages_of_a_colleagues_or_another_organizations_ticket_are_404s(acme):
    _customer, people, tickets = acme
    theirs = ticket_of(company("Beta Srl"))
    requester = signed_in(people[R.REQUESTER].user)
    approver = signed_in(people[R.APPROVER].user)

    def status(client, ticket):
        return client.get(reverse("portal:ticket", args=[ticket.pk])).status_code

    assert status(requester, tickets["mine"]) == 200
    assert status(requester, tickets["colleague"]) == 404
    assert status(approver, tickets["colleague"]) == 200
    assert status(approver, theirs) == status(requester, theirs) == 404
    home = requester.get(reverse("portal:home")).text
    assert tickets["mine"].number in home
    assert tickets["colleague"].number not in home


def test_a_ticket_booked_in_the_portal_is_requested_by_the_contact_who_booked_it(acme):
    customer, people, _tickets = acme
    user = people[R.REQUESTER].user

    ticket = factories.open_ticket(
        appliance=factories.ApplianceFactory(site__customer=customer), by=user
    )

    assert ticket.requested_by == user
    assert ticket in tickets_for(user)


def test_the_requester_must_be_a_contact_of_the_tickets_customer(acme):
    _customer, people, _tickets = acme
    with pytest.raises(InvalidInput) as err:
        ticket_of(company("Beta Srl"), requested_by=people[R.REQUESTER].user)
    assert err.value.field == "requested_by"


def test_contracts_invoices_and_contacts_are_the_administrators(acme):
    _customer, people, _tickets = acme
    pages = ["portal:contracts", "portal:invoices", "portal:contacts"]
    for role, expected in ((R.REQUESTER, 403), (R.APPROVER, 403), (R.ADMINISTRATOR, 200)):
        client = signed_in(people[role].user)
        assert [client.get(reverse(p)).status_code for p in pages] == [expected] * 3, role


def test_a_person_in_two_organizations_sees_each_ones_tickets_only_after_switching():
    acme, beta = company("Acme Offices"), company("Beta Srl")
    person = contact(acme, R.APPROVER).user
    contact(beta, R.APPROVER, user=person)
    at_acme, at_beta = ticket_of(acme), ticket_of(beta)
    client = signed_in(person)
    url = reverse("portal:ticket", args=[at_beta.pk])

    first = client.get(reverse("portal:home")).text
    before = client.get(url).status_code
    switched = client.post(reverse("portal:organization"), {"organization": beta.pk})
    after = client.get(reverse("portal:home")).text

    assert at_acme.number in first  # Acme: the first by name
    assert at_beta.number not in first
    assert before == 404
    assert switched.status_code == 302
    assert at_beta.number in after
    assert at_acme.number not in after
    assert client.get(url).status_code == 200
    assert client.get(reverse("portal:ticket", args=[at_acme.pk])).status_code == 404


def test_switching_to_an_organization_one_is_no_contact_of_is_a_404(acme):
    _customer, people, tickets = acme
    beta = company("Beta Srl")
    client = signed_in(people[R.APPROVER].user)

    response = client.post(reverse("portal:organization"), {"organization": beta.pk})
    junk = client.post(reverse("portal:organization"), {"organization": "x"})

    assert response.status_code == junk.status_code == 404
    assert client.get(reverse("portal:ticket", args=[tickets["desk"].pk])).status_code == 200


def test_removing_a_contact_takes_effect_at_once_for_their_session_and_token(acme):
    _customer, people, tickets = acme
    approver = people[R.APPROVER]
    session = signed_in(approver.user)
    api = client_for(approver.user)
    page = reverse("portal:ticket", args=[tickets["desk"].pk])
    endpoint = f"/api/v1/tickets/{tickets['desk'].pk}/"
    assert session.get(page).status_code == 200
    assert api.get(endpoint).status_code == 200

    remove_contact(contact=approver, by=people[R.ADMINISTRATOR].user)

    assert session.get(page).status_code in (403, 404)
    assert session.get(reverse("portal:home")).status_code == 403
    assert api.get(endpoint).status_code == 404
    assert api.get("/api/v1/tickets/").json()["results"] == []


def test_the_api_answers_for_the_organization_named_in_x_organization():
    acme, beta = company("Acme Offices"), company("Beta Srl")
    person = contact(acme, R.APPROVER).user
    contact(beta, R.REQUESTER, user=person)
    at_acme, at_beta = ticket_of(acme), ticket_of(beta, requested_by=person)
    stranger = company("Gamma Spa")
    api = client_for(person)

    def numbers(org):
        response = api.get("/api/v1/tickets/", HTTP_X_ORGANIZATION=str(org.pk))
        return response.status_code, [t["id"] for t in response.json().get("results", [])]

    unnamed = api.get("/api/v1/tickets/")

    assert numbers(acme) == (200, [at_acme.pk])
    assert numbers(beta) == (200, [at_beta.pk])
    assert numbers(stranger)[0] == 404
    assert unnamed.status_code == 400
    assert "X-Organization" in unnamed.json()["detail"]
    assert (
        api.get(f"/api/v1/tickets/{at_beta.pk}/", HTTP_X_ORGANIZATION=str(acme.pk)).status_code
        == 404
    )


# ---------------------------------------------------------------------------------------------
# Quotes and the approval threshold.


def sent_quote(ticket, amount: str) -> Quote:
    quote = quotes.create_quote(
        ticket=ticket,
        by=None,
        lines=[quotes.LineInput(description="Compressor", unit_price=amount)],
    )
    return quotes.send_quote(quote=quote, by=None)


@pytest.fixture
def thresholded(acme):
    customer, people, tickets = acme
    customer.approval_threshold = Money("500.00", "EUR")
    customer.save()
    return customer, people, tickets


def test_a_requester_accepts_a_quote_below_the_threshold(thresholded):
    _customer, people, tickets = thresholded
    quote = sent_quote(tickets["mine"], "499.99")
    client = signed_in(people[R.REQUESTER].user)

    response = client.post(reverse("portal:quote", args=[quote.pk]), {"action": "accept"})

    quote.refresh_from_db()
    assert response.status_code == 302
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.decided_by == people[R.REQUESTER].user


def test_above_the_threshold_a_requester_is_refused_and_an_approver_accepts(thresholded):
    _customer, people, tickets = thresholded
    quote = sent_quote(tickets["mine"], "500.01")
    requester = signed_in(people[R.REQUESTER].user)
    url = reverse("portal:quote", args=[quote.pk])

    shown = requester.get(url).text
    refused = requester.post(url, {"action": "accept"})
    quote.refresh_from_db()
    status_after_refusal = quote.status
    accepted = signed_in(people[R.APPROVER].user).post(url, {"action": "accept"})
    quote.refresh_from_db()

    assert 'data-testid="needs-approver"' in shown
    assert refused.status_code == 400
    assert "approver" in refused.text
    assert status_after_refusal == Quote.Status.SENT
    assert accepted.status_code == 302
    assert quote.status == Quote.Status.ACCEPTED
    assert quote.decided_by == people[R.APPROVER].user


def test_above_the_threshold_the_emailed_link_does_not_accept(thresholded):
    _customer, _people, tickets = thresholded
    quote = sent_quote(tickets["desk"], "800")

    with pytest.raises(NotAllowed):
        quotes.decide_quote(quote=quote, accept=True, how=Quote.How.LINK, name="Someone")
    declined = quotes.decide_quote(quote=quote, accept=False, how=Quote.How.LINK, name="Someone")

    assert declined.status == Quote.Status.DECLINED


def test_without_a_threshold_any_contact_accepts(acme):
    _customer, people, tickets = acme
    quote = sent_quote(tickets["mine"], "9000")
    assert quotes.needs_approver(quote) is False
    accepted = quotes.decide_quote(
        quote=quote, accept=True, how=Quote.How.PORTAL, by=people[R.REQUESTER].user
    )
    assert accepted.status == Quote.Status.ACCEPTED


def test_a_requester_sees_no_quote_of_a_colleagues_ticket(acme):
    _customer, people, tickets = acme
    quote = sent_quote(tickets["colleague"], "100")
    url = reverse("portal:quote", args=[quote.pk])
    assert signed_in(people[R.REQUESTER].user).get(url).status_code == 404
    assert signed_in(people[R.APPROVER].user).get(url).status_code == 200


# ---------------------------------------------------------------------------------------------
# The administrators' contacts page.


def test_an_administrator_adds_changes_and_removes_contacts(acme, mailoutbox):
    customer, people, _tickets = acme
    admin = signed_in(people[R.ADMINISTRATOR].user)
    url = reverse("portal:contacts")

    added = admin.post(url, {"email": "New.Person@Example.com", "role": R.REQUESTER})
    new = Contact.objects.get(customer=customer, user__email__iexact="New.Person@Example.com")
    promoted = admin.post(reverse("portal:contact_role", args=[new.pk]), {"role": R.APPROVER})
    new.refresh_from_db()
    role_after = new.role
    removed = admin.post(reverse("portal:remove_contact", args=[new.pk]))

    assert added.status_code == promoted.status_code == removed.status_code == 302
    assert new.user.groups.filter(name="customer").exists()
    assert not new.user.has_usable_password()
    assert role_after == R.APPROVER
    assert not Contact.objects.filter(pk=new.pk).exists()
    table = admin.get(url).text.split('data-testid="contacts"')[1].split("</table>")[0]
    assert "New.Person@" not in table
    assert people[R.APPROVER].user.email in table


def test_bad_input_on_the_contacts_page_says_what_is_wrong_and_changes_nothing(acme):
    customer, people, _tickets = acme
    admin = signed_in(people[R.ADMINISTRATOR].user)
    before = Contact.objects.filter(customer=customer).count()

    bad_email = admin.post(reverse("portal:contacts"), {"email": "not-an-address", "role": "x"})
    twice = admin.post(
        reverse("portal:contacts"),
        {"email": people[R.REQUESTER].user.email, "role": R.REQUESTER},
    )

    assert bad_email.status_code == twice.status_code == 400
    assert "Enter a valid email address." in bad_email.text
    assert "is a contact of this organization already" in twice.text
    assert Contact.objects.filter(customer=customer).count() == before


def test_the_last_administrator_can_be_neither_removed_nor_demoted(acme):
    _customer, people, _tickets = acme
    last = people[R.ADMINISTRATOR]
    admin = signed_in(last.user)

    removed = admin.post(reverse("portal:remove_contact", args=[last.pk]))
    demoted = admin.post(reverse("portal:contact_role", args=[last.pk]), {"role": R.REQUESTER})
    last.refresh_from_db()

    assert removed.status_code == demoted.status_code == 400
    assert "needs an administrator" in removed.text
    assert last.role == R.ADMINISTRATOR
    # With a second administrator, the first may step down.
    change_contact_role(contact=people[R.APPROVER], role=R.ADMINISTRATOR)
    assert change_contact_role(contact=last, role=R.REQUESTER).role == R.REQUESTER


def test_another_organizations_contact_is_a_404_on_the_contacts_page(acme):
    _customer, people, _tickets = acme
    theirs = contact(company("Beta Srl"), R.REQUESTER)
    admin = signed_in(people[R.ADMINISTRATOR].user)

    role = admin.post(reverse("portal:contact_role", args=[theirs.pk]), {"role": R.APPROVER})
    removed = admin.post(reverse("portal:remove_contact", args=[theirs.pk]))

    assert role.status_code == removed.status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == R.REQUESTER


def test_staff_cannot_be_added_as_a_contact(acme, dispatcher):
    customer, _people, _tickets = acme
    with pytest.raises(InvalidInput):
        add_contact(customer=customer, email=dispatcher.email, role=R.REQUESTER)
    assert not Contact.objects.filter(user=dispatcher).exists()


def test_one_person_may_be_added_to_a_second_organization(acme):
    _customer, people, _tickets = acme
    beta = company("Beta Srl")
    added = add_contact(customer=beta, email=people[R.REQUESTER].user.email, role=R.APPROVER)
    assert added.user == people[R.REQUESTER].user
    assert Contact.objects.filter(user=added.user).count() == 2


# ---------------------------------------------------------------------------------------------
# The desk, the board and the technician see the organization and the contact.


def test_intake_finds_a_caller_by_a_contacts_name_or_email_with_the_companys_sites():
    acme = company("Acme Offices")
    site = factories.SiteFactory(customer=acme, address="Via Tiburtina 90")
    caller = contact(
        acme,
        R.REQUESTER,
        user=factories.UserFactory(
            first_name="Ornella", last_name="Vanoni", email="ornella@acme.example"
        ),
    )

    by_name = list(search_customers(q="vanoni"))
    by_email = list(search_customers(q="ornella@acme"))
    by_both = list(search_customers(q="Ornella Vanoni"))

    assert by_name == by_email == by_both == [acme]
    assert list(by_name[0].sites.all()) == [site]
    assert [c.user for c in by_name[0].contacts.all()] == [caller.user]


def test_the_desk_the_board_and_the_technician_show_the_requesting_contact(
    acme, dispatcher, technician, next_monday
):
    _customer, people, tickets = acme
    ticket = tickets["mine"]
    name = people[R.REQUESTER].user.get_full_name()
    visit = create_visit(ticket=ticket, by=None)
    assign_visit(visit=visit, technician=technician, start=at(next_monday, 9), by=None)
    desk = signed_in(dispatcher)

    page = desk.get(reverse("desk:ticket", args=[ticket.number])).text
    panel = desk.get(reverse("dispatch:panel", args=[ticket.pk])).text
    job = signed_in(technician.user).get(reverse("tech:job", args=[visit.pk])).text

    assert "Organization" in page
    assert name in page.split('data-testid="requested-by"')[1][:300]
    assert name in panel.split('data-testid="panel-requested-by"')[1][:300]
    assert name in job.split('data-testid="job-requested-by"')[1][:300]


def test_a_companys_ticket_messages_go_to_its_requester_else_an_administrator(acme):
    customer, people, tickets = acme
    household = factories.CustomerFactory(email="home@example.com")

    to_requester = ticket_email(tickets["mine"])
    to_administrator = ticket_email(tickets["desk"])
    remove_contact(contact=people[R.REQUESTER])
    after_removal = ticket_email(Ticket.objects.get(pk=tickets["mine"].pk))

    assert to_requester == people[R.REQUESTER].user.email
    assert to_administrator == after_removal == people[R.ADMINISTRATOR].user.email
    assert ticket_email(ticket_of(household)) == "home@example.com"
    assert customer.email not in (to_requester, to_administrator)
