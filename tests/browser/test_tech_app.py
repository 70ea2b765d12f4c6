"""The technician's phone: a whole job online, then offline work that reaches the server once,
and a conflict when the dispatcher moved the visit meanwhile."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from dispatch.services import assign_visit
from tests.factories import PartFactory, TechnicianFactory, new_visit
from tests.helpers import assign_today, tomorrow_at
from tickets.models import JobEntry, PartUsed, TicketEvent, Visit
from tickets.services import transition_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    visit = assign_today(new_visit(), technician)
    PartFactory(name="Drain pump", sku="WM-1")
    PartFactory(name="Door lock", sku="WM-2")

    page.goto(f"{live_server.url}/tech/")
    page.screenshot(path=str(artifacts / "tech-today.png"), full_page=True)
    page.click(f"a[href='/tech/visits/{visit.pk}/']")
    step(page, "On my way")
    step(page, "Arrived")
    page.select_option("select[name=kind]", "work")  # a repair is done once its work is noted
    page.fill("textarea[name=text]", "Pump blocked by a coin")
    with page.expect_navigation():
        page.get_by_role("button", name="Add note").click()
    for sku in ("WM-1", "WM-2"):
        name = "Drain pump" if sku == "WM-1" else "Door lock"
        page.get_by_label("Search all parts").fill(sku)
        page.get_by_label(f"{name} ({sku})").check()
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
    visit = assign_today(new_visit(), technician)
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
    other = assign_visit(visit=new_visit(), technician=technician, start=tomorrow_at(13), by=None)
    page.goto(f"{live_server.url}/tech/visits/{other.pk}/")
    context.set_offline(True)
    page.once("dialog", lambda dialog: dialog.accept())  # yes, tomorrow's visit
    page.get_by_role("button", name="On my way", exact=True).click()
    assign_visit(visit=other, technician=technician, start=tomorrow_at(15), by=None)
    context.set_offline(False)

    expect(page.get_by_test_id("outbox-conflicts")).to_contain_text(
        "changed while you were offline", timeout=10_000
    )
    other.refresh_from_db()
    assert other.status == Visit.Status.SCHEDULED


def test_the_day_stays_readable_without_a_connection(phone, live_server, technician):
    context, page = phone
    visit = assign_today(new_visit(), technician)
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


# Logging out ends what the phone kept (issue 26): the day list and the job pages carry
# customers' names, addresses and phone numbers.


A_PHONE = "+390612345678"


def _a_visit(technician):
    """Technician A's visit, for a customer whose phone number no other customer here has."""
    visit = assign_today(new_visit(), technician)
    customer = visit.ticket.customer
    customer.phone = A_PHONE
    customer.save(update_fields=["phone"])
    return visit


