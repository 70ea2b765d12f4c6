"""Screenshots of the main pages for the README (issue 25), taken from demo_day.py's small,
believable day: the dispatcher's board, its ticket panel and the intake at a desk's width, the
technician's day and job on a 390x844 phone, and the customer's booking and tracking. Each page
is checked to have rendered (its heading shows) before it is saved under docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Kept small enough for a README: the PNGs are committed.
MAX_BYTES = 300 * 1024


def _save(page, name: str, *, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    assert 0 < path.stat().st_size <= MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"


def test_screenshots_of_the_dispatchers_pages(browser, live_server, login, company, day):
    context = browser.new_context(viewport=DESK)
    page = context.new_page()
    login(page, "dispatcher")

    page.goto(f"{live_server.url}/dispatch/?day={day:%Y-%m-%d}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day board")
    expect(page.locator(".visit")).to_have_count(9)
    _save(page, "board", full_page=False)

    page.locator(".queued.p1").first.click()
    expect(page.locator("#panel .panel h2")).to_contain_text("P1")
    _save(page, "ticket", full_page=False)

    page.goto(f"{live_server.url}/dispatch/intake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New ticket")
    page.fill("input[name=q]", "Colombo")
    expect(page.locator("#customers")).to_contain_text("Anna Colombo")
    _save(page, "intake")
    context.close()


def test_screenshots_of_the_technicians_phone(browser, live_server, login, company):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    login(page, "tech")

    page.goto(f"{live_server.url}/tech/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My day")
    expect(page.get_by_test_id("stop")).to_have_count(4)
    _save(page, "tech-day", full_page=False)

    page.goto(f"{live_server.url}/tech/visits/{company['on_site'].pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Giorgio Ricci")
    _save(page, "tech-job", full_page=False)
    context.close()


def test_screenshots_of_the_customers_booking_and_tracking(browser, live_server, login, company):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    login(page, "customer")

    page.goto(f"{live_server.url}/portal/book/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a visit")
    page.select_option("#id_kind", "repair")
    page.select_option("#id_appliance", str(company["anna"].pk))
    page.fill("#id_description", "The drum smells and the water stays in.")
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_test_id("windows")).to_be_visible()
    _save(page, "portal-booking", full_page=False)
    context.close()

    phone = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = phone.new_page()
    login(page, "customer")
    ticket = company["anna"].tickets.get()
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.number)
    _save(page, "portal-tracking")
    phone.close()


def test_the_screenshots_are_shown_in_the_readme():
    readme = (SCREENSHOTS.parents[1] / "README.md").read_text()

    assert "## What it looks like" in readme
    for name in ("board", "ticket", "intake", "tech-day", "tech-job", "portal-booking"):
        assert f"docs/screenshots/{name}.png" in readme
    assert "docs/screenshots/portal-tracking.png" in readme
