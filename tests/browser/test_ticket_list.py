"""The ticket list in a browser: filters and a search word change the rows as they are chosen
(htmx, with the address following), the filters are saved under a name and applied again, and
the page holds at a phone's width."""

import pytest
from playwright.sync_api import expect

from tests.factories import ApplianceFactory, open_ticket
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_search_save_and_apply_again(page, live_server, login, dispatcher):
    wanted = open_ticket(
        appliance=ApplianceFactory(site__customer__name="Giulia Bianchi"),
        description="Leaks from the door seal",
    )
    triaged_other = open_ticket(
        appliance=ApplianceFactory(site__customer__name="Marco Verdi"),
        description="Leaks from the drawer",
    )
    fresh = open_ticket(
        appliance=ApplianceFactory(site__customer__name="Anna Rossi"),
        description="Door seal torn",
    )
    Ticket.objects.filter(pk__in=[wanted.pk, triaged_other.pk]).update(status="triaged")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "dispatcher", next="/desk/tickets/")
    rows = page.locator("table.tickets tbody tr")
    expect(rows).to_have_count(3)

    with page.expect_response(lambda r: "status=triaged" in r.url):
        page.select_option("#id_status", "triaged")
    expect(rows).to_have_count(2)
    page.fill("#id_q", "seal")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(wanted.number)
    expect(page).to_have_url(f"{live_server.url}/desk/tickets/?q=seal&status=triaged")
    # Nothing spills sideways at a phone's width: the table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Save these filters as").fill("Seal leaks")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Seal leaks")

    page.goto(f"{live_server.url}/desk/tickets/")
    expect(rows).to_have_count(3)
    page.get_by_role("link", name="Seal leaks").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(wanted.number)
    expect(page.locator("#id_q")).to_have_value("seal")
    expect(page.locator("#id_status")).to_have_value("triaged")
    assert fresh.number not in page.locator("table.tickets").inner_text()
