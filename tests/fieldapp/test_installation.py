"""An installation on the phone: the commissioning form (serial and checklist) through the job
page and through the offline sync with its keys, completion refused while it is incomplete,
and a crew's helper who sees the job but leaves its steps to the lead."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from catalog.commissioning import checklist
from customers.models import ApplianceModel
from dispatch.crew import add_helper
from tests.factories import ApplianceModelFactory, SiteFactory, TechnicianFactory, new_visit
from tests.helpers import assign_today
from tickets import services
from tickets.models import Commissioning, Ticket, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_hours")]
WASHER = ApplianceModel.Category.WASHING_MACHINE
KEYS = [item.key for item in checklist(WASHER)]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def installation(technician):
    site = SiteFactory()
    ticket = services.open_ticket(
        customer=site.customer,
        site=site,
        kind="installation",
        appliance_model=ApplianceModelFactory(category=WASHER),
    )
    visit = assign_today(new_visit(ticket), technician)
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=technician.user)
    services.sign_visit(visit=visit, signed_by="Giulia Bianchi", png=_png())
    return visit


def _sync(client, *actions):
    response = client.post(
        reverse("tech:sync"),
        json.dumps({"actions": list(actions)}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_job_page_shows_the_checklist_of_the_category(client, technician, installation):
    client.force_login(technician.user)

    page = client.get(reverse("tech:job", args=[installation.pk]))

    html = page.content.decode()
    assert 'data-testid="commissioning"' in html
    assert "Transport bolts removed" in html
    assert html.count('name="checked"') == len(KEYS)
    assert 'data-scan="serial-number"' in html


def test_a_repair_has_no_checklist_on_the_page(client, technician):
    client.force_login(technician.user)
    visit = assign_today(new_visit(), technician)

    page = client.get(reverse("tech:job", args=[visit.pk]))

    assert 'data-testid="commissioning"' not in page.content.decode()


def test_the_page_form_records_the_commissioning(client, technician, installation):
    client.force_login(technician.user)

    client.post(
        reverse("tech:record", args=[installation.pk]),
        {"what": "commission", "serial_number": "WM-77", "checked": ["connected", "tested"]},
    )

    record = Commissioning.objects.get(visit=installation)
    assert record.serial_number == "WM-77"
    assert record.checked == ["connected", "tested"]


def test_offline_commissioning_replays_once_and_then_completes(client, technician, installation):
    client.force_login(technician.user)
    actions = [
        {
            "key": "c1",
            "type": "commission",
            "visit": installation.pk,
            "serial_number": "WM-OFF-1",
            "checked": KEYS,
        },
        {"key": "c2", "type": "step", "visit": installation.pk, "to": "completed"},
    ]

    first = _sync(client, *actions)
    again = _sync(client, *actions)

    assert [r["status"] for r in first] == ["ok", "ok"]
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    installation.refresh_from_db()
    assert installation.status == Visit.Status.COMPLETED
    ticket = Ticket.objects.get(pk=installation.ticket_id)
    assert ticket.appliance.serial_number == "WM-OFF-1"
    assert ticket.appliance.warranty_until is not None


def test_completing_offline_with_the_checklist_incomplete_is_refused_for_good(
    client, technician, installation
):
    client.force_login(technician.user)

    results = _sync(
        client,
        {
            "key": "d1",
            "type": "commission",
            "visit": installation.pk,
            "serial_number": "WM-2",
            "checked": ["connected"],
        },
        {"key": "d2", "type": "step", "visit": installation.pk, "to": "completed"},
    )

    assert results[0]["status"] == "ok"
    assert results[1]["status"] == "error"
    assert results[1]["retry"] is False
    assert "Customer shown how to use it" in results[1]["message"]
    installation.refresh_from_db()
    assert installation.status == Visit.Status.ON_SITE


def test_an_unknown_checklist_item_from_the_phone_is_refused_naming_it(
    client, technician, installation
):
    client.force_login(technician.user)

    results = _sync(
        client,
        {
            "key": "e1",
            "type": "commission",
            "visit": installation.pk,
            "serial_number": "WM-3",
            "checked": ["connected", "teleported"],
        },
    )

    assert results[0]["status"] == "error"
    assert "teleported is not a checklist item" in results[0]["message"]
    assert not Commissioning.objects.filter(visit=installation).exists()


def test_a_helper_sees_the_job_without_its_steps(next_monday, client):
    lead, helper = TechnicianFactory(), TechnicianFactory()
    visit = assign_today(new_visit(), lead)
    add_helper(visit=visit, technician=helper, by=None, override_reason="A test at any hour")
    client.force_login(helper.user)

    day = client.get(reverse("tech:today"))
    job = client.get(reverse("tech:job", args=[visit.pk]))

    assert reverse("tech:job", args=[visit.pk]) in day.content.decode()
    html = job.content.decode()
    assert job.status_code == 200
    assert 'data-testid="helper-note"' in html
    assert str(lead) in html
    assert 'name="to" value="en_route"' not in html


def test_a_helpers_step_from_the_phone_is_refused_and_their_note_kept(client):
    lead, helper = TechnicianFactory(), TechnicianFactory()
    visit = assign_today(new_visit(), lead)
    add_helper(visit=visit, technician=helper, by=None, override_reason="A test at any hour")
    services.transition_visit(visit=visit, to="en_route", by=lead.user)
    helper_phone = Client()
    helper_phone.force_login(helper.user)

    results = _sync(
        helper_phone,
        {"key": "h1", "type": "note", "visit": visit.pk, "text": "Carried the unit up"},
        {"key": "h2", "type": "step", "visit": visit.pk, "to": "on_site"},
    )

    assert results[0]["status"] == "ok"
    assert results[1]["status"] == "error"
    assert "leads this visit" in results[1]["message"]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE
    assert visit.entries.filter(text="Carried the unit up").exists()


def test_another_technician_still_gets_a_404(client, installation):
    stranger = TechnicianFactory()
    client.force_login(stranger.user)

    assert client.get(reverse("tech:job", args=[installation.pk])).status_code == 404
