"""The technician's app on a 390x844 phone (issue 25): it installs and has its own page offline,
the day reads in planned order, parts are found fast, a signature can be redone, and the pages
pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server, login, technician):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    login(page, "tech")
    yield context, page
    context.close()


def _controlled(page, live_server):
    """The day, loaded until the service worker controls it."""
    page.goto(f"{live_server.url}/tech/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_offline_a_page_the_phone_never_kept_shows_the_apps_offline_page(
    phone, live_server, technician
):
    context, page = phone
    _controlled(page, live_server)
    # The manifest is fetched without cookies, as a browser installing the app does.
    page.evaluate("fetch('/tech/manifest.webmanifest', {credentials: 'omit'})")

    context.set_offline(True)
    with page.expect_navigation():
        page.evaluate("location.href = '/tech/visits/999999/report/'")

    expect(page.get_by_test_id("offline-notice")).to_be_visible()
    assert page.locator("link[rel=manifest]").count() == 1
    # What the phone kept of the day is still there: fetching the manifest signed nobody out.
    page.goto(f"{live_server.url}/tech/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
