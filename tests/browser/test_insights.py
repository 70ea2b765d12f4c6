"""The managers' page in a browser: the figures of a known week, its charts drawn by Chart.js
under the Content-Security-Policy, nothing for axe to report, and a figure's link to the visits
it counts."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.insights.history import at, ticket, visit
from tickets.models import Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_reads_the_weeks_figures_and_opens_what_they_count(page, login, axe):
    factories.UserFactory(username="manager", role="dispatcher", is_staff=True)
    tech = factories.TechnicianFactory(region="North")
    visit(ticket(opened=at(0, 8)), tech, start=at(0, 10), travel=30)
    visit(ticket(opened=at(0, 8)), tech, start=at(1, 10), outcome=Visit.Outcome.NEEDS_PARTS)
    login(page, "manager", next="/insights/?start=2026-01-05&end=2026-01-11")

    expect(page.get_by_test_id("first-time-fix")).to_have_text("50.0 %")
    expect(page.locator("canvas[data-chart=trends]")).to_have_attribute("data-drawn", "true")
    expect(page.locator("canvas[data-chart=utilization]")).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("utilization")).to_contain_text("North")  # by area
    assert axe(page) == []

    page.get_by_test_id("first-time-fix").click()

    expect(page.get_by_test_id("rows-total")).to_contain_text("1 in all")
    expect(page.get_by_test_id("rows")).to_contain_text("Fixed")
