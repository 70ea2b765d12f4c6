"""The dispatcher's day: intake, drag onto the board, refusals, and a colleague's live view; the
promised window kept unless broken on purpose; the board by keyboard and touch; axe's checks."""

import datetime

import pytest
from playwright.sync_api import expect

from dispatch.services import assign_visit
from notifications.models import Notification
from tests.factories import (
    ApplianceFactory,
    ErrorCodeFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
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

    # Within the window promised to the customer (09:00-11:00): no question asked.
    drop_at(page, f'.visit[data-visit="{visit.pk}"]', tech, 10, 30)

    expect(page.locator(".board-error")).to_have_count(0)
    expect(page.get_by_test_id("promise-dialog")).to_have_count(0)
    visit.refresh_from_db()
    local = visit.planned_start.astimezone(ROME)
    assert (local.hour, local.minute) == (10, 30)
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


def board_at(page, live_server, login, day, width=1440, height=900):
    page.set_viewport_size({"width": width, "height": height})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/?day={day.isoformat()}")


def test_dragging_out_of_the_promised_window_asks_for_a_reason_and_tells_the_customer(
    page, live_server, login, dispatcher, next_monday, axe
):
    tech = TechnicianFactory()
    booked = new_visit(window_start=at(next_monday, 8), window_end=at(next_monday, 10))
    visit = assign_visit(visit=booked, technician=tech, start=at(next_monday, 8), by=None)
    board_at(page, live_server, login, next_monday, width=1600, height=1000)
    block = f'.visit[data-visit="{visit.pk}"]'

    # Dropped at 14:00 the board asks first; keeping the window changes nothing.
    drop_at(page, block, tech, 14)
    dialog = page.get_by_test_id("promise-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("08:00-10:00")
    expect(dialog.get_by_label("Reason")).to_be_focused()
    assert axe(page) == []
    dialog.get_by_role("button", name="Keep the promised window").click()
    expect(dialog).to_be_hidden()
    visit.refresh_from_db()
    assert visit.planned_start == at(next_monday, 8)
    assert not Notification.objects.filter(kind=Notification.Kind.VISIT_MOVED).exists()

    # Again, this time with a reason: moved, and the customer gets the window and the link.
    drop_at(page, block, tech, 14)
    dialog.get_by_label("Reason").fill("The van broke down")
    with page.expect_response(lambda r: "/dispatch/assign/" in r.url):
        dialog.get_by_role("button", name="Move and tell the customer").click()
    expect(page.get_by_test_id("promise-dialog")).to_have_count(0)
    visit.refresh_from_db()
    assert visit.planned_start == at(next_monday, 14)
    assert (visit.window_start, visit.window_end) == (at(next_monday, 14), at(next_monday, 16))
    moved = Notification.objects.get(
        visit=visit, kind=Notification.Kind.VISIT_MOVED, channel=Notification.Channel.EMAIL
    )
    assert "/portal/b/" in moved.payload["manage_url"]


def test_a_visit_is_assigned_moved_and_unassigned_by_keyboard_alone(
    page, live_server, login, dispatcher, next_monday
):
    TechnicianFactory(user__first_name="Anna", user__last_name="Verdi")
    marco = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    visit = new_visit()
    board_at(page, live_server, login, next_monday)
    day = next_monday.isoformat()

    # The queue scrolls, so it takes focus; the next Tab is its first card, visibly focused.
    page.locator(".queue").focus()
    page.keyboard.press("Tab")
    card = page.locator(f'.queued[data-visit="{visit.pk}"]')
    expect(card).to_be_focused()
    assert card.evaluate("e => getComputedStyle(e).outlineStyle") != "none"

    # Enter opens its panel at the technician; choose Marco, then the time, then Assign.
    page.keyboard.press("Enter")
    technician = page.locator(f"#place-technician-{visit.pk}")
    expect(technician).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(technician).to_have_value(str(marco.pk))
    page.keyboard.press("Tab")
    start = page.locator(f"#place-start-{visit.pk}")
    expect(start).to_be_focused()
    start.fill(f"{day}T10:00")
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: "/dispatch/assign/" in r.url):
        page.keyboard.press("Enter")
    block = page.locator(f'.lane[data-technician="{marco.pk}"] .visit[data-visit="{visit.pk}"]')
    expect(block).to_be_visible()
    visit.refresh_from_db()
    assert (visit.technician, visit.planned_start) == (marco, at(next_monday, 10))

    # The block is a button too, visibly focused: Enter, a new time within the promise, Move.
    block.focus()
    assert block.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator(f"#place-technician-{visit.pk}")).to_be_focused()
    page.keyboard.press("Tab")
    page.locator(f"#place-start-{visit.pk}").fill(f"{day}T10:30")
    page.keyboard.press("Tab")
    with page.expect_response(lambda r: "/dispatch/assign/" in r.url):
        page.keyboard.press("Enter")
    expect(page.locator("#panel .panel")).to_contain_text("10:30")
    visit.refresh_from_db()
    assert visit.planned_start == at(next_monday, 10, 30)

    # And off the day again, from the panel, by keyboard.
    page.locator("#panel").get_by_role("button", name="Unassign").focus()
    with page.expect_response(lambda r: "/unassign/" in r.url):
        page.keyboard.press("Enter")
    expect(page.locator(f'.queued[data-visit="{visit.pk}"]')).to_be_visible()
    expect(page.locator("#panel .panel")).to_contain_text(f"#{visit.pk} Unassigned")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNASSIGNED

    # Escape closes the panel and gives focus back to the card.
    page.locator("#panel h2").focus()
    page.keyboard.press("Escape")
    expect(page.locator("#panel .panel")).to_have_count(0)
    expect(page.locator(f'.queued[data-visit="{visit.pk}"]')).to_be_focused()


