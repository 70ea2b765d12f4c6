"""The arrival time promised to a customer while the technician drives to them."""

import datetime

import pytest

from dispatch.selectors import estimated_arrival
from dispatch.travel import travel_source
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today
from tickets import services

# Several visits today need room for them: at 10:00 when the suite runs in the evening.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("working_hours")]


def visit_at(latitude: float, longitude: float, technician, slot: int):
    appliance = ApplianceFactory(site__latitude=latitude, site__longitude=longitude)
    visit = new_visit(open_ticket(appliance=appliance))
    return assign_today(visit, technician, slot)


def drive(a: tuple[float, float], b: tuple[float, float]) -> datetime.timedelta:
    return datetime.timedelta(seconds=travel_source().seconds(a, b))


def test_the_eta_counts_from_home_first_then_from_the_job_just_finished():
    tech = TechnicianFactory(home_latitude=41.80, home_longitude=12.40)
    north = visit_at(42.05, 12.55, tech, 0)  # Monterotondo way
    east = visit_at(41.95, 12.75, tech, 1)  # Tivoli way
    home, north_site, east_site = (41.80, 12.40), (42.05, 12.55), (41.95, 12.75)

    north = services.transition_visit(visit=north, to="en_route", by=None)
    first = estimated_arrival(north)
    north = services.transition_visit(visit=north, to="on_site", by=None)
    services.record_entry(visit=north, text="Pump replaced", by=None)
    north = services.transition_visit(visit=north, to="completed", by=None)
    east = services.transition_visit(visit=east, to="en_route", by=None)
    second = estimated_arrival(east)

    assert first == north.en_route_at + drive(home, north_site)
    assert second == east.en_route_at + drive(north_site, east_site)
    assert drive(north_site, east_site) != drive(home, east_site)


def test_no_eta_before_the_technician_sets_off():
    visit = visit_at(42.05, 12.55, TechnicianFactory(), 0)

    assert estimated_arrival(visit) is None
