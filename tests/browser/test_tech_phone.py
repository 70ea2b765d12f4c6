"""The technician's app on a 390x844 phone (issue 25): it installs and has its own page offline,
the day reads in planned order, parts are found fast, a signature can be redone, and the pages
pass axe."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dispatch.services import assign_visit
from tests.factories import ErrorCodeFactory, PartFactory, new_visit, open_ticket
from tests.helpers import ROME, finish_visit, tomorrow_at
from tickets.models import PartUsed
from tickets.services import offer_option, transition_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def _hm(moment) -> str:
    return moment.astimezone(ROME).strftime("%H:%M")


def test_the_day_reads_in_planned_order_with_the_next_stop_marked(
    phone, live_server, technician, artifacts
):
    _context, page = phone
    done = assign_visit(
        visit=new_visit(window_start=tomorrow_at(8), window_end=tomorrow_at(10)),
        technician=technician,
        start=tomorrow_at(8) + datetime.timedelta(minutes=30),
        by=None,
    )
    done = finish_visit(done)
    upcoming = assign_visit(
        visit=new_visit(window_start=tomorrow_at(10), window_end=tomorrow_at(12)),
        technician=technician,
        start=tomorrow_at(10) + datetime.timedelta(minutes=15),
        by=None,
    )
    last = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(14), by=None)

    page.goto(f"{live_server.url}/tech/")
    page.screenshot(path=str(artifacts / "tech-day-plan.png"), full_page=True)

    stops = page.get_by_test_id("stop")
    expect(stops).to_have_count(3)
    for place, visit in enumerate((done, upcoming, last)):
        stop = stops.nth(place)
        expect(stop.get_by_role("link").first).to_contain_text(
            f"{place + 1} {_hm(visit.planned_start)}\u2013{_hm(visit.planned_end)}"
        )
        expect(stop).to_contain_text(
            f"Promised {_hm(visit.window_start)}\u2013{_hm(visit.window_end)}"
        )
    # The planned time, not the window, leads the card.
    assert _hm(upcoming.planned_start) != _hm(upcoming.window_start)
    expect(stops.nth(1).get_by_text("Next", exact=True)).to_be_visible()
    expect(stops.nth(1)).to_have_attribute("aria-current", "step")
    for place in (0, 2):
        expect(stops.nth(place).get_by_text("Next", exact=True)).to_have_count(0)
    looks = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stop]')].map((el) => {
             const style = getComputedStyle(el);
             return [style.color, style.backgroundColor];
           })"""
    )
    assert looks[0] != looks[2], "a finished job looks like a pending one"
    assert looks[1] == looks[2] or looks[1][1] == looks[2][1]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_parts_come_expected_first_and_the_rest_by_search_offline_too(
    phone, live_server, technician
):
    context, page = phone
    pump = PartFactory(name="Drain pump", sku="WM-PUMP")
    PartFactory(name="Door lock", sku="WM-LOCK")
    ErrorCodeFactory(code="F05").parts.add(pump)
    ErrorCodeFactory(code="F21").parts.add(PartFactory(name="Door seal", sku="WM-SEAL"))
    PartFactory(name="Toner cartridge", sku="PR-TONER")
    visit = assign_visit(
        visit=new_visit(open_ticket(codes=["F05"])),
        technician=technician,
        start=tomorrow_at(9),
        by=None,
    )
    visit = transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = transition_visit(visit=visit, to="on_site", by=None)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    parts = page.get_by_role("group", name="Part used")
    expect(parts.get_by_role("radio")).to_have_count(2)  # the code's pump, the model's seal
    expect(parts).not_to_contain_text("Toner")

    search = page.get_by_label("Search all parts")
    search.fill("toner")
    expect(parts.get_by_label("Toner cartridge (PR-TONER)")).to_be_visible()
    expect(parts.get_by_text("From the catalog")).to_be_visible()
    expect(parts.get_by_label("Drain pump (WM-PUMP)")).to_be_hidden()
    expect(parts.get_by_text("For the error codes")).to_be_hidden()  # none of its parts left

    context.set_offline(True)
    search.fill("seal")
    expect(parts.get_by_label("Door seal (WM-SEAL)")).to_be_visible()
    expect(parts.get_by_text("Often used on this model")).to_be_visible()
    expect(parts.get_by_label("Drain pump (WM-PUMP)")).to_be_hidden()
    expect(parts).to_contain_text("No connection")
    parts.get_by_label("Door seal (WM-SEAL)").check()
    page.get_by_role("button", name="Add part").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")

    context.set_offline(False)
    # Sent, the page shows it from the server, no longer as waiting.
    expect(page.get_by_test_id("outbox-waiting")).not_to_contain_text("Door seal", timeout=10_000)
    expect(page.locator(".record")).to_contain_text("1 \u00d7 Door seal")
    assert [p.part.sku for p in PartUsed.objects.filter(visit=visit)] == ["WM-SEAL"]


def _sign(page):
    page.locator("#signature-pad").scroll_into_view_if_needed()
    pad = page.locator("#signature-pad").bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + 80)
    page.mouse.down()
    page.mouse.move(pad["x"] + 200, pad["y"] + 40, steps=8)
    page.mouse.up()


INK = """() => {
  const pad = document.getElementById('signature-pad');
  const pixels = pad.getContext('2d').getImageData(0, 0, pad.width, pad.height).data;
  return pixels.some((value, i) => i % 4 === 3 && value > 0);
}"""


def test_a_signature_can_be_cleared_from_the_keyboard_and_signed_again(
    phone, live_server, technician
):
    _context, page = phone
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    visit = transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = transition_visit(visit=visit, to="on_site", by=None)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    _sign(page)
    assert page.evaluate(INK)

    page.locator("#sign-form input[name=text]").focus()
    page.keyboard.press("Shift+Tab")
    clear = page.get_by_role("button", name="Clear the signature")
    expect(clear).to_be_focused()
    page.keyboard.press("Enter")

    assert not page.evaluate(INK)
    assert page.evaluate("window.fieldserviceSignature()") == ""
    _sign(page)
    page.fill("#sign-form input[name=text]", "Giulia Bianchi")
    page.get_by_role("button", name="Save signature").click()
    expect(page.locator(".record")).to_contain_text("Signed by Giulia Bianchi", timeout=10_000)


def test_the_day_and_the_job_pass_axe(phone, live_server, technician, axe, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _context, page = phone
    ErrorCodeFactory(code="F05").parts.add(PartFactory(name="Drain pump", sku="WM-PUMP"))
    done = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(8), by=None)
    done = finish_visit(done)
    visit = assign_visit(
        visit=new_visit(open_ticket(codes=["F05"])),
        technician=technician,
        start=tomorrow_at(10),
        by=None,
    )
    visit = transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = transition_visit(visit=visit, to="on_site", by=None)
    offer_option(visit=visit, description="New drain pump", price=Decimal("120"))

    page.goto(f"{live_server.url}/tech/")
    assert axe(page) == []
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    page.get_by_label("Search all parts").fill("pump")
    assert axe(page) == []
    # With a refusal from the outbox on the page (no part chosen).
    page.get_by_role("button", name="Add part").click()
    expect(page.get_by_test_id("outbox-conflicts")).to_contain_text("Choose the part")
    assert axe(page) == []
    page.goto(f"{live_server.url}/tech/visits/{done.pk}/")
    assert axe(page) == []
    page.goto(f"{live_server.url}/tech/offline/")
    assert axe(page) == []
