"""The client report in a browser: an organization's administrator reaches it from the
portal's navigation, reads January's figures, and axe finds nothing to report."""

import datetime

import pytest
from playwright.sync_api import expect

from customers.models import Customer
from tests import factories
from tests.helpers import ROME
from tests.insights.history import ticket, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_opens_the_report_from_the_navigation(page, login, axe):
    org = factories.CustomerFactory(name="Acme", kind=Customer.Kind.COMPANY)
    factories.ContactFactory(customer=org, role="administrator", user__username="acme-admin")
    site = factories.SiteFactory(customer=org)
    opened = datetime.datetime(2026, 1, 12, 8, tzinfo=ROME)
    t = ticket(opened=opened, appliance=factories.ApplianceFactory(site=site))
    tech = factories.TechnicianFactory(user__first_name="Marco")
    visit(t, tech, start=opened + datetime.timedelta(hours=2), minutes=75)
    login(page, "acme-admin", next="/portal/")

    page.get_by_role("navigation").get_by_role("link", name="Reports").click()
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_label("Until").fill("2026-01-31")
    page.get_by_role("button", name="Show").click()

    expect(page.get_by_test_id("opened")).to_have_text("1")
    expect(page.get_by_test_id("report-visits")).to_contain_text("Marco")
    expect(page.get_by_test_id("report-visits")).to_contain_text("1:15")
    assert axe(page) == []
