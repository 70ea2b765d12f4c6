"""The desk places an address nobody could find: the intake's customer search shows it "not
on the map yet" with the map, and the pin dragged there makes it bookable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Site
from customers.services import add_site
from tests.factories import ApplianceFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def _unplaced() -> Site:
    customer = CustomerFactory(name="Mario Verdi")
    return add_site(customer=customer, address="Strada 7", city="Nowhereville", country="IT")


def test_the_customer_search_shows_an_unplaced_address_with_its_map(dispatcher_client):
    site = _unplaced()
    ApplianceFactory(site__customer=site.customer)  # a placed address beside it

    page = dispatcher_client.get(reverse("desk:customer_search"), {"q": "Mario"}).text

    assert page.count('data-testid="not-on-the-map"') == 1
    assert f'id="place-site-{site.pk}"' in page
    assert "data-map-pin" in page
    assert reverse("desk:place_site", args=[site.pk]) in page


def test_the_pin_placed_at_the_desk_makes_the_site_placed(dispatcher_client):
    site = _unplaced()

    answer = dispatcher_client.post(
        reverse("desk:place_site", args=[site.pk]), {"latitude": "41.91", "longitude": "12.49"}
    )

    assert answer.status_code == 200
    assert "is on the map now" in answer.text
    site.refresh_from_db()
    assert (site.placement, site.latitude, site.longitude) == (Site.Placement.PINNED, 41.91, 12.49)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({}, "Place the pin on the map."),
        ({"latitude": "41.9"}, "Place the pin on the map."),
        ({"latitude": "north", "longitude": "12.5"}, "Latitude"),
        ({"latitude": "95", "longitude": "12.5"}, "Latitude"),
    ],
)
def test_a_bad_pin_is_refused_by_name_and_changes_nothing(dispatcher_client, data, says):
    site = _unplaced()

    answer = dispatcher_client.post(reverse("desk:place_site", args=[site.pk]), data)

    assert answer.status_code == 400
    assert says in answer.text
    site.refresh_from_db()
    assert (site.placement, site.latitude) == (Site.Placement.UNPLACED, None)


def test_placing_an_unknown_site_is_a_404(dispatcher_client):
    answer = dispatcher_client.post(
        reverse("desk:place_site", args=[999999]), {"latitude": "41.9", "longitude": "12.5"}
    )

    assert answer.status_code == 404
