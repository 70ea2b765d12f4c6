"""A call from someone the desk does not know: added inline on the intake page, warned of the
customer with the same phone, created anyway (or the existing one used), then the ticket; and a
client company's contact found by name, chosen as the caller."""

import pytest
from playwright.sync_api import expect

from customers.models import Contact, Customer
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    ContactFactory,
    CustomerFactory,
    ErrorCodeFactory,
    UserFactory,
)
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_new_caller(page, *, model):
    page.get_by_text("A new caller: customer, address and appliance").click()
    form = page.locator("#new-caller-form")
    form.get_by_label("Name").fill("Luca Bianchi")
    form.get_by_label("Phone").fill("06 1234 5678")
    form.get_by_label("Street address").fill("Via dei Mille 12")
    form.get_by_label("City").fill("Bologna")
    form.get_by_label("Latitude").fill("44.5")
    form.get_by_label("Longitude").fill("11.3")
    form.get_by_label("Appliance model (optional)").select_option(str(model.pk))
    form.get_by_label("Serial number").fill("SN-NEW-1")
    form.get_by_role("button", name="Add the caller").click()
    return form


def test_a_new_caller_created_anyway_after_the_duplicate_warning_gets_a_ticket(
    page, live_server, login, dispatcher, axe
):
    ApplianceFactory(site__customer__name="Giulia Bianchi", site__customer__phone="+390612345678")
    model = ApplianceModelFactory(model_number="WM-77")
    ErrorCodeFactory(code="F05", title="Water not draining")
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")

    form = _type_new_caller(page, model=model)

    warning = page.get_by_test_id("duplicates")
    expect(warning).to_contain_text("Giulia Bianchi")
    expect(warning).to_contain_text("same phone number")
    assert Customer.objects.count() == 1
    assert axe(page) == []
    form.get_by_role("button", name="Create anyway").click()
    expect(page.locator("#chosen")).to_contain_text("Luca Bianchi")
    expect(page.locator("#chosen")).to_contain_text("SN-NEW-1")
    page.fill("#id_codes", "F05")
    expect(page.get_by_test_id("intake-preview")).to_contain_text("SLA due")
    page.click("#intake button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("opened and queued")
    ticket = Ticket.objects.select_related("customer").get()
    assert ticket.customer.name == "Luca Bianchi"
    assert str(ticket.customer.phone) == "+390612345678"
    assert [c.code for c in ticket.error_codes.all()] == ["F05"]


def test_the_caller_is_the_existing_customer_after_all(page, live_server, login, dispatcher):
    existing = ApplianceFactory(
        site__customer__name="Giulia Bianchi",
        site__customer__phone="+390612345678",
        serial_number="SN-OLD",
    )
    model = ApplianceModelFactory(model_number="WM-77")
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")

    _type_new_caller(page, model=model)
    page.get_by_test_id("duplicates").locator(f'input[data-appliance="{existing.pk}"]').check()
    expect(page.locator("#chosen")).to_contain_text("SN-OLD")
    page.click("#intake button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("opened and queued")
    assert Ticket.objects.get().customer == existing.site.customer
    assert Customer.objects.count() == 1


def test_a_client_companys_caller_found_by_name_is_the_tickets_requester(
    page, live_server, login, dispatcher, axe
):
    acme = CustomerFactory(name="Acme Offices", kind=Customer.Kind.COMPANY)
    appliance = ApplianceFactory(site__customer=acme, serial_number="SN-ACME-1")
    people = {
        first: ContactFactory(
            customer=acme,
            role=role,
            user=UserFactory(first_name=first, last_name="Verdi", email=f"{first}@acme.example"),
        )
        for first, role in (("Anna", Contact.Role.REQUESTER), ("Paolo", Contact.Role.APPROVER))
    }
    page.set_viewport_size({"width": 1400, "height": 1000})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/intake/")

    page.locator("input[name=q]").fill("verdi")
    callers = page.get_by_test_id("caller-contact")
    expect(callers).to_have_count(2)
    expect(callers.nth(1)).to_contain_text("Paolo Verdi, Approver at Acme Offices")
    page.locator(f'input[data-appliance="{appliance.pk}"]').check()
    expect(page.locator("#chosen")).to_contain_text("Anna Verdi")
    page.locator(f'input[data-caller="{people["Paolo"].pk}"]').check()
    expect(page.locator("#chosen")).to_contain_text("Paolo Verdi")
    expect(page.locator("#chosen")).to_contain_text("SN-ACME-1")
    assert axe(page) == []
    page.click("#intake button[type=submit]")

    expect(page.locator(".messages")).to_contain_text("opened and queued")
    assert Ticket.objects.get().requested_by == people["Paolo"].user
