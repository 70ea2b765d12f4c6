"""A per-km travel charge bills the drive dispatch measured when the technician set off:
from the home base on the first trip of the day, from the last site after that."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from moneyed import Money

from billing.models import ChargeLine, PriceList
from billing.services import pricing
from customers.models import Site
from tests import factories
from tests.helpers import assign_today
from tickets import services as tickets

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
DAY = datetime.datetime(2026, 3, 3, 9, 0, tzinfo=ROME)  # a Tuesday
# 0.1 degree of latitude is 11.1195 km on the sphere dispatch.travel uses.
KM_PER_TENTH_DEGREE = Decimal("11.1")


@pytest.fixture(autouse=True)
def straight_roads(settings):
    settings.FIELDSERVICE = {
        **settings.FIELDSERVICE,
        "TRAVEL_SOURCE": "dispatch.travel.StraightLineTravel",
        "TRAVEL_OPTIONS": {"speed_kmh": 60.0, "road_factor": 1.0},
    }


def _price_list(name="Km", **kwargs):
    price_list = pricing.save_price_list(name=name, currency="EUR", by=None, **kwargs)
    pricing.set_labour_rate(price_list=price_list, kind="repair", hourly_rate="60.00", by=None)
    return price_list


def _visit_at(latitude: float, technician, *, set_off: datetime.datetime, contract=None):
    extra = {"customer": contract.customer} if contract is not None else {}
    site = factories.SiteFactory(latitude=latitude, longitude=12.5, **extra)
    appliance = factories.ApplianceFactory(site=site, contract=contract)
    ticket = factories.open_ticket(appliance=appliance)
    visit = assign_today(factories.new_visit(ticket), technician)
    visit = tickets.transition_visit(
        visit=visit, to="en_route", by=None, at=set_off, confirm_not_today=True
    )
    arrived = set_off + datetime.timedelta(minutes=20)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None, at=arrived)
    tickets.record_entry(visit=visit, kind="work", text="Done.", by=None)
    return tickets.transition_visit(
        visit=visit, to="completed", by=None, at=arrived + datetime.timedelta(minutes=30)
    )


def _travel(visit):
    return [
        (line.description, line.quantity, line.unit_price)
        for line in ChargeLine.objects.filter(visit=visit, kind=ChargeLine.Kind.TRAVEL)
    ]


def test_the_drive_is_billed_per_km_from_home_then_from_the_last_site(db):
    _price_list(is_default=True, travel=PriceList.Travel.PER_KM, travel_amount="0.45")
    technician = factories.TechnicianFactory(home_latitude=41.9, home_longitude=12.5)

    first = _visit_at(42.0, technician, set_off=DAY)
    second = _visit_at(42.2, technician, set_off=DAY + datetime.timedelta(hours=2))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.travel_km == KM_PER_TENTH_DEGREE
    assert second.travel_km == Decimal("22.2")  # 22.239 km from the first site
    assert _travel(first) == [("Travel, 11.1 km", Decimal("11.100"), Money("0.45", "EUR"))]
    assert _travel(second) == [("Travel, 22.2 km", Decimal("22.200"), Money("0.45", "EUR"))]


def test_a_contracts_own_list_charges_its_call_out_and_its_rate_per_km(db):
    _price_list(is_default=True)  # no travel charge for everyone else
    contract = factories.ServiceContractFactory(labour="billable")
    own = _price_list(
        "Contract", callout_fee="25.00", travel=PriceList.Travel.PER_KM, travel_amount="1.20"
    )
    own.contracts.add(contract)
    technician = factories.TechnicianFactory(home_latitude=41.9, home_longitude=12.5)

    visit = _visit_at(42.0, technician, set_off=DAY, contract=contract)

    lines = {line.kind: line for line in ChargeLine.objects.filter(visit=visit)}
    assert lines["travel"].quantity == KM_PER_TENTH_DEGREE
    assert lines["travel"].unit_price == Money("1.20", "EUR")
    assert lines["callout"].unit_price == Money("25.00", "EUR")


def test_a_visit_whose_drive_was_not_measured_gets_no_per_km_line(db):
    _price_list(is_default=True, travel=PriceList.Travel.PER_KM, travel_amount="0.45")
    technician = factories.TechnicianFactory()
    site = factories.SiteFactory()
    ticket = factories.open_ticket(appliance=factories.ApplianceFactory(site=site))
    visit = assign_today(factories.new_visit(ticket), technician)
    Site.objects.filter(pk=site.pk).update(latitude=None, longitude=None, placement="unplaced")
    visit.ticket.site.refresh_from_db()
    visit = tickets.transition_visit(
        visit=visit, to="en_route", by=None, at=DAY, confirm_not_today=True
    )

    visit.refresh_from_db()
    assert visit.travel_km is None
