"""How it looks (issue 25): a header that says who is signed in and offers the role's main links
on a 390 px phone and at 1440 px, the desk at a desktop's width, icons beside their words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import ApplianceFactory, UserFactory, new_visit, open_ticket
from tests.helpers import assign_today
from tickets.services import transition_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def _signed_in(browser, login, viewport, username):
    context = browser.new_context(viewport=viewport, has_touch=viewport is PHONE)
    page = context.new_page()
    login(page, username)
    return context, page


def _header_fits(page) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for box in page.locator("header.top a, header.top button").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert box <= width


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
def test_the_header_shows_the_dispatcher_and_their_main_links(
    browser, live_server, login, viewport
):
    UserFactory(username="sofia", role="dispatcher", first_name="Sofia", last_name="Marchetti")
    context, page = _signed_in(browser, login, viewport, "sofia")
    page.goto(f"{live_server.url}/dispatch/intake/")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Board")).to_be_visible()
    expect(nav.get_by_role("link", name="New ticket")).to_be_visible()
    expect(nav.get_by_role("link", name="New ticket")).to_have_attribute("aria-current", "page")
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Sofia Marchetti")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    _header_fits(page)
    context.close()


def test_the_technician_sees_who_is_signed_in_on_a_phone(browser, live_server, login, technician):
    technician.user.first_name, technician.user.last_name = "Marco", "Rossi"
    technician.user.save()
    context, page = _signed_in(browser, login, PHONE, "tech")
    page.goto(f"{live_server.url}/tech/")

    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    expect(page.get_by_test_id("signed-in-as")).to_contain_text("Marco Rossi")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="My day")
    ).to_be_visible()
    _header_fits(page)
    context.close()


def test_the_intake_uses_a_desktops_width(browser, live_server, login, dispatcher):
    context, page = _signed_in(browser, login, DESK, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")

    form = page.locator("#intake").bounding_box()
    side = page.locator(".desk-side").bounding_box()
    assert form["width"] > 700
    # What to add for the caller sits beside the form, not below it.
    assert side["x"] >= form["x"] + form["width"]
    assert side["y"] < form["y"] + form["height"]
    context.close()


def test_the_steps_carry_an_icon_beside_their_words(
    browser, live_server, login, technician, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    visit = assign_today(new_visit(), technician)
    context, page = _signed_in(browser, login, PHONE, "tech")
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")

    step = page.get_by_role("button", name="On my way")
    expect(step).to_be_visible()
    icon = step.locator(".icon")
    expect(icon).to_have_attribute("aria-hidden", "true")
    mask = icon.evaluate(
        "e => getComputedStyle(e).maskImage || getComputedStyle(e).webkitMaskImage"
    )
    assert "vendor/lucide/truck.svg" in mask
    assert icon.bounding_box()["width"] > 10
    url = mask.split('url("', 1)[1].split('")', 1)[0]
    answer = page.request.get(url)
    assert answer.ok
    assert "<svg" in answer.text()
    context.close()


def test_the_customer_follows_the_visit_step_by_step(
    browser, live_server, login, customer_user, technician
):
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    visit = assign_today(new_visit(open_ticket(appliance=appliance)), technician)
    transition_visit(visit=visit, to="en_route", by=None)
    context, page = _signed_in(browser, login, PHONE, "customer")
    page.goto(f"{live_server.url}/portal/tickets/{visit.ticket.pk}/")

    steps = page.get_by_test_id("progress").get_by_role("listitem")
    expect(steps).to_have_count(5)
    expect(steps.nth(2)).to_have_text("Heading to you")
    expect(steps.nth(2)).to_have_attribute("aria-current", "step")
    expect(steps.nth(2)).to_have_class("current")
    for passed in (0, 1):
        expect(steps.nth(passed)).to_have_class("passed")
    for ahead in (3, 4):
        expect(steps.nth(ahead)).not_to_have_attribute("class", "passed")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
