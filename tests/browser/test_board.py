"""The dispatcher's day: intake, drag onto the board, refusals, and a colleague's live view."""

import datetime

import pytest
from playwright.sync_api import expect

from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    ErrorCodeFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
)
from tests.helpers import ROME, at
from tickets.models import Ticket, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drop_at(page, item_selector, technician, hour, minute=0):
    """Drag an item onto a technician's lane at a local time."""
    lane = page.locator(f'.lane[data-technician="{technician.pk}"]')
    box = lane.bounding_box()
    fraction = ((hour - 7) * 60 + minute) / (12 * 60)
    with page.expect_response(lambda r: "/dispatch/assign/" in r.url):
        page.locator(item_selector).drag_to(
            lane, target_position={"x": box["width"] * fraction + 1, "y": box["height"] / 2}
        )


def test_intake_drag_refusal_and_live_update(
    page, browser, live_server, login, dispatcher, artifacts, next_monday
):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    appliance = ApplianceFactory(site__customer__name="Giulia Bianchi", serial_number="SN-4242")
    ErrorCodeFactory(code="F05", title="Water not draining")
    ErrorCodeFactory(code="F06", title="Door lock fault")
    page.set_viewport_size({"width": 1600, "height": 1000})
    login(page, "dispatcher")

    # Intake: find the caller by serial number, type two codes, see coverage, open.
    page.goto(f"{live_server.url}/dispatch/intake/")
    page.fill("input[name=q]", "SN-4242")
    page.locator(f'input[data-appliance="{appliance.pk}"]').check()
    expect(page.locator("#chosen")).to_contain_text("SN-4242")
    page.fill("#id_codes", "F05, f 06")
    expect(page.get_by_test_id("intake-preview")).to_contain_text("Billable")
    page.select_option("#id_priority", "2")
    page.click("#intake button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("opened and queued")
    ticket = Ticket.objects.get()
    assert sorted(c.code for c in ticket.error_codes.all()) == ["F05", "F06"]
    visit = ticket.visits.get()

    # A colleague watches the same day in another browser context.
    other = browser.new_context(viewport={"width": 1400, "height": 900})
    colleague = other.new_page()
    UserFactory(username="dispatcher2", role="dispatcher")
    login(colleague, "dispatcher2")
    day_url = f"{live_server.url}/dispatch/?day={next_monday.isoformat()}"
    colleague.goto(day_url)

    # Drag the queued ticket onto Marco at 10:00, then reload: it is there.
    page.goto(day_url)
    drop_at(page, f'.queued[data-visit="{visit.pk}"]', tech, 10)
    expect(page.locator(f'.lane .visit[data-visit="{visit.pk}"]')).to_be_visible()
    page.reload()
    block = page.locator(f'.lane[data-technician="{tech.pk}"] .visit[data-visit="{visit.pk}"]')
    assert "10:00-11:30" in block.get_attribute("title")
    visit.refresh_from_db()
    assert visit.planned_start == at(next_monday, 10)
    assert visit.planned_end == at(next_monday, 11, 30)

    # The colleague sees it without reloading (the board polls every few seconds).
    expect(colleague.locator(f'.lane .visit[data-visit="{visit.pk}"]')).to_be_visible(
        timeout=12_000
    )

    # Another ticket dropped on the occupied slot is refused; nothing changes.
    second = new_visit()
    page.reload()
    drop_at(page, f'.queued[data-visit="{second.pk}"]', tech, 10, 30)
    expect(page.get_by_test_id("board-error")).to_contain_text("already has a visit 10:00-11:30")
    second.refresh_from_db()
    assert second.status == Visit.Status.UNASSIGNED
    assert second.technician is None
    page.screenshot(path=str(artifacts / "board.png"), full_page=True)
    other.close()


def test_dragging_a_block_reschedules_it(page, live_server, login, dispatcher, next_monday):
    tech = TechnicianFactory()
    visit = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    page.set_viewport_size({"width": 1600, "height": 1000})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/?day={next_monday.isoformat()}")

    drop_at(page, f'.visit[data-visit="{visit.pk}"]', tech, 14)

    expect(page.locator(".board-error")).to_have_count(0)
    visit.refresh_from_db()
    local = visit.planned_start.astimezone(ROME)
    assert (local.hour, local.minute) == (14, 0)
    assert local.date() == next_monday
    assert visit.planned_end - visit.planned_start == datetime.timedelta(minutes=90)


def test_a_refused_address_on_the_intake_page_says_why(page, live_server, login, dispatcher):
    """The htmx forms answer a refusal with a 4xx and its message: the page must show it."""
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")
    page.get_by_text("A new address for the found customer").click()
    form = page.locator("#add-site")
    form.locator("input[name=address]").fill("Via Appia 9")
    form.locator("input[name=city]").fill("Roma")
    form.locator("input[name=latitude]").fill("41.85")
    form.locator("input[name=longitude]").fill("12.52")

    # No customer was found first: the server refuses, and the page says so.
    with page.expect_response(lambda r: "/dispatch/intake/sites/" in r.url) as answer:
        form.get_by_role("button", name="Add address").click()

    assert answer.value.status == 400
    expect(page.locator("#new-site [role=alert]")).to_contain_text("Find the customer first")


def test_a_new_address_goes_to_the_customer_found_on_the_intake_page(
    page, live_server, login, dispatcher
):
    appliance = ApplianceFactory(site__customer__name="Giulia Bianchi", serial_number="SN-77")
    page.set_viewport_size({"width": 1400, "height": 900})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")
    page.fill("input[name=q]", "SN-77")
    page.locator(f'input[data-appliance="{appliance.pk}"]').check()
    page.get_by_text("A new address for the found customer").click()
    form = page.locator("#add-site")
    form.locator("input[name=address]").fill("Via Appia 9")
    form.locator("input[name=city]").fill("Roma")
    form.locator("input[name=latitude]").fill("41.85")
    form.locator("input[name=longitude]").fill("12.52")

    with page.expect_response(lambda r: "/dispatch/intake/sites/" in r.url) as answer:
        form.get_by_role("button", name="Add address").click()

    assert answer.value.status == 200
    assert appliance.site.customer.sites.filter(address="Via Appia 9").exists()
