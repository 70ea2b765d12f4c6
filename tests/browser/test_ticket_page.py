"""The ticket page in a phone-wide browser: change the priority and see the SLA move, cancel
with a reason and see it in the history."""

import pytest
from playwright.sync_api import expect

from tests.factories import open_ticket
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_priority_then_cancel_from_the_ticket_page(page, live_server, login, dispatcher):
    ticket = open_ticket(priority=4, description="Water on the floor")
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"{live_server.url}/desk/tickets/{ticket.number}/"
    login(page, "dispatcher", next=f"/desk/tickets/{ticket.number}/")
    page.goto(url)
    due = page.get_by_test_id("resolution-due")
    due_before = due.inner_text()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.select_option("#id_priority-priority", "1")
    page.fill("#id_priority-reason", "Water reaches the kitchen")
    page.get_by_role("button", name="Change priority").click()

    expect(page.get_by_test_id("priority")).to_contain_text("P1")
    expect(due).not_to_have_text(due_before)
    expect(page.locator(".history")).to_contain_text("P4 → P1")

    page.fill("#id_cancel-reason", "Customer fixed it himself")
    page.get_by_role("button", name="Cancel the ticket").focus()
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_contain_text("Cancelled")
    expect(page.locator(".history")).to_contain_text("Customer fixed it himself")
    expect(page.get_by_test_id("action-cancel")).to_have_count(0)
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CANCELLED
