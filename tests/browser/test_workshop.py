"""The workshop's queue in the browser: a bench technician records the next step of an order and
sees it move on."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from depot import services
from depot.models import RepairOrder
from fieldservice.roles import WORKSHOP_GROUP
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_bench_technician_moves_an_order_along_the_queue(page, live_server, login, axe):
    bench = factories.TechnicianFactory(user__username="bench")
    bench.user.groups.add(Group.objects.get_or_create(name=WORKSHOP_GROUP)[0])
    ticket = factories.open_ticket()
    order = services.open_repair_order(
        ticket=ticket,
        appliances=[ticket.appliance],
        handover=RepairOrder.Handover.DROP_OFF,
        source=RepairOrder.Source.DESK,
        by=None,
    )
    login(page, "bench", next="/workshop/")

    row = page.locator(f'tr[data-order="{order.number}"]')
    expect(row.get_by_test_id("status")).to_have_text("Opened")
    assert axe(page) == []
    row.get_by_label("Next step").select_option("received")
    row.get_by_label("Notes").fill("Arrived in its box")
    row.get_by_role("button", name="Record the step").click()

    expect(page.locator(".messages")).to_contain_text(f"{order.number}: Received in the workshop.")
    expect(row.get_by_test_id("status")).to_have_text("Received in the workshop")
    order.refresh_from_db()
    assert order.status == RepairOrder.Status.RECEIVED
    assert order.steps.get(status="received").by == bench.user

    row.get_by_label("Next step").select_option("diagnosing")
    row.get_by_role("button", name="Record the step").click()
    expect(row.get_by_test_id("status")).to_have_text("Diagnosing")
