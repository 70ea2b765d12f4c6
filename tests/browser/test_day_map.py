"""The board's day on a map, whose tiles cannot load here: the technicians' routes drawn in
their colours through their visits, the queue as its own layer, a marker opening the same
panel as the timeline, assigning from it redrawing the routes; axe's checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dispatch.selectors import technician_colour
from dispatch.services import assign_visit
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def visit_at(latitude, longitude, priority=3):
    appliance = ApplianceFactory(site__latitude=latitude, site__longitude=longitude)
    return new_visit(open_ticket(appliance=appliance, priority=priority))


def test_the_map_draws_the_routes_and_a_marker_opens_the_panel_to_assign_from(
    page, live_server, login, dispatcher, next_monday, axe
):
    marco = TechnicianFactory(
        user__first_name="Marco", user__last_name="Rossi", home_latitude=41.80, home_longitude=12.40
    )
    anna = TechnicianFactory(
        user__first_name="Anna", user__last_name="Verdi", home_latitude=41.95, home_longitude=12.60
    )
    first = assign_visit(
        visit=visit_at(41.90, 12.50), technician=marco, start=at(next_monday, 9), by=None
    )
    assign_visit(visit=visit_at(41.92, 12.47), technician=marco, start=at(next_monday, 13), by=None)
    assign_visit(visit=visit_at(41.97, 12.55), technician=anna, start=at(next_monday, 9), by=None)
    waiting = visit_at(41.85, 12.45, priority=1)
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/?day={next_monday.isoformat()}")
    page.get_by_test_id("view-map").click()

    # One line per technician, in their colour; numbered stops; the queue's own marker.
    canvas = page.get_by_test_id("day-map")
    marco_route = canvas.locator(f'path[data-route-technician="{marco.pk}"]')
    anna_route = canvas.locator(f'path[data-route-technician="{anna.pk}"]')
    expect(marco_route).to_have_attribute("stroke", technician_colour(marco.pk))
    expect(anna_route).to_have_attribute("stroke", technician_colour(anna.pk))
    # home, two visits, home: four points, so three segments ("L" commands) after the "M".
    assert marco_route.get_attribute("d").count("L") == 3
    assert anna_route.get_attribute("d").count("L") == 2
    stop = canvas.locator(f'.day-map-marker[data-visit="{first.pk}"]')
    expect(stop).to_have_text("1")
    expect(stop).to_have_attribute("data-status", "scheduled")
    queued = canvas.locator(f'.day-map-marker.queued[data-visit="{waiting.pk}"]')
    expect(queued).to_have_text("P1")
    expect(page.get_by_test_id("day-map-legend")).to_contain_text("Marco Rossi: 2 visits")

    assert axe(page, within=".board-page") == []

    # The waiting visit's marker opens its panel; assigning from it redraws Anna's route.
    queued.click()
    expect(page.locator("#panel .panel")).to_contain_text(waiting.ticket.number)
    page.select_option(f"#place-technician-{waiting.pk}", str(anna.pk))
    page.fill(f"#place-start-{waiting.pk}", f"{next_monday.isoformat()}T13:00")
    with page.expect_response(lambda r: "/dispatch/assign/" in r.url):
        page.locator(f"#place-start-{waiting.pk}").press("Enter")
    expect(canvas.locator(f'.day-map-marker.queued[data-visit="{waiting.pk}"]')).to_have_count(0)
    expect(canvas.locator(f'.day-map-marker[data-visit="{waiting.pk}"]')).to_have_text("2")
    assert (
        page.get_by_test_id("day-map")
        .locator(f'path[data-route-technician="{anna.pk}"]')
        .get_attribute("d")
        .count("L")
        == 3
    )
    waiting.refresh_from_db()
    assert (waiting.technician, waiting.planned_start) == (anna, at(next_monday, 13))

    # The panel shows the assigned ticket as it now is before another marker is clicked.
    expect(page.locator("#panel .panel")).to_contain_text("Scheduled")

    # A route's stop opens its ticket's panel too.
    page.get_by_test_id("day-map").locator(f'.day-map-marker[data-visit="{first.pk}"]').click()
    expect(page.locator("#panel .panel")).to_contain_text(first.ticket.number)
    assert axe(page, within=".board-page") == []
