"""Completing a visit needs what the company requires for its kind of job
(FIELDSERVICE["COMPLETION_REQUIRES"]), and a visit finished with nothing recorded does not send
the customer a report of empty sections (issue 23)."""

import io

import pytest
from PIL import Image

from catalog.commissioning import checklist
from fieldservice.errors import InvalidInput
from tests.factories import ApplianceModelFactory, SiteFactory, TechnicianFactory, new_visit
from tests.factories import open_ticket as a_ticket
from tests.helpers import assign_today
from tickets import services
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _on_site(ticket=None) -> Visit:
    visit = assign_today(new_visit(ticket), TechnicianFactory())
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    return visit


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_repair_is_not_completed_without_a_work_note():
    visit = _on_site()

    with pytest.raises(InvalidInput, match="record a work note first") as err:
        services.transition_visit(visit=visit, to="completed", by=None)

    assert err.value.field == "work_note"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE
    assert visit.ticket.status == Ticket.Status.IN_PROGRESS
    services.record_entry(visit=visit, kind="diagnostic", text="Pump tested", by=None)
    with pytest.raises(InvalidInput, match="work note"):  # a diagnostic is not the work note
        services.transition_visit(visit=visit, to="completed", by=None)

    services.record_entry(visit=visit, kind="work", text="Pump replaced", by=None)
    visit = services.transition_visit(visit=visit, to="completed", by=None)
    assert visit.status == Visit.Status.COMPLETED


def test_an_installation_is_not_completed_without_the_signature():
    site = SiteFactory()
    ticket = services.open_ticket(
        customer=site.customer,
        site=site,
        kind="installation",
        appliance_model=ApplianceModelFactory(),
    )
    visit = _on_site(ticket)

    with pytest.raises(InvalidInput, match="the customer's signature") as err:
        services.transition_visit(visit=visit, to="completed", by=None)
    assert err.value.field == "signature"

    services.sign_visit(visit=visit, signed_by="Giulia Bianchi", png=_png())
    services.record_commissioning(  # an installation's own record (tests/tickets/test_installation)
        visit=visit,
        serial_number="SN-1",
        checked=[item.key for item in checklist(ticket.appliance_model.category)],
        by=None,
    )
    visit = services.transition_visit(visit=visit, to="completed", by=None)
    assert visit.status == Visit.Status.COMPLETED


def test_what_is_required_is_the_companys_setting(settings):
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "COMPLETION_REQUIRES": {"repair": ["photo", "part"]},
    }
    visit = _on_site()

    with pytest.raises(InvalidInput, match="record a photo and the parts used first"):
        services.transition_visit(visit=visit, to="completed", by=None)

    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "COMPLETION_REQUIRES": {}}
    assert services.transition_visit(visit=visit, to="completed", by=None).status == "completed"


def test_a_visit_finished_with_nothing_recorded_sends_no_report_of_dashes(
    mailoutbox, django_capture_on_commit_callbacks
):
    visit = _on_site(a_ticket(kind="maintenance"))

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_visit(visit=visit, to="completed", by=None)

    (done,) = [m for m in mailoutbox if "completed" in m.subject]
    assert "the visit is completed" in done.body
    assert "Service report" not in done.body
    assert done.attachments == []


def test_a_visit_with_a_record_sends_its_report(mailoutbox, django_capture_on_commit_callbacks):
    visit = _on_site()
    services.record_entry(visit=visit, kind="work", text="Pump replaced", by=None)

    with django_capture_on_commit_callbacks(execute=True):
        services.transition_visit(visit=visit, to="completed", by=None)

    (done,) = [m for m in mailoutbox if "completed" in m.subject]
    assert "Service report:" in done.body
    assert [name for name, _content, _type in done.attachments] == [
        f"report-{visit.ticket.number}.pdf"
    ]
