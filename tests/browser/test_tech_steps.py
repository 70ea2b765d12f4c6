"""The technician's steps on the phone (issue 23): another day's "on my way" is asked first,
only the next step is offered, what waits to be sent shows on the page, and a refusal the server
always gives is not offered for replay while the steps that went through still show."""

import pytest
from playwright.sync_api import expect

from dispatch.services import assign_visit
from notifications.models import Notification
from tests.factories import PartFactory, new_visit
from tests.helpers import assign_today, tomorrow_at
from tickets.models import JobEntry, PartUsed, Visit
from tickets.services import transition_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def button(page, label):
    return page.get_by_role("button", name=label, exact=True)


def test_on_my_way_for_tomorrows_visit_is_asked_first(phone, live_server, technician):
    _context, page = phone
    visit = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(9), by=None)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    asked = []

    def answer(accept):
        def handle(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    page.once("dialog", answer(False))
    button(page, "On my way").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("0")
    assert len(asked) == 1
    assert "not today" in asked[0]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED

    page.once("dialog", answer(True))
    with page.expect_navigation():
        button(page, "On my way").click()

    expect(page.get_by_test_id("visit-status")).to_have_text("En route")
    assert len(asked) == 2
    assert not Notification.objects.filter(visit=visit, kind=Notification.Kind.EN_ROUTE).exists()


def test_only_the_next_step_is_offered(phone, live_server, technician):
    _context, page = phone
    visit = assign_today(new_visit(), technician)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")

    expect(button(page, "On my way")).to_be_visible()
    expect(button(page, "Arrived")).to_be_hidden()
    expect(button(page, "Done")).to_be_hidden()
    expect(button(page, "Cannot complete")).to_be_hidden()
    with page.expect_navigation():
        button(page, "On my way").click()

    expect(page.get_by_test_id("visit-status")).to_have_text("En route")
    expect(button(page, "Arrived")).to_be_visible()
    expect(button(page, "On my way")).to_have_count(0)
    expect(button(page, "Done")).to_be_hidden()
    expect(button(page, "Cannot complete")).to_be_visible()


def test_offline_the_queued_steps_and_records_show_as_waiting_until_sent(
    phone, live_server, technician
):
    context, page = phone
    visit = assign_today(new_visit(), technician)
    PartFactory(name="Drain pump", sku="WM-1")
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    waiting = page.get_by_test_id("outbox-waiting")
    # The part is found while online: offline, the search only filters what the page holds.
    page.get_by_label("Search all parts").fill("WM-1")
    expect(page.get_by_label("Drain pump (WM-1)")).to_be_visible()

    context.set_offline(True)
    button(page, "On my way").click()
    expect(page.get_by_test_id("visit-status")).to_have_text("En route (waiting to be sent)")
    expect(button(page, "On my way")).to_be_hidden()
    expect(button(page, "Arrived")).to_be_visible()
    page.fill("textarea[name=text]", "No signal in the basement")
    button(page, "Add note").click()
    page.get_by_label("Drain pump (WM-1)").check()
    button(page, "Add part").click()

    expect(page.get_by_test_id("outbox-count")).to_have_text("3")
    expect(waiting).to_contain_text("No signal in the basement (waiting to be sent)")
    expect(waiting).to_contain_text("1 \u00d7 Drain pump (WM-1) (waiting to be sent)")
    context.set_offline(False)  # the browser fires "online": the outbox is sent

    expect(page.get_by_test_id("outbox-count")).to_have_text("0", timeout=10_000)
    expect(page.get_by_test_id("visit-status")).to_have_text("En route")
    expect(waiting).to_be_empty()
    expect(page.locator(".record")).to_contain_text("No signal in the basement")
    assert JobEntry.objects.filter(visit=visit).count() == 1
    assert PartUsed.objects.filter(visit=visit).count() == 1


def test_a_refused_step_is_not_offered_again_and_the_steps_sent_still_show(
    phone, live_server, technician
):
    context, page = phone
    visit = assign_today(new_visit(), technician)  # a repair: done needs a work note
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")

    context.set_offline(True)
    button(page, "On my way").click()
    button(page, "Arrived").click()
    button(page, "Done").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("3")
    context.set_offline(False)

    conflicts = page.get_by_test_id("outbox-conflicts")
    expect(conflicts).to_contain_text("record a work note first", timeout=10_000)
    expect(page.get_by_test_id("visit-status")).to_have_text("On site")  # the page refreshed
    expect(conflicts.get_by_role("button", name="Apply anyway")).to_have_count(0)
    expect(conflicts.get_by_role("button", name="Discard")).to_be_visible()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ON_SITE


def test_a_refusal_for_good_has_no_apply_anyway_and_a_success_beside_it_refreshes_the_page(
    phone, live_server, technician
):
    _context, page = phone
    visit = assign_today(new_visit(), technician)
    for to in ("en_route", "on_site"):
        visit = transition_visit(visit=visit, to=to, by=None)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    conflicts = page.get_by_test_id("outbox-conflicts")

    button(page, "Done").click()  # a repair with no work note yet: refused every time
    expect(conflicts).to_contain_text("record a work note first")
    expect(conflicts.get_by_role("button", name="Apply anyway")).to_have_count(0)

    page.select_option("select[name=kind]", "work")
    page.fill("textarea[name=text]", "Pump replaced")
    with page.expect_navigation():
        button(page, "Add note").click()
    expect(page.locator(".record")).to_contain_text("Work note: Pump replaced")
    expect(conflicts).to_contain_text("record a work note first")  # still there to discard

    with page.expect_navigation():
        button(page, "Done").click()
    expect(page.get_by_test_id("visit-status")).to_have_text("Completed")
