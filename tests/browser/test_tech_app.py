"""The technician's phone: a whole job online, then offline work that reaches the server once,
and a conflict when the dispatcher moved the visit meanwhile."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from dispatch.services import assign_visit
from tests.factories import PartFactory, new_visit
from tests.helpers import later_today
from tickets.models import JobEntry, PartUsed, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server, login, technician):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    login(page, "tech")
    yield context, page
    context.close()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def step(page, label):
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def test_a_whole_job_online(phone, live_server, artifacts, settings, tmp_path, technician):
    settings.MEDIA_ROOT = tmp_path
    _context, page = phone
    visit = assign_visit(visit=new_visit(), technician=technician, start=later_today(1), by=None)
    PartFactory(name="Drain pump", sku="WM-1")
    PartFactory(name="Door lock", sku="WM-2")

    page.goto(f"{live_server.url}/tech/")
    page.screenshot(path=str(artifacts / "tech-today.png"), full_page=True)
    page.click(f"a[href='/tech/visits/{visit.pk}/']")
    step(page, "On my way")
    step(page, "Arrived")
    page.fill("textarea[name=text]", "Pump blocked by a coin")
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    for sku in ("WM-1", "WM-2"):
        name = "Drain pump" if sku == "WM-1" else "Door lock"
        page.select_option("select[name=part]", label=f"{name} ({sku})")
        with page.expect_navigation():
            page.get_by_role("button", name="Add part").click()
    page.locator("#signature-pad").scroll_into_view_if_needed()
    pad = page.locator("#signature-pad").bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + 80)
    page.mouse.down()
    page.mouse.move(pad["x"] + 200, pad["y"] + 40, steps=8)
    page.mouse.up()
    page.fill("#sign-form input[name=text]", "Giulia Bianchi")
    with page.expect_navigation():
        page.get_by_role("button", name="Save signature").click()
    page.screenshot(path=str(artifacts / "tech-job.png"), full_page=True)
    step(page, "Done")

    expect(page.get_by_test_id("visit-status")).to_have_text("Completed")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.COMPLETED
    assert JobEntry.objects.get(visit=visit).text == "Pump blocked by a coin"
    assert PartUsed.objects.filter(visit=visit).count() == 2
    assert visit.signature.signed_by == "Giulia Bianchi"


def test_offline_work_arrives_once_and_a_moved_visit_is_a_conflict(
    phone, live_server, technician, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    context, page = phone
    visit = assign_visit(visit=new_visit(), technician=technician, start=later_today(1), by=None)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    expect(page.get_by_test_id("outbox-count")).to_have_text("0")

    context.set_offline(True)
    page.get_by_role("button", name="On my way", exact=True).click()
    page.fill("textarea[name=text]", "No signal in the basement")
    page.get_by_role("button", name="Add note").click()
    page.set_input_files(
        "input[name=photo]", files=[{"name": "pump.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_role("button", name="Add photo").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("3")
    context.set_offline(False)  # the browser fires "online": the outbox is sent

    expect(page.get_by_test_id("visit-status")).to_have_text("En route", timeout=10_000)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE
    assert JobEntry.objects.filter(visit=visit).count() == 1
    assert visit.photos.count() == 1

    # Offline on the next job while the dispatcher moves it: the technician is told.
    other = assign_visit(visit=new_visit(), technician=technician, start=later_today(5), by=None)
    page.goto(f"{live_server.url}/tech/visits/{other.pk}/")
    context.set_offline(True)
    page.get_by_role("button", name="On my way", exact=True).click()
    assign_visit(visit=other, technician=technician, start=later_today(7), by=None)
    context.set_offline(False)

    expect(page.get_by_test_id("outbox-conflicts")).to_contain_text(
        "changed while you were offline", timeout=10_000
    )
    other.refresh_from_db()
    assert other.status == Visit.Status.SCHEDULED


def test_the_day_stays_readable_without_a_connection(phone, live_server, technician):
    context, page = phone
    visit = assign_visit(visit=new_visit(), technician=technician, start=later_today(1), by=None)
    page.goto(f"{live_server.url}/tech/")
    # The service worker takes over and the list fetches each job page for it to keep.
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    with page.expect_response(lambda r: f"/tech/visits/{visit.pk}/" in r.url):
        page.reload()

    context.set_offline(True)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")

    expect(page.locator("h1")).to_have_text(str(visit.ticket.customer))
    expect(page.get_by_role("button", name="On my way", exact=True)).to_be_visible()
