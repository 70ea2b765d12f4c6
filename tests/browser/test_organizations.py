"""A client company's approver accepts a quote above the company's threshold in the portal; a
person who is a contact of two companies switches between them and sees each one's requests."""

import pytest
from djmoney.money import Money
from playwright.sync_api import expect

from billing.models import Quote
from billing.services import pricing, quotes
from customers.models import Contact, Customer
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _company(name: str, **kwargs) -> Customer:
    return factories.CustomerFactory(name=name, kind=Customer.Kind.COMPANY, **kwargs)


def _ticket(customer, **kwargs):
    appliance = factories.ApplianceFactory(site=factories.SiteFactory(customer=customer))
    return factories.open_ticket(appliance=appliance, **kwargs)


def test_an_approver_accepts_a_quote_above_the_threshold_for_their_company(
    page, live_server, login
):
    acme = _company("Acme Offices", approval_threshold=Money("100.00", "EUR"))
    requester = factories.ContactFactory(customer=acme, role=Contact.Role.REQUESTER).user
    approver = factories.UserFactory(username="elena", role="customer")
    factories.ContactFactory(customer=acme, user=approver, role=Contact.Role.APPROVER)
    ticket = _ticket(acme, requested_by=requester)
    pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)
    quote = quotes.create_quote(
        ticket=ticket,
        by=None,
        lines=[quotes.LineInput(description="New compressor", unit_price="420.00")],
    )
    quotes.send_quote(quote=quote, by=None)

    login(page, "elena")
    expect(page.get_by_test_id("organization-in-use")).to_contain_text("Acme Offices")
    page.get_by_role("link", name=ticket.number).click()
    page.get_by_role("link", name=quote.number).click()
    expect(page.get_by_test_id("needs-approver")).to_have_count(0)
    page.get_by_role("button", name="Accept the quote").click()

    expect(page.get_by_test_id("quote-status")).to_have_text("Accepted")
    quote.refresh_from_db()
    assert (quote.status, quote.decided_by) == (Quote.Status.ACCEPTED, approver)


def test_a_contact_of_two_companies_switches_between_them(page, live_server, login):
    acme, beta = _company("Acme Offices"), _company("Beta Srl")
    person = factories.UserFactory(username="giorgio", role="customer")
    factories.ContactFactory(customer=acme, user=person, role=Contact.Role.APPROVER)
    factories.ContactFactory(customer=beta, user=person, role=Contact.Role.APPROVER)
    at_acme, at_beta = _ticket(acme), _ticket(beta)

    login(page, "giorgio", next="/portal/")
    expect(page.get_by_role("link", name=at_acme.number)).to_be_visible()
    expect(page.get_by_role("link", name=at_beta.number)).to_have_count(0)
    page.get_by_test_id("organization-in-use").click()
    page.get_by_role("button", name="Work for Beta Srl").click()

    expect(page.get_by_test_id("organization-in-use")).to_contain_text("Beta Srl")
    expect(page.get_by_role("link", name=at_beta.number)).to_be_visible()
    expect(page.get_by_role("link", name=at_acme.number)).to_have_count(0)
