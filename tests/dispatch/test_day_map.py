"""The board's day on a map: each technician's route in planned order from home and back in
their colour, visits as markers, the queue as its own layer, the board's filters, another day,
and a query count that does not grow with the day."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Site
from dispatch.selectors import day_map, technician_colour
from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    SkillFactory,
    TechnicianFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at

pytestmark = pytest.mark.django_db


def visit_at(latitude, longitude, *, city="Rome", priority=3, **ticket):
    placement = Site.Placement.PINNED if latitude is not None else Site.Placement.UNPLACED
    appliance = ApplianceFactory(
        site__latitude=latitude,
        site__longitude=longitude,
        site__city=city,
        site__placement=placement,
    )
    return new_visit(open_ticket(appliance=appliance, priority=priority, **ticket))


def placed(tech, day, hour, latitude, longitude, **kwargs):
    return assign_visit(
        visit=visit_at(latitude, longitude, **kwargs), technician=tech, start=at(day, hour), by=None
    )


def test_a_route_runs_from_home_through_the_visits_in_planned_order_and_back(next_monday):
    tech = TechnicianFactory(home_latitude=41.80, home_longitude=12.40)
    afternoon = placed(tech, next_monday, 15, 41.93, 12.53)
    morning = placed(tech, next_monday, 9, 41.91, 12.51)
    midday = placed(tech, next_monday, 13, 41.92, 12.52)

    data = day_map(day=next_monday)

    [route] = data["routes"]
    assert route["technician"] == tech.pk
    assert route["colour"] == technician_colour(tech.pk)
    assert route["visits"] == [morning.pk, midday.pk, afternoon.pk]
    assert route["points"] == [
        [41.80, 12.40],
        [41.91, 12.51],
        [41.92, 12.52],
        [41.93, 12.53],
        [41.80, 12.40],
    ]
    markers = {m["visit"]: m for m in data["visits"]}
    assert [markers[v.pk]["order"] for v in (morning, midday, afternoon)] == [1, 2, 3]
    assert markers[morning.pk]["status"] == "scheduled"
    assert markers[morning.pk]["start"] == "09:00"
    assert data["queued"] == []


def test_technicians_have_distinct_colours_and_the_queue_is_its_own_layer(next_monday):
    one, two = TechnicianFactory(), TechnicianFactory()
    placed(one, next_monday, 9, 41.91, 12.51)
    placed(two, next_monday, 9, 41.95, 12.45)
    waiting = visit_at(41.88, 12.48, priority=1)

    data = day_map(day=next_monday)

    colours = {r["technician"]: r["colour"] for r in data["routes"]}
    assert set(colours) == {one.pk, two.pk}
    assert colours[one.pk] != colours[two.pk]
    assert [q["visit"] for q in data["queued"]] == [waiting.pk]
    assert data["queued"][0]["technician"] is None
    assert data["queued"][0]["priority"] == 1
    assert data["queued"][0]["order"] is None
    assert waiting.pk not in {m["visit"] for m in data["visits"]}


def test_the_filters_choose_whose_routes_and_which_waiting_visits(next_monday):
    gas = SkillFactory(code="gas")
    rome, milan = TechnicianFactory(), TechnicianFactory()
    in_rome = placed(rome, next_monday, 9, 41.91, 12.51, city="Rome", priority=2)
    placed(milan, next_monday, 9, 45.46, 9.19, city="Milan", priority=3)
    waiting_p1 = visit_at(41.88, 12.48, priority=1)
    waiting_p3 = visit_at(41.87, 12.47, priority=3)
    waiting_gas = new_visit(open_ticket(priority=4))
    waiting_gas.ticket.required_skills.add(gas)

    by_area = day_map(day=next_monday, area="Rome")
    by_priority = day_map(day=next_monday, priority=1)
    by_skill = day_map(day=next_monday, skill="gas")

    assert [r["technician"] for r in by_area["routes"]] == [rome.pk]
    assert [m["visit"] for m in by_area["visits"]] == [in_rome.pk]
    assert {q["visit"] for q in by_area["queued"]} == {waiting_p1.pk, waiting_p3.pk, waiting_gas.pk}
    assert by_priority["routes"] == []
    assert [q["visit"] for q in by_priority["queued"]] == [waiting_p1.pk]
    assert by_skill["routes"] == []
    assert [q["visit"] for q in by_skill["queued"]] == [waiting_gas.pk]


def test_another_day_has_its_own_routes_and_a_site_off_the_map_is_counted(next_monday):
    tech = TechnicianFactory()
    tuesday = next_monday + datetime.timedelta(days=1)
    monday_visit = placed(tech, next_monday, 9, 41.91, 12.51)
    tuesday_visit = placed(tech, tuesday, 9, 41.92, 12.52)
    off_map = placed(tech, tuesday, 13, 41.93, 12.53)
    # Its address was changed since and is not placed yet.
    Site.objects.filter(pk=off_map.ticket.site_id).update(
        latitude=None, longitude=None, placement=Site.Placement.UNPLACED
    )

    monday, other = day_map(day=next_monday), day_map(day=tuesday)

    assert [m["visit"] for m in monday["visits"]] == [monday_visit.pk]
    assert [m["visit"] for m in other["visits"]] == [tuesday_visit.pk]
    assert other["routes"][0]["visits"] == [tuesday_visit.pk]
    assert other["not_on_map"] == 1
    assert off_map.pk not in {m["visit"] for m in other["visits"]}
    assert monday["not_on_map"] == 0


def test_the_map_is_built_in_a_number_of_queries_that_does_not_grow(next_monday):
    def count():
        with CaptureQueriesContext(connection) as captured:
            day_map(day=next_monday)
        return len(captured)

    def add(n):
        for i in range(n):
            tech = TechnicianFactory()
            placed(tech, next_monday, 9, 41.9 + i / 1000, 12.5)
            placed(tech, next_monday, 13, 41.8 + i / 1000, 12.4)
            visit_at(41.7, 12.3)

    add(3)
    with_3 = count()
    add(27)
    with_30 = count()

    assert with_3 == with_30
    assert with_30 <= 4


def test_the_board_shows_the_map_with_the_same_filters_and_only_to_dispatchers(
    client, dispatcher_client, technician, next_monday
):
    tech = TechnicianFactory(user__first_name="Marco", user__last_name="Rossi")
    visit = placed(tech, next_monday, 9, 41.91, 12.51, priority=2)
    url = f"{reverse('dispatch:board')}?day={next_monday.isoformat()}&view=map"

    page = dispatcher_client.get(url).content.decode()
    filtered = dispatcher_client.get(url + "&priority=1").content.decode()

    def data_of(html):
        start = html.index('<script id="day-map-data" type="application/json">')
        body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
        return json.loads(body)

    assert data_of(page)["routes"][0]["visits"] == [visit.pk]
    assert data_of(filtered)["routes"] == []
    assert "Marco Rossi" in page
    assert 'class="grid"' not in page  # the timeline is toggled away
    assert 'data-testid="view-map"' in page
    assert 'name="view" value="map"' in page  # the filter form keeps the view
    timeline = dispatcher_client.get(url.replace("&view=map", "")).content.decode()
    assert 'class="grid"' in timeline
    assert "day-map-data" not in timeline

    client.force_login(technician.user)
    assert client.get(url).status_code == 403
