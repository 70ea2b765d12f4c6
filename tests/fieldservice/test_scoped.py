"""roles.scoped on its own: which rows each role sees, with each lookup given or not."""

from __future__ import annotations

import pytest

from customers.models import Contact, Customer
from dispatch.services import assign_visit
from fieldservice import roles
from tests import factories
from tests.helpers import at
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
R = Contact.Role


def ticket_of(customer: Customer, *, requested_by=None) -> Ticket:
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))
    return factories.open_ticket(appliance=appliance, requested_by=requested_by)


def seen(user, **lookups) -> set:
    return set(roles.scoped(Ticket.objects.all(), user, **lookups))


@pytest.fixture
def acme():
    customer = factories.CustomerFactory(name="Acme", kind=Customer.Kind.COMPANY)
    requester = factories.ContactFactory(customer=customer, role=R.REQUESTER)
    approver = factories.ContactFactory(customer=customer, role=R.APPROVER)
    mine = ticket_of(customer, requested_by=requester.user)
    colleague = ticket_of(customer, requested_by=approver.user)
    ticket_of(factories.CustomerFactory(name="Beta", kind=Customer.Kind.COMPANY))
    return requester.user, approver.user, {mine, colleague}, mine


def test_a_requester_sees_their_own_only_when_a_requester_lookup_is_given(acme):
    requester, _approver, theirs, mine = acme
    assert seen(requester, customer="customer", requester="requested_by") == {mine}
    assert seen(requester, customer="customer") == theirs


def test_an_approver_sees_the_organizations_with_or_without_a_requester_lookup(acme):
    _requester, approver, theirs, _mine = acme
    assert seen(approver, customer="customer", requester="requested_by") == theirs
    assert seen(approver, customer="customer") == theirs


def test_without_a_customer_lookup_a_contact_sees_nothing(acme):
    requester, _approver, _theirs, _mine = acme
    assert seen(requester, technician="visits__technician") == set()


def test_a_customer_user_who_is_nobodys_contact_sees_nothing():
    ticket_of(factories.CustomerFactory())
    stranger = factories.UserFactory(role=roles.CUSTOMER)
    assert seen(stranger, customer="customer", requester="requested_by") == set()


def test_a_contact_row_without_the_customer_role_reaches_nothing(acme):
    requester, _approver, _theirs, _mine = acme
    requester.groups.clear()
    requester = type(requester).objects.get(pk=requester.pk)
    assert seen(requester, customer="customer", technician="visits__technician") == set()


def test_a_technician_sees_the_rows_their_lookup_names_distinct_only_when_asked(next_monday):
    technician = factories.TechnicianFactory()
    ticket = factories.open_ticket()
    for hour in (9, 14):
        visit = factories.new_visit(ticket)
        assign_visit(visit=visit, technician=technician, start=at(next_monday, hour), by=None)
    factories.open_ticket()

    both = roles.scoped(Ticket.objects.all(), technician.user, technician="visits__technician")
    once = roles.scoped(
        Ticket.objects.all(), technician.user, technician="visits__technician", distinct=True
    )
    assert list(both) == [ticket, ticket]  # one row per visit: the lookup crosses to many
    assert list(once) == [ticket]
    assert seen(technician.user, customer="customer") == set()  # no technician lookup


def test_a_technicians_user_without_a_technician_record_sees_nothing():
    factories.open_ticket()
    user = factories.UserFactory(role=roles.TECHNICIAN)
    assert seen(user, technician="visits__technician", customer="customer") == set()


def test_a_dispatcher_sees_all_and_a_user_without_a_role_nothing():
    tickets = {factories.open_ticket(), factories.open_ticket()}
    dispatcher = factories.UserFactory(role=roles.DISPATCHER)
    nobody = factories.UserFactory()
    lookups = {"technician": "visits__technician", "customer": "customer"}
    assert seen(dispatcher, **lookups) == tickets
    assert seen(nobody, **lookups) == set()
    assert seen(None, **lookups) == set()
