"""Completing an installation visit needs its commissioning record whole (the serial of the
unit put in and every item of its category's checklist), registers the appliance with its
warranty starting that day, and so the customer's next repair finds it under warranty."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image

from catalog.commissioning import checklist
from customers.models import Appliance, ApplianceModel
from customers.services import warranty_end
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    SiteFactory,
    TechnicianFactory,
    new_visit,
)
from tests.helpers import assign_today
from tickets import reports, services
from tickets.coverage import decide_coverage
from tickets.models import Commissioning, Ticket, Visit

pytestmark = pytest.mark.django_db
WASHER = ApplianceModel.Category.WASHING_MACHINE


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _installation(category=WASHER, warranty_months=24, site=None):
    site = site or SiteFactory()
    model = ApplianceModelFactory(category=category, warranty_months=warranty_months)
    return services.open_ticket(
        customer=site.customer, site=site, kind="installation", appliance_model=model
    )


def _on_site(ticket) -> Visit:
    visit = assign_today(new_visit(ticket), TechnicianFactory())
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    services.sign_visit(visit=visit, signed_by="Giulia Bianchi", png=_png())
    return visit


def _all_keys(category=WASHER) -> list[str]:
    return [item.key for item in checklist(category)]


def test_a_washing_machine_has_the_common_items_and_its_own():
    keys = _all_keys(WASHER)

    assert keys[:4] == ["connected", "tested", "old_removed", "shown_how"]
    assert "bolts_removed" in keys
    assert "bolts_removed" not in _all_keys(ApplianceModel.Category.PRINTER)


def test_completing_without_the_serial_is_refused_naming_it_and_changes_nothing():
    visit = _on_site(_installation())
    services.record_commissioning(visit=visit, serial_number="", checked=_all_keys(), by=None)

    with pytest.raises(InvalidInput, match="the serial number of the unit installed") as err:
        services.transition_visit(visit=visit, to="completed", by=None)

    assert err.value.field == "serial_number"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE
    assert visit.ticket.appliance is None
    assert not Appliance.objects.filter(site=visit.ticket.site).exists()


def test_completing_with_the_checklist_incomplete_names_the_items_left():
    visit = _on_site(_installation())
    services.record_commissioning(
        visit=visit, serial_number="WM123", checked=["connected", "old_removed"], by=None
    )

    with pytest.raises(InvalidInput) as err:
        services.transition_visit(visit=visit, to="completed", by=None)

    assert err.value.field == "checklist"
    assert "Customer shown how to use it" in err.value.message
    assert "Transport bolts removed" in err.value.message
    assert "Old unit removed" not in err.value.message
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE
    assert not Appliance.objects.filter(serial_number="WM123").exists()


def test_completing_with_nothing_recorded_names_both():
    visit = _on_site(_installation())

    with pytest.raises(InvalidInput, match=r"serial number .* and the checklist items"):
        services.transition_visit(visit=visit, to="completed", by=None)


def test_completion_registers_the_appliance_with_the_models_warranty_from_that_day():
    ticket = _installation(warranty_months=36)
    visit = _on_site(ticket)
    services.record_commissioning(
        visit=visit, serial_number="  WM-2026-0001 ", checked=_all_keys(), by=None
    )

    visit = services.transition_visit(visit=visit, to="completed", by=None)

    ticket.refresh_from_db()
    appliance = ticket.appliance
    day = visit.actual_end.astimezone(ZoneInfo("Europe/Rome")).date()
    assert appliance is not None
    assert appliance.serial_number == "WM-2026-0001"
    assert appliance.model == ticket.appliance_model
    assert appliance.site == ticket.site
    assert appliance.installed_on == day
    assert appliance.warranty_until == warranty_end(model=appliance.model, purchased_on=day)
    assert appliance.warranty_until > day + datetime.timedelta(days=3 * 365 - 2)
    assert ticket.status == Ticket.Status.RESOLVED


def test_the_next_repair_finds_the_installed_appliance_under_warranty():
    ticket = _installation()
    visit = _on_site(ticket)
    services.record_commissioning(visit=visit, serial_number="SN-9", checked=_all_keys(), by=None)
    services.transition_visit(visit=visit, to="completed", by=None)
    ticket.refresh_from_db()

    decision = decide_coverage(
        customer=ticket.customer, appliance=ticket.appliance, on=timezone.localdate()
    )
    repair = services.open_ticket(
        customer=ticket.customer, site=ticket.site, appliance=ticket.appliance, kind="repair"
    )

    assert decision.coverage == Ticket.Coverage.WARRANTY
    assert repair.coverage == Ticket.Coverage.WARRANTY


def test_a_customer_registered_appliance_gets_the_serial_date_and_warranty():
    site = SiteFactory()
    appliance = ApplianceFactory(site=site, serial_number="TYPED-BY-CUSTOMER")
    ticket = services.open_ticket(
        customer=site.customer, site=site, kind="installation", appliance=appliance
    )
    visit = _on_site(ticket)
    services.record_commissioning(
        visit=visit, serial_number="PLATE-42", checked=_all_keys(), by=None
    )

    services.transition_visit(visit=visit, to="completed", by=None)

    appliance.refresh_from_db()
    assert appliance.serial_number == "PLATE-42"
    assert appliance.installed_on is not None
    assert appliance.warranty_until is not None
    assert Appliance.objects.filter(site=site).count() == 1


def test_a_serial_already_registered_for_the_model_is_refused():
    ticket = _installation()
    ApplianceFactory(model=ticket.appliance_model, serial_number="DUP-1")
    visit = _on_site(ticket)

    with pytest.raises(InvalidInput, match="DUP-1 is already registered") as err:
        services.record_commissioning(
            visit=visit, serial_number="DUP-1", checked=_all_keys(), by=None
        )

    assert err.value.field == "serial_number"
    assert not Commissioning.objects.filter(visit=visit).exists()


def test_an_item_of_another_category_is_refused():
    visit = _on_site(_installation(category=ApplianceModel.Category.PRINTER))

    with pytest.raises(InvalidInput, match="bolts_removed is not on this appliance") as err:
        services.record_commissioning(
            visit=visit, serial_number="P1", checked=["connected", "bolts_removed"], by=None
        )

    assert err.value.field == "checklist"


def test_recording_again_replaces_the_ticks_and_a_replay_changes_nothing():
    visit = _on_site(_installation())
    services.record_commissioning(visit=visit, serial_number="A1", checked=_all_keys(), by=None)
    services.record_commissioning(visit=visit, serial_number="A1", checked=["tested"], by=None)
    services.record_commissioning(visit=visit, serial_number="A1", checked=["tested"], by=None)

    record = Commissioning.objects.get(visit=visit)
    assert record.checked == ["tested"]
    assert Commissioning.objects.filter(visit=visit).count() == 1


def test_a_repair_has_no_checklist():
    site = SiteFactory()
    appliance = ApplianceFactory(site=site)
    repair = services.open_ticket(
        customer=site.customer, site=site, appliance=appliance, kind="repair"
    )
    visit = assign_today(new_visit(repair), TechnicianFactory())
    visit = services.transition_visit(visit=visit, to="en_route", by=None)

    with pytest.raises(InvalidInput, match="Only an installation"):
        services.record_commissioning(visit=visit, serial_number="X", checked=[], by=None)


def test_the_checklist_waits_until_the_technician_sets_off():
    ticket = _installation()
    visit = assign_today(new_visit(ticket), TechnicianFactory())

    with pytest.raises(TransitionNotAllowed):
        services.record_commissioning(visit=visit, serial_number="X", checked=[], by=None)


def test_the_service_report_prints_the_checklist(settings):
    visit = _on_site(_installation())
    services.record_commissioning(
        visit=visit, serial_number="REP-7", checked=["connected", "tested"], by=None
    )

    loaded = reports.with_report_data(Visit.objects.all()).get(pk=visit.pk)
    html = reports.as_html(loaded)
    pdf = reports.as_pdf(loaded)

    assert "Commissioning" in html
    assert "REP-7" in html
    assert "Customer shown how to use it" in html
    assert html.count("✓") == 2
    assert pdf.startswith(b"%PDF")
