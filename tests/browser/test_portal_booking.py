"""The customer's booking in a browser: the fields of the kind of job chosen, errors beside
them, a review of the chosen window (coverage and prices) that alone books, the confirmation,
and axe on the booking and tracking pages."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.factories import ApplianceFactory, ApplianceModelFactory, SiteFactory, TechnicianFactory
from tests.helpers import ROME
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rates(settings):
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "CALLOUT_FEE": Decimal("45.00"),
        "HOURLY_RATE": Decimal("62.50"),
        "CURRENCY": "EUR",
    }


def _repair_windows(page, live_server, appliance):
    page.goto(f"{live_server.url}/portal/book/")
    page.select_option("#id_kind", "repair")
    page.select_option("#id_appliance", str(appliance.pk))
    page.fill("#id_description", "Water on the floor after each wash")
    page.get_by_role("button", name="Show free times").click()
    expect(page.get_by_test_id("windows")).to_be_visible()


def test_a_tap_on_a_window_shows_a_review_and_only_confirming_books(
    page, live_server, login, customer_user, rates
):
    TechnicianFactory()
    appliance = ApplianceFactory(
        site__customer=customer_user.contacts.get().customer,
        model=ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT"),
    )
    login(page, "customer")
    _repair_windows(page, live_server, appliance)

    page.locator(".window-row").nth(2).locator("button.window").first.click()

    review = page.get_by_test_id("review")
    expect(review).to_be_visible()
    expect(review).to_contain_text("Bosch WAN28208IT")
    expect(page.get_by_test_id("coverage")).to_contain_text("Billable")
    expect(page.get_by_test_id("coverage")).to_contain_text("No warranty on record")
    expect(page.get_by_test_id("rates")).to_contain_text("a call-out fee of €45.00")
    expect(page.get_by_test_id("rates")).to_contain_text("then €62.50 for each hour")
    assert not Ticket.objects.exists()

    page.get_by_role("button", name="Confirm booking").click()

    expect(page.locator(".messages")).to_contain_text("Booked!")
    ticket = Ticket.objects.get()
    assert (ticket.coverage, ticket.appliance) == (Ticket.Coverage.BILLABLE, appliance)


def test_the_review_shows_warranty_as_the_ticket_gets_it_and_no_prices(
    page, live_server, login, customer_user, rates
):
    TechnicianFactory()
    until = datetime.date.today() + datetime.timedelta(days=200)  # noqa: DTZ011 - a calendar date
    appliance = ApplianceFactory(
        site__customer=customer_user.contacts.get().customer, warranty_until=until
    )
    login(page, "customer")
    _repair_windows(page, live_server, appliance)

    page.locator("button.window").first.click()

    expect(page.get_by_test_id("coverage")).to_contain_text("Warranty")
    expect(page.get_by_test_id("coverage")).to_contain_text(f"Under warranty until {until}")
    expect(page.get_by_test_id("rates")).to_have_count(0)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.locator(".messages")).to_contain_text("Booked!")
    assert Ticket.objects.get().coverage == Ticket.Coverage.WARRANTY


def test_the_form_shows_the_fields_of_the_kind_chosen(page, live_server, login, customer_user):
    ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    login(page, "customer")
    page.goto(f"{live_server.url}/portal/book/")

    expect(page.locator("#id_appliance")).to_be_hidden()
    expect(page.locator("#id_model")).to_be_hidden()
    page.select_option("#id_kind", "installation")
    expect(page.locator("#id_site")).to_be_visible()
    expect(page.locator("#id_model")).to_be_visible()
    expect(page.locator("#id_appliance")).to_be_hidden()
    expect(page.locator("#id_codes")).to_be_hidden()
    page.select_option("#id_kind", "repair")
    expect(page.locator("#id_appliance")).to_be_visible()
    expect(page.locator("#id_codes")).to_be_visible()
    expect(page.locator("#id_site")).to_be_hidden()
    expect(page.locator("#id_model")).to_be_hidden()
    page.select_option("#id_kind", "maintenance")
    expect(page.locator("#id_appliance")).to_be_visible()
    expect(page.locator("#id_codes")).to_be_hidden()
    expect(page.locator("#id_description")).to_be_visible()


def test_show_free_times_with_nothing_filled_in_says_what_is_missing_beside_it(
    page, live_server, login, customer_user
):
    SiteFactory(customer=customer_user.contacts.get().customer)
    login(page, "customer")
    page.goto(f"{live_server.url}/portal/book/")

    page.get_by_role("button", name="Show free times").click()

    expect(page.locator("h1")).to_have_text("Book a visit")
    expect(page.locator("[data-field=kind] .error")).to_contain_text("Choose what you need")
    expect(page.locator("#id_kind")).to_have_attribute("aria-describedby", "id_kind_error")

    page.select_option("#id_kind", "installation")
    page.get_by_role("button", name="Show free times").click()

    expect(page.locator("[data-field=site] .error")).to_have_text("Choose where to install it.")
    expect(page.locator("[data-field=model] .error")).to_have_text("Choose the model to install.")
    expect(page.locator("#id_appliance")).to_be_hidden()
    expect(page.locator("#id_kind")).to_have_value("installation")


def test_the_confirmation_shows_appliance_address_description_and_window_once_each(
    page, live_server, login, customer_user
):
    TechnicianFactory()
    appliance = ApplianceFactory(
        site__customer=customer_user.contacts.get().customer,
        site__address="Via Appia 12",
        model=ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT"),
    )
    login(page, "customer")
    _repair_windows(page, live_server, appliance)
    page.locator("button.window").first.click()
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.locator(".messages")).to_contain_text("Booked!")

    visit = Ticket.objects.get().visits.get()
    start, end = visit.window_start.astimezone(ROME), visit.window_end.astimezone(ROME)
    window = f"{start:%H:%M}\N{EN DASH}{end:%H:%M}"
    text = page.locator("main").inner_text()
    assert text.count("Bosch WAN28208IT") == 1, text
    assert text.count("Via Appia 12") == 1, text
    assert text.count("Water on the floor after each wash") == 1, text
    assert text.count(window) == 1, text


def test_the_booking_and_tracking_pages_pass_axe(
    page, live_server, login, customer_user, axe, rates
):
    TechnicianFactory()
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    login(page, "customer")
    found = {}

    page.goto(f"{live_server.url}/portal/book/")
    found["form"] = axe(page)
    page.get_by_role("button", name="Show free times").click()
    found["errors"] = axe(page)
    _repair_windows(page, live_server, appliance)
    found["windows"] = axe(page)
    # A window days ahead: the visit can still be moved or cancelled on its own page.
    page.locator(".window-row").nth(2).locator("button.window").first.click()
    found["review"] = axe(page)
    page.get_by_role("button", name="Confirm booking").click()
    expect(page.locator(".messages")).to_contain_text("Booked!")
    found["tracking"] = axe(page)
    page.get_by_role("link", name="Change or cancel").click()
    expect(page.get_by_role("button", name="Cancel the visit")).to_be_visible()
    found["manage"] = axe(page)

    assert found == {step: [] for step in found}


def test_a_model_not_in_the_catalogue_is_described_then_booked(
    page, live_server, login, customer_user, axe
):
    TechnicianFactory()
    SiteFactory(customer=customer_user.contacts.get().customer, address="Via Appia 12")
    ApplianceModelFactory(manufacturer="Bosch", model_number="WAN28208IT")
    login(page, "customer")

    page.goto(f"{live_server.url}/portal/appliances/add/")
    page.fill("input[name=q]", "ZWF 7143 X")
    page.get_by_role("button", name="Find").click()
    describe = page.get_by_test_id("describe")
    expect(describe.locator("#id_described_model")).to_have_value("ZWF 7143 X")
    assert axe(page) == []
    page.select_option("#id_site", index=1)
    describe.get_by_label("Brand").fill("Zanussi")
    describe.get_by_label("What kind of appliance?").select_option("washing_machine")
    page.fill("#id_serial_number", "ZW-1")
    page.click("#appliance-form button[type=submit]")

    expect(page.locator("h1")).to_have_text("Book a visit")
    appliance = customer_user.contacts.get().customer.sites.get().appliances.get()
    assert (appliance.model, appliance.needs_matching) == (None, True)
    page.select_option("#id_kind", "repair")
    page.select_option("#id_appliance", label="Zanussi ZWF 7143 X #ZW-1")
    page.get_by_role("button", name="Show free times").click()
    page.locator("button.window").first.click()
    expect(page.get_by_test_id("review")).to_contain_text("Zanussi ZWF 7143 X #ZW-1")
    page.get_by_role("button", name="Confirm booking").click()

    expect(page.locator(".messages")).to_contain_text("Booked!")
    assert Ticket.objects.get().appliance == appliance