def test_a_visit_is_assigned_and_unassigned_on_a_touchscreen(
    browser, live_server, login, dispatcher, next_monday
):
    tech = TechnicianFactory()
    visit = new_visit()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True)
    touch = context.new_page()
    login(touch, "dispatcher")
    touch.goto(f"{live_server.url}/dispatch/?day={next_monday.isoformat()}")

    touch.locator(f'.queued[data-visit="{visit.pk}"]').tap()
    form = touch.get_by_test_id(f"place-{visit.pk}")
    form.get_by_label("Technician").select_option(str(tech.pk))
    form.get_by_label("Start").fill(f"{next_monday.isoformat()}T09:00")
    with touch.expect_response(lambda r: "/dispatch/assign/" in r.url):
        form.get_by_role("button", name="Assign").tap()
    block = touch.locator(f'.lane[data-technician="{tech.pk}"] .visit[data-visit="{visit.pk}"]')
    expect(block).to_be_visible()
    visit.refresh_from_db()
    assert visit.planned_start == at(next_monday, 9)

    block.tap()
    with touch.expect_response(lambda r: "/unassign/" in r.url):
        touch.locator("#panel").get_by_role("button", name="Unassign").tap()
    expect(touch.locator(f'.queued[data-visit="{visit.pk}"]')).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNASSIGNED
    context.close()


def test_the_panel_opens_beside_the_queue_and_a_card_can_still_be_dragged(
    page, live_server, login, dispatcher, next_monday
):
    tech = TechnicianFactory()
    first, second = new_visit(), new_visit()
    board_at(page, live_server, login, next_monday)

    page.locator(f'.queued[data-visit="{first.pk}"]').click()
    panel = page.locator("#panel .panel")
    expect(panel).to_be_visible()
    queue, beside = page.locator(".queue").bounding_box(), panel.bounding_box()
    assert beside["x"] >= queue["x"] + queue["width"]

    drop_at(page, f'.queued[data-visit="{second.pk}"]', tech, 9)
    second.refresh_from_db()
    assert second.planned_start == at(next_monday, 9)


def test_the_board_with_its_panel_open_and_the_intake_page_pass_axe(
    page, live_server, login, dispatcher, next_monday, axe
):
    tech = TechnicianFactory()
    TechnicianFactory(weekdays=[])  # a row that says "not working"
    ticket = open_ticket(priority=Ticket.Priority.P1)
    queued = new_visit(ticket, window_start=at(next_monday, 8), window_end=at(next_monday, 10))
    new_visit()
    on_the_way = assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 9), by=None)
    assign_visit(visit=new_visit(), technician=tech, start=at(next_monday, 14), by=None)
    # Set directly: the board only draws the status, whatever the day.
    Visit.objects.filter(pk=on_the_way.pk).update(status=Visit.Status.EN_ROUTE)
    board_at(page, live_server, login, next_monday)

    page.locator(f'.queued[data-visit="{queued.pk}"]').click()
    expect(page.locator("#panel .panel")).to_be_visible()
    page.locator("#panel").get_by_role("button", name="Suggest technicians").first.click()
    expect(page.locator("#panel .suggestions")).to_be_visible()

    assert axe(page) == []

    page.goto(f"{live_server.url}/dispatch/intake/")
    assert axe(page) == []