def _kept_for_offline(page, live_server, visit):
    """Loads the day until the service worker controls it and has fetched the job page."""
    page.goto(f"{live_server.url}/tech/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    with page.expect_response(lambda r: f"/tech/visits/{visit.pk}/" in r.url):
        page.reload()
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    expect(page.locator("h1")).to_have_text(str(visit.ticket.customer))


def _log_out(page, *, clears=True):
    with page.expect_navigation(url=lambda url: "/accounts/login/" in url):
        page.get_by_role("button", name="Log out").click()
    if not clears:
        return
    # The login page drops the kept pages as it loads; wait until it has.
    page.wait_for_function(
        "caches.keys().then((keys) => !keys.some("
        "(key) => /^fieldservice-tech-(pages|who)/.test(key)))"
    )


def _shows_nothing_of(page, visit):
    ticket = visit.ticket
    body = page.locator("body")
    expect(body).not_to_contain_text(ticket.customer.name)
    expect(body).not_to_contain_text(ticket.site.address)
    assert A_PHONE not in page.content()


def test_after_logout_the_day_is_not_readable_offline(phone, live_server, technician):
    context, page = phone
    visit = _a_visit(technician)
    _kept_for_offline(page, live_server, visit)

    _log_out(page)
    context.set_offline(True)
    for path in ("/tech/", f"/tech/visits/{visit.pk}/", f"/tech/visits/{visit.pk}/report/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_test_id("offline-notice")).to_be_visible()
        _shows_nothing_of(page, visit)


@pytest.mark.parametrize("pages_clear", [True, False], ids=["cleared", "not-cleared"])
def test_the_next_technician_on_the_phone_never_sees_the_last_ones_day(
    phone, live_server, login, technician, pages_clear
):
    context, page = phone
    if not pages_clear:
        # As if logging out could not empty the caches (a session that ran out, a script
        # that did not run): the worker's keying alone keeps A's pages from B.
        context.add_init_script("CacheStorage.prototype.delete = () => Promise.resolve(false);")
    visit = _a_visit(technician)
    _kept_for_offline(page, live_server, visit)
    _log_out(page, clears=pages_clear)

    other = TechnicianFactory(user__username="tech-b")
    own = assign_today(new_visit(), other)
    login(page, "tech-b")
    _kept_for_offline(page, live_server, own)
    context.set_offline(True)

    page.goto(f"{live_server.url}/tech/")
    expect(page.locator("body")).to_contain_text(own.ticket.customer.name)
    _shows_nothing_of(page, visit)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    expect(page.get_by_test_id("offline-notice")).to_be_visible()
    _shows_nothing_of(page, visit)


def test_logout_asks_first_when_actions_wait_and_cancelling_keeps_them(
    phone, live_server, technician
):
    _context, page = phone
    visit = assign_today(new_visit(), technician)
    page.route("**/tech/sync/", lambda route: route.abort())  # the note cannot be sent
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    page.fill("textarea[name=text]", "Written in the basement")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Log out").click()
    # The answer is handled once the form is no longer marked as leaving (a selector polls it:
    # a polled script would need eval, which the page's CSP refuses).
    expect(page.locator("form[data-logout][data-leaving]")).to_have_count(0)

    assert len(asked) == 1
    assert "1 action is waiting to be sent" in asked[0]
    assert "/accounts/login/" not in page.url
    page.reload()
    expect(page.locator("h1")).to_have_text(str(visit.ticket.customer))  # still logged in
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    assert not JobEntry.objects.filter(visit=visit).exists()

    # Accepting logs out and empties the outbox: the next user does not send the note.
    page.once("dialog", lambda dialog: dialog.accept())
    _log_out(page)
    count = page.evaluate(
        """() => new Promise((resolve) => {
             const request = indexedDB.open("fieldservice-outbox", 1);
             request.onsuccess = () => {
               const t = request.result.transaction("actions");
               const counting = t.objectStore("actions").count();
               counting.onsuccess = () => resolve(counting.result);
             };
           })"""
    )
    assert count == 0
    assert not JobEntry.objects.filter(visit=visit).exists()


def test_queued_actions_wait_for_the_technician_who_made_them(
    phone, live_server, login, technician, settings, tmp_path
):
    # A's session runs out with an action still queued; B signs in on the same phone.
    settings.MEDIA_ROOT = tmp_path
    context, page = phone
    TechnicianFactory(user__username="tech-b")
    visit = assign_today(new_visit(), technician)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    context.set_offline(True)
    page.get_by_role("button", name="On my way", exact=True).click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    context.clear_cookies()  # the session is over, nothing was logged out
    context.set_offline(False)

    login(page, "tech-b")
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/tech/sync/" in r.url else None)
    page.goto(f"{live_server.url}/tech/")

    # Shown once the outbox has been looked through (and B's own actions sent: none).
    expect(page.get_by_test_id("outbox-others")).to_have_text(
        "1 action waiting for another technician to sign in on this phone,"
        " kept for them and not sent."
    )
    expect(page.get_by_test_id("outbox-count")).to_have_text("0")
    assert sent == []
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED

    # A signs in again: the action goes, as A's, and the page shows it done.
    context.clear_cookies()
    login(page, "tech", next=f"/tech/visits/{visit.pk}/")
    expect(page.get_by_test_id("visit-status")).to_have_text("En route", timeout=10_000)
    expect(page.get_by_test_id("outbox-others")).to_be_hidden()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE
    event = TicketEvent.objects.get(ticket=visit.ticket, kind="visit", to_value="en_route")
    assert event.by == technician.user


def test_the_next_technician_logging_out_keeps_what_the_last_one_queued(
    phone, live_server, login, technician
):
    context, page = phone
    TechnicianFactory(user__username="tech-b")
    visit = assign_today(new_visit(), technician)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    context.set_offline(True)
    page.get_by_role("button", name="On my way", exact=True).click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    context.clear_cookies()  # A's session is over
    context.set_offline(False)
    login(page, "tech-b")
    page.goto(f"{live_server.url}/tech/")
    expect(page.get_by_test_id("outbox-others")).to_be_visible()
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))

    _log_out(page)  # B has nothing waiting: no question, and A's action is not B's to delete

    assert asked == []
    login(page, "tech", next=f"/tech/visits/{visit.pk}/")
    expect(page.get_by_test_id("visit-status")).to_have_text("En route", timeout=10_000)


def test_an_action_queued_before_actions_had_an_owner_is_sent_not_left_forever(
    phone, live_server, technician
):
    # The phone's outbox from before the upgrade: an action with no maker recorded.
    _context, page = phone
    visit = assign_today(new_visit(), technician)
    visit = transition_visit(visit=visit, to="en_route", by=None)  # where work is noted
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    expect(page.get_by_test_id("outbox-count")).to_have_text("0")
    page.evaluate(
        """(visit) => new Promise((resolve, reject) => {
             const request = indexedDB.open("fieldservice-outbox", 1);
             request.onsuccess = () => {
               const t = request.result.transaction("actions", "readwrite");
               t.objectStore("actions").put({
                 type: "note", kind: "work", text: "Written before the upgrade",
                 key: "legacy-1", visit });
               t.oncomplete = () => resolve();
               t.onerror = () => reject(t.error);
             };
           })""",
        visit.pk,
    )

    page.reload()

    expect(page.locator(".record")).to_contain_text("Written before the upgrade", timeout=10_000)
    entry = JobEntry.objects.get(visit=visit)
    assert (entry.text, entry.by) == ("Written before the upgrade", technician.user)
    expect(page.get_by_test_id("outbox-others")).to_be_hidden()


def test_an_italian_technicians_offline_step_is_marked_waiting_in_italian(
    phone, live_server, technician
):
    # The words come from the JavaScript catalog (issue 21): needs the Italian djangojs catalog
    # compiled in locale/, which the integrator merges.
    context, page = phone
    context.set_extra_http_headers({"Accept-Language": "it"})
    visit = assign_today(new_visit(), technician)
    page.goto(f"{live_server.url}/tech/visits/{visit.pk}/")
    expect(page.get_by_test_id("outbox-count")).to_have_text("0")

    context.set_offline(True)
    page.locator("form[data-after] button").first.click()
    expect(page.get_by_test_id("outbox-count")).to_have_text("1")
    expect(page.get_by_test_id("visit-status")).to_contain_text("(in attesa di invio)")
