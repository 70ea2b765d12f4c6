"""A tier's queue in the browser: take a ticket from it and see it held by you."""

import pytest
from playwright.sync_api import expect

from tests.factories import open_ticket
from tickets.models import Ticket
from tickets.services import escalate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_take_a_ticket_from_the_tier_2_queue(page, live_server, login, dispatcher, axe):
    waiting = escalate(ticket=open_ticket(), by=None, reason="Needs the wiring diagram")
    login(page, "dispatcher", next="/desk/queue/2/")

    row = page.locator(f'tr[data-ticket="{waiting.number}"]')
    expect(page.get_by_test_id("tier-2")).to_contain_text("1 to take")
    assert axe(page) == []
    row.get_by_role("button", name=f"Take {waiting.number}").click()

    expect(page.locator(".messages")).to_contain_text(f"You hold {waiting.number}.")
    expect(row.get_by_test_id("holder-cell")).to_have_text("You")
    expect(page.get_by_test_id("tier-2")).to_contain_text("0 to take")
    assert Ticket.objects.get(pk=waiting.pk).held_by == dispatcher
