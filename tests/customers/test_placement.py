"""A site is placed by geocoding or by a pin; one that cannot be placed is saved "not on the
map yet" and cannot be booked, assigned or planned until someone places it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from customers.models import Site
from customers.services import add_site, place_site
from dispatch.availability import free_windows
from dispatch.planner import day, preview
from dispatch.services import assign_visit, take_call
from fieldservice.errors import InvalidInput, NotOnTheMap
from portal import services as portal
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    SiteFactory,
    TechnicianFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db

NOT_ON_THE_MAP = "This address is not on the map yet: place it on the map first."


def unplaced_site(**kwargs) -> Site:
    return add_site(
        customer=kwargs.pop("customer", None) or CustomerFactory(),
        address="Via dei Sogni 3",
        city="Nowhereville",
        country="IT",
        **kwargs,
    )


def test_an_address_without_coordinates_is_geocoded_in_its_city():
    site = add_site(customer=CustomerFactory(), address="Via Toledo 5", city="Napoli", country="IT")

    assert site.placement == Site.Placement.GEOCODED_CITY
    assert (round(site.latitude, 1), round(site.longitude, 1)) == (40.9, 14.3)


def test_coordinates_given_are_a_pin():
    site = add_site(
        customer=CustomerFactory(), address="Via Po 1", city="Torino", latitude=45.07, longitude=7.7
    )

    assert (site.placement, site.latitude, site.longitude) == (Site.Placement.PINNED, 45.07, 7.7)


def test_an_address_that_cannot_be_found_is_saved_unplaced():
    site = unplaced_site()

    site.refresh_from_db()
    assert (site.placement, site.latitude, site.longitude) == (Site.Placement.UNPLACED, None, None)
    assert not site.is_placed


def test_half_a_pin_is_refused_by_name():
    with pytest.raises(InvalidInput) as refused:
        add_site(customer=CustomerFactory(), address="Via Po 1", city="Torino", latitude=45.0)

    assert refused.value.field == "longitude"
    assert not Site.objects.exists()


def test_the_database_keeps_both_coordinates_or_neither():
    site = SiteFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.filter(pk=site.pk).update(longitude=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Site.objects.filter(pk=site.pk).update(placement=Site.Placement.UNPLACED)


def test_placing_the_pin_makes_the_site_bookable(next_monday):
    site = unplaced_site()

    placed = place_site(site=site, latitude=41.9, longitude=12.5, by=None)

    site.refresh_from_db()
    assert placed.is_placed
    assert (site.placement, site.latitude, site.longitude) == (Site.Placement.PINNED, 41.9, 12.5)


def test_placing_the_pin_off_the_earth_changes_nothing():
    site = unplaced_site()

    with pytest.raises(InvalidInput, match="not on Earth"):
        place_site(site=site, latitude=91, longitude=12.5, by=None)

    site.refresh_from_db()
    assert site.placement == Site.Placement.UNPLACED


def _ticket_at(site: Site) -> Ticket:
    appliance = ApplianceFactory(site=site)
    return open_ticket(appliance=appliance)


def test_an_unplaced_site_cannot_be_booked_in_the_portal(next_monday):
    TechnicianFactory()
    site = unplaced_site()
    appliance = ApplianceFactory(site=site)

    with pytest.raises(NotOnTheMap, match=NOT_ON_THE_MAP):
        portal.book_visit(
            customer=site.customer,
            site=site,
            kind="repair",
            appliance=appliance,
            window_start=at(next_monday, 10),
        )

    assert not Ticket.objects.exists()


def test_an_unplaced_site_offers_no_free_windows(next_monday):
    TechnicianFactory()

    assert free_windows(skills=[], minutes=60, site=unplaced_site()) == []


def test_an_unplaced_site_cannot_be_assigned(next_monday):
    tech = TechnicianFactory()
    visit = new_visit(_ticket_at(unplaced_site()))

    with pytest.raises(NotOnTheMap, match=NOT_ON_THE_MAP):
        assign_visit(visit=visit, technician=tech, start=at(next_monday, 10), by=None)

    visit.refresh_from_db()
    assert (visit.status, visit.technician) == (Visit.Status.UNASSIGNED, None)


def test_the_desk_cannot_promise_a_window_at_an_unplaced_site(next_monday, dispatcher):
    site = unplaced_site()
    appliance = ApplianceFactory(site=site)

    with pytest.raises(NotOnTheMap, match=NOT_ON_THE_MAP):
        take_call(
            customer=site.customer,
            site=site,
            by=dispatcher,
            kind="repair",
            appliance=appliance,
            window_start=at(next_monday, 10),
            window_end=at(next_monday, 12),
        )
    ticket = take_call(
        customer=site.customer, site=site, by=dispatcher, kind="repair", appliance=appliance
    )

    assert Ticket.objects.get() == ticket  # queued without a window, it waits to be placed


def test_the_planner_leaves_unplaced_visits_out_with_the_reason(next_monday):
    TechnicianFactory()
    waiting = new_visit(_ticket_at(unplaced_site()))
    placed = new_visit()

    scenario, _versions = day.build_scenario(day=next_monday)
    shown = preview.build_preview(scenario, {"routes": [], "unassigned": []})

    assert [v["id"] for v in scenario["visits"]] == [placed.pk]
    assert scenario["unplaced"] == [waiting.pk]
    (line,) = shown["left_out"]
    assert (line["visit"], line["reason"], line["unschedules"]) == (
        waiting.pk,
        NOT_ON_THE_MAP,
        False,
    )


def test_suggestions_for_an_unplaced_site_say_to_place_it(dispatcher_client, next_monday):
    TechnicianFactory()
    visit = new_visit(_ticket_at(unplaced_site()))

    page = dispatcher_client.get(
        reverse("dispatch:suggestions", args=[visit.pk]), {"day": next_monday.isoformat()}
    )

    assert page.status_code == 409
    assert NOT_ON_THE_MAP in page.content.decode()
