"""Sign-up places the address by geocoding unless the map's pin says where it is; the phone is
read in the address's country, and the language is the customer's choice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from customers.models import Customer, Site
from tests.portal.test_sign_up import _rows, signup_data

pytestmark = pytest.mark.django_db


def _without_pin(**changes) -> dict:
    data = signup_data(**changes)
    del data["latitude"], data["longitude"]
    return data


def test_sign_up_without_a_pin_geocodes_the_address_and_reads_the_phone_in_its_country(client):
    response = client.post(
        reverse("portal:signup"),
        _without_pin(
            address="ul. Vitosha 10",
            postal_code="1000",
            city="София",
            country="BG",
            phone="088 812 3456",  # a Bulgarian mobile, typed without +359
            language="bg",
        ),
    )

    assert response.status_code == 302
    customer = Customer.objects.get(email="giulia@example.com")
    assert (str(customer.phone), customer.language) == ("+359888123456", "bg")
    site = customer.sites.get()
    assert (site.country, site.placement) == ("BG", Site.Placement.GEOCODED_CITY)
    assert (round(site.latitude, 1), round(site.longitude, 1)) == (42.7, 23.3)


def test_sign_up_with_the_pin_keeps_its_coordinates(client):
    client.post(reverse("portal:signup"), signup_data(latitude="41.8986", longitude="12.4769"))

    site = Site.objects.get()
    assert (site.placement, site.latitude, site.longitude) == ("pinned", 41.8986, 12.4769)


def test_sign_up_at_an_address_nobody_finds_is_saved_to_be_placed(client):
    response = client.post(reverse("portal:signup"), _without_pin(city="Nowhereville"))

    assert response.status_code == 302
    site = Site.objects.get()
    assert (site.placement, site.latitude) == (Site.Placement.UNPLACED, None)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"latitude": ""}, "latitude", "both the latitude and the longitude"),
        ({"longitude": "500"}, "longitude", "less than or equal to 180"),
        ({"country": "Narnia"}, "country", "Select a valid choice"),
        ({"phone": "+39 12"}, "phone", "with its country code"),
    ],
)
def test_sign_up_with_a_bad_place_or_phone_names_the_field_and_creates_nothing(
    client, changes, field, says
):
    before = _rows()

    response = client.post(reverse("portal:signup"), signup_data(**changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert says in " ".join(errors[field])
    assert _rows() == before


def test_the_sign_up_page_draws_the_map_with_the_configured_tiles(client, settings):
    settings.MAP_TILES_URL = "https://tiles.example.com/{z}/{x}/{y}.png"

    page = client.get(reverse("portal:signup")).text

    assert "data-map-pin" in page
    assert 'data-tiles="https://tiles.example.com/{z}/{x}/{y}.png"' in page
    assert 'name="country"' in page
    assert "vendor/leaflet/leaflet.js" in page
