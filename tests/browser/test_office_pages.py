"""The office's menu and pages on a phone: the header's Office menu opens with the keyboard and
stays on the screen; the price list and labour pages fit a small phone, every field labelled,
every button a finger can hit."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from billing.services import pricing
from tests.billing.helpers import completed_work, ensure_rates_and_company
from tests.browser.test_phone_layout import PROBLEMS_JS
from tests.factories import UserFactory
from tickets.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def phone(browser, login):
    UserFactory(username="sofia", role="dispatcher")
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, "sofia")
    yield page
    context.close()


def test_the_office_menu_opens_from_the_keyboard_and_fits_a_phone(phone, live_server):
    phone.goto(f"{live_server.url}/desk/tickets/")
    menu = phone.get_by_test_id("office-menu")

    menu.locator("summary").focus()
    phone.keyboard.press("Enter")
    invoices = menu.get_by_role("link", name="Invoices")
    expect(invoices).to_be_visible()
    for link in ("Contracts", "Quotes", "Warranty claims", "Price lists"):
        expect(menu.get_by_role("link", name=link)).to_be_visible()
    right = menu.locator("ul").evaluate("e => e.getBoundingClientRect().right")
    assert right <= PHONE["width"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    invoices.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/billing/invoices/")
    expect(phone.get_by_role("heading", name="Invoices")).to_be_visible()


def test_the_price_list_and_labour_pages_fit_a_small_phone(phone, live_server):
    ensure_rates_and_company("IT")
    prices = pricing.save_price_list(name="Italy", currency="EUR", is_default=True, by=None)
    pricing.set_labour_rate(price_list=prices, kind="repair", hourly_rate="60", by=None)
    visit = completed_work(prices=()).visits.get()
    Visit.objects.filter(pk=visit.pk).update(
        actual_start=visit.actual_end - datetime.timedelta(minutes=40)
    )

    for path in (
        "/billing/prices/",
        f"/billing/prices/{prices.pk}/",
        f"/billing/visits/{visit.pk}/labour/",
    ):
        phone.goto(f"{live_server.url}{path}")
        assert phone.evaluate(PROBLEMS_JS) == [], path

    phone.get_by_label("Labour minutes").fill("-3")
    phone.get_by_label("Reason").fill("Clock stopped")
    phone.get_by_role("button", name="Correct the labour time").click()
    expect(phone.get_by_role("alert")).to_contain_text("Labour minutes")
