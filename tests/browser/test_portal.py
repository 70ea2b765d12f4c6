"""A new customer books an installation from a phone, then moves it by the emailed link."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from portal import services
from tests.factories import ApplianceModelFactory, TechnicianFactory
from tickets.models import Ticket, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_add_book_track_and_reschedule_by_link(page, browser, live_server, artifacts):
    TechnicianFactory(user__first_name="Marco")
    model = ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/portal/signup/")
    page.fill("#id_name", "Giulia Bianchi")
    page.fill("#id_email", "giulia@example.com")
    page.fill("#id_password", "a-long-pass-42")
    page.fill("#id_phone", "312 345 6789")
    page.fill("#id_address", "Via Roma 1")
    page.fill("#id_postal_code", "00184")
    page.fill("#id_city", "Rome")
    # The address's place comes from the phone, at the customer's request.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 41.8986, "longitude": 12.4769})
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#id_latitude")).to_have_value("41.898600")
    expect(page.locator("#id_longitude")).to_have_value("12.476900")
    page.click("main button[type=submit]")

    # Booking waits for the address: follow the link the sign-up emailed.
    expect(page.locator("h1")).to_have_text("Add an appliance")
    link = Notification.objects.get(kind=Notification.Kind.CONFIRM_EMAIL).payload["confirm_url"]
    page.goto(f"{live_server.url}{urlparse(link).path}")
    expect(page.locator("h1")).to_have_text("Your email address is confirmed")
    page.goto(f"{live_server.url}/portal/appliances/add/")

    # Add the washing machine, then book its installation at the same address.
    page.select_option("#id_site", index=1)
    page.select_option("#id_model", str(model.pk))
    page.fill("#id_serial_number", "WM-0001")
    page.click("#appliance-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Book a visit")
    page.select_option("#id_kind", "installation")
    page.select_option("#id_site", index=1)
    page.select_option("#id_model", str(model.pk))
    page.click("#job button[type=submit]")
    expect(page.get_by_test_id("windows")).to_be_visible()
    page.screenshot(path=str(artifacts / "portal-windows.png"), full_page=True)
    # A window three days out: moving it later stays before the 24-hour cut-off.
    page.locator(".window-row").nth(2).locator("button.window").first.click()
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.locator(".messages")).to_contain_text("Booked!")
    expect(page.locator("main")).to_contain_text("Your technician: Marco")
    page.screenshot(path=str(artifacts / "portal-tracking.png"), full_page=True)
    ticket = Ticket.objects.get(channel="portal")
    visit = ticket.visits.get()
    assert ticket.kind == "installation"
    assert visit.status == Visit.Status.SCHEDULED
    first_window = visit.window_start

    # The link from the confirmation works in a fresh browser with nobody logged in.
    stranger = browser.new_context(viewport={"width": 390, "height": 844})
    anonymous = stranger.new_page()
    anonymous.goto(f"{live_server.url}/portal/b/{services.booking_token(visit)}/")
    anonymous.locator("button.window").last.click()
    expect(anonymous.locator(".messages")).to_contain_text("Your visit is moved.")
    visit.refresh_from_db()
    assert visit.window_start > first_window

    # Cancelling asks first: saying no keeps the visit, saying yes cancels it.
    anonymous.once("dialog", lambda dialog: dialog.dismiss())
    anonymous.get_by_role("button", name="Cancel the visit").click()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED
    anonymous.once("dialog", lambda dialog: dialog.accept())
    anonymous.get_by_role("button", name="Cancel the visit").click()
    expect(anonymous.locator(".messages")).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    stranger.close()
