"""A customer opens a quote from their ticket in the portal and accepts it."""

import pytest
from playwright.sync_api import expect

from billing.models import Quote
from billing.services import pricing, quotes
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_accepts_a_quote_in_the_portal(page, live_server, login):
    user = factories.UserFactory(username="giulia", role="customer")
    customer = factories.CustomerFactory(user=user, name="Giulia Bianchi")
    ticket = factories.open_ticket(appliance=factories.ApplianceFactory(site__customer=customer))
    pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)
    quote = quotes.create_quote(
        ticket=ticket,
        by=None,
        lines=[
            quotes.LineInput(description="Replace the drain pump", unit_price="85.00"),
            quotes.LineInput(description="Labour", unit_price="60.00", quantity="0.5"),
        ],
    )
    quotes.send_quote(quote=quote, by=None)

    login(page, "giulia", next=f"/portal/tickets/{ticket.pk}/")
    page.get_by_role("link", name=quote.number).click()
    expect(page.get_by_test_id("quote-total")).to_contain_text("115.00")
    page.get_by_role("button", name="Accept the quote").click()

    expect(page.get_by_test_id("quote-status")).to_have_text("Accepted")
    expect(page.get_by_test_id("decide")).to_have_count(0)
    quote.refresh_from_db()
    assert (quote.status, quote.decided_how, quote.decided_by) == (
        Quote.Status.ACCEPTED,
        Quote.How.PORTAL,
        user,
    )
