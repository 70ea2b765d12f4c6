"""Issue 27 in the browser: the phone's position (geolocation granted and set in Chromium)
reaching the customer's tracking map while the visit is en route, another customer's tracking
refused, the plan preview's routes before and after, and hovering a technician on the board's
map highlighting their route and their row. Tiles cannot load here: the maps draw on a blank
background."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from dispatch.models import PlanRun, TechnicianPosition
from dispatch.planner import day, preview
from dispatch.selectors import technician_colour
from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    TechnicianFactory,
    UserFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import assign_today, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ON_THE_WAY = {"latitude": 41.98765, "longitude": 12.51234, "accuracy": 20}


def visit_at(latitude, longitude, customer=None):
    site = {"site__latitude": latitude, "site__longitude": longitude}
    if customer is not None:
        site["site__customer"] = customer
    return new_visit(open_ticket(appliance=ApplianceFactory(**site)))


def test_the_phones_position_reaches_the_customers_tracking_map_and_no_one_elses(
    browser, live_server, login, technician, customer_user, dispatcher, axe
):
    # Working all day, every day: the test may run at any hour.
    technician.working_hours.update(
        starts_at=datetime.time(0),
        ends_at=datetime.time(23, 59),
        break_starts_at=None,
        break_ends_at=None,
    )
    visit = assign_today(visit_at(42.05, 12.55, customer_user.contacts.get().customer), technician)
    someone = UserFactory(username="someone", role="customer")
    theirs = visit_at(41.70, 12.30, CustomerFactory(user=someone))
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        has_touch=True,
        permissions=["geolocation"],
        geolocation=ON_THE_WAY,
    )
    tech_page = phone.new_page()
    login(tech_page, "tech", next=f"/tech/visits/{visit.pk}/")

    # Not asked before setting off; asked once on the way.
    expect(tech_page.get_by_test_id("position-sharing")).to_be_hidden()
    with tech_page.expect_navigation():
        tech_page.get_by_role("button", name="On my way", exact=True).click()
    expect(tech_page.get_by_test_id("position-allow")).to_be_visible()
    # Chromium dates a set position when it is set: the phone reads this one on the way (one
    # read before setting off would be ignored, as it is no position on the way).
    phone.set_geolocation(ON_THE_WAY)
    with tech_page.expect_response(lambda r: r.url.endswith("/tech/sync/")) as sent:
        tech_page.get_by_test_id("position-allow").click()
    assert sent.value.json()["results"][0]["status"] == "ok"
    expect(tech_page.get_by_test_id("position-state")).to_contain_text("Sharing your position")
    expect(tech_page.get_by_test_id("outbox-count")).to_have_text("0")
    assert axe(tech_page, within="[data-testid=position-sharing]") == []
    position = TechnicianPosition.objects.get(technician=technician)
    assert (position.latitude, position.longitude) == (41.98765, 12.51234)
    assert position.visit_id == visit.pk

    # The customer sees the technician roughly where they are, and when they will arrive.
    customer = browser.new_context(viewport={"width": 390, "height": 844})
    page = customer.new_page()
    login(page, "customer", next=f"/portal/tickets/{visit.ticket_id}/")
    marker = page.get_by_test_id("tracking-map").get_by_test_id("tracking-technician")
    expect(marker).to_have_attribute("data-position", "41.988,12.512")
    expect(page.get_by_test_id("tracking-map").get_by_test_id("tracking-site")).to_have_count(1)
    expect(page.get_by_test_id("tracking-eta")).to_contain_text("On the way, expected at")
    expect(page.get_by_test_id("tracking-no-position")).to_be_hidden()
    assert "12.51234" not in page.content()
    assert axe(page) == []

    # Another customer's tracking, and their ticket, are not found.
    assert page.goto(f"{live_server.url}/portal/tickets/{theirs.ticket_id}/tracking/").status == 404
    assert page.goto(f"{live_server.url}/portal/tickets/{theirs.ticket_id}/").status == 404

    # The dispatcher sees it on the day's map, in the technician's colour.
    office = browser.new_context(viewport={"width": 1440, "height": 1000})
    board = office.new_page()
    login(board, "dispatcher")
    board.goto(f"{live_server.url}/dispatch/?view=map")
    dot = board.get_by_test_id("day-map").locator(f'[data-position-technician="{technician.pk}"]')
    expect(dot).to_have_count(1)
    expect(dot).to_have_attribute("fill", technician_colour(technician.pk))
    office.close()

    # Withdrawn on the phone, the question is not asked again and nothing more is shared.
    tech_page.get_by_test_id("position-stop").click()
    expect(tech_page.get_by_test_id("position-state")).to_contain_text("not shared")
    expect(tech_page.get_by_test_id("position-allow")).to_be_visible()
    assert tech_page.evaluate("localStorage.getItem('fieldservice-position-consent')") == "no"
    phone.close()
    customer.close()


def test_the_plan_preview_draws_the_routes_before_and_after_as_two_layers(
    page, live_server, login, dispatcher, next_monday
):
    marco = TechnicianFactory(
        user__first_name="Marco", user__last_name="Rossi", home_latitude=41.80, home_longitude=12.40
    )
    anna = TechnicianFactory(
        user__first_name="Anna", user__last_name="Verdi", home_latitude=41.95, home_longitude=12.60
    )
    kept = assign_visit(
        visit=visit_at(41.90, 12.50), technician=marco, start=at(next_monday, 9), by=None
    )
    waiting = visit_at(41.97, 12.55)
    scenario, versions = day.build_scenario(day=next_monday)
    plan = {
        "routes": [
            {"technician": anna.pk, "stops": [{"visit": kept.pk, "start": "11:00:00"}]},
            {"technician": marco.pk, "stops": [{"visit": waiting.pk, "start": "09:00:00"}]},
        ],
        "unassigned": [],
        "solve_seconds": 0.1,
    }
    run = PlanRun.objects.create(
        day=next_monday,
        status="ready",
        scenario=scenario,
        versions=versions,
        plan=plan,
        preview=preview.build_preview(scenario, plan),
    )
    login(page, "dispatcher", next=f"/dispatch/plan/{run.pk}/")

    canvas = page.get_by_test_id("plan-map")
    before = canvas.locator('path[data-layer="before"]')
    after = canvas.locator('path[data-layer="after"]')
    expect(before).to_have_count(1)
    expect(after).to_have_count(2)
    expect(before).to_have_attribute("data-route-technician", str(marco.pk))
    expect(before).to_have_attribute("stroke-dasharray", "6 6")
    assert canvas.locator(f'path[data-layer="after"][data-route-technician="{anna.pk}"]').count()
    expect(canvas.locator(".plan-map-visit")).to_have_count(2)

    page.get_by_test_id("plan-layer-before").uncheck()
    expect(before).to_have_count(0)
    expect(after).to_have_count(2)
    page.get_by_test_id("plan-layer-before").check()
    expect(before).to_have_count(1)

    # A technician in the legend, hovered, highlights their routes now and with the plan.
    page.get_by_test_id("plan-map-legend").get_by_text("Marco Rossi").hover()
    expect(canvas.locator(f'path.highlighted[data-route-technician="{marco.pk}"]')).to_have_count(2)
    expect(canvas.locator(f'path.highlighted[data-route-technician="{anna.pk}"]')).to_have_count(0)


def test_hovering_a_technician_highlights_their_route_and_their_row_and_back(
    page, live_server, login, dispatcher, next_monday, axe
):
    marco = TechnicianFactory(
        user__first_name="Marco", user__last_name="Rossi", home_latitude=41.80, home_longitude=12.40
    )
    anna = TechnicianFactory(
        user__first_name="Anna", user__last_name="Verdi", home_latitude=41.95, home_longitude=12.60
    )
    assign_visit(visit=visit_at(41.90, 12.50), technician=marco, start=at(next_monday, 9), by=None)
    assign_visit(visit=visit_at(41.97, 12.55), technician=anna, start=at(next_monday, 13), by=None)
    page.set_viewport_size({"width": 1440, "height": 1000})
    login(page, "dispatcher")
    page.goto(f"{live_server.url}/dispatch/?day={next_monday.isoformat()}&view=map")

    legend = page.get_by_test_id("day-map-legend")
    canvas = page.get_by_test_id("day-map")
    marco_row = legend.locator(f'li[data-route-technician="{marco.pk}"]')
    anna_row = legend.locator(f'li[data-route-technician="{anna.pk}"]')
    marco_route = canvas.locator(f'path[data-route-technician="{marco.pk}"]')
    expect(marco_row.get_by_test_id("day-map-timeline").locator(".day-map-block")).to_have_count(1)

    marco_row.hover()
    expect(marco_route).to_have_class("day-map-route leaflet-interactive highlighted")
    expect(marco_row).to_have_class("highlighted")
    expect(anna_row).not_to_have_class("highlighted")

    page.mouse.move(0, 0)
    expect(marco_row).not_to_have_class("highlighted")
    expect(marco_route).to_have_class("day-map-route leaflet-interactive")

    anna_row.focus()  # by keyboard too
    expect(anna_row).to_have_class("highlighted")
    anna_row.blur()
    expect(anna_row).not_to_have_class("highlighted")
    marco_route.dispatch_event("mouseover")
    expect(marco_row).to_have_class("highlighted")
    marco_route.dispatch_event("mouseout")
    expect(marco_row).not_to_have_class("highlighted")
    assert axe(page, within=".board-page") == []
