"""An installation on a 390x844 phone: the installer types the serial (the camera's scan button
is there, ZXing loaded under the Content-Security-Policy), is told what the checklist still
lacks when they try to finish, ticks it, and completes: the appliance is registered with its
warranty and the service report prints the checklist."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from catalog.commissioning import checklist
from customers.models import ApplianceModel
from dispatch.services import assign_visit
from tests.factories import ApplianceModelFactory, SiteFactory, new_visit
from tests.helpers import tomorrow_at
from tickets import services
from tickets.models import Ticket, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_an_installation_with_its_checklist_on_a_phone(
    phone, live_server, technician, axe, artifacts, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    context, page = phone
    refused: list[str] = []
    context.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    site = SiteFactory()
    model = ApplianceModelFactory(category=ApplianceModel.Category.WASHING_MACHINE)
    ticket = services.open_ticket(
        customer=site.customer, site=site, kind="installation", appliance_model=model
    )
    visit = assign_visit(
        visit=new_visit(ticket), technician=technician, start=tomorrow_at(9), by=None
    )
    visit = services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = services.transition_visit(visit=visit, to="on_site", by=None)
    services.sign_visit(visit=visit, signed_by="Giulia Bianchi", png=_png())

    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    form = page.get_by_test_id("commissioning")
    expect(form.get_by_role("checkbox")).to_have_count(len(checklist(model.category)))
    expect(form.get_by_role("button", name="Scan the barcode")).to_be_visible()
    assert page.evaluate("typeof window.ZXingBrowser.BrowserMultiFormatReader") == "function"
    assert axe(page) == []

    form.get_by_label("Serial number of the unit installed").fill("WM-PHONE-0042")
    form.get_by_label("Connected (power, water, drain or network as it needs)").check()
    form.get_by_role("button", name="Save the commissioning").click()
    expect(
        form.get_by_label("Connected (power, water, drain or network as it needs)")
    ).to_be_checked(timeout=10_000)
    page.get_by_role("button", name="Done").click()

    refusal = page.get_by_test_id("outbox-conflicts")
    expect(refusal).to_contain_text("Customer shown how to use it", timeout=10_000)
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.ON_SITE
    page.screenshot(path=str(artifacts / "tech-installation-checklist.png"), full_page=True)

    form = page.get_by_test_id("commissioning")
    for box in form.get_by_role("checkbox").all():
        box.check()
    form.get_by_role("button", name="Save the commissioning").click()
    expect(page.get_by_test_id("commissioning-missing")).to_be_hidden(timeout=10_000)
    page.get_by_role("button", name="Done").click()

    expect(page.get_by_test_id("visit-status")).to_have_text("Completed", timeout=10_000)
    ticket = Ticket.objects.select_related("appliance").get(pk=ticket.pk)
    assert ticket.appliance is not None
    assert ticket.appliance.serial_number == "WM-PHONE-0042"
    assert ticket.appliance.warranty_until is not None
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/report/")
    expect(page.get_by_role("heading", name="Commissioning")).to_be_visible()
    expect(page.locator("body")).to_contain_text("WM-PHONE-0042")
    assert refused == []
