"""The technician app installs on a phone (issue 25): a web app manifest with its icons, the
theme colour on the pages, and a favicon for every page."""

import io
import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def _manifest() -> dict:
    response = Client().get(reverse("tech:manifest"))  # browsers fetch it without cookies
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_the_manifest_says_how_the_app_installs():
    manifest = _manifest()

    assert manifest["name"]
    assert manifest["short_name"] == "My day"
    assert manifest["start_url"] == "/tech/"
    assert manifest["scope"] == "/tech/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#1d3557"
    assert manifest["background_color"] == "#f6f7f9"


def test_the_manifests_icons_are_pngs_of_the_sizes_they_claim():
    icons = _manifest()["icons"]

    found = set()
    for icon in icons:
        assert icon["src"].startswith(settings.STATIC_URL), icon["src"]
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon["src"]
        assert icon["type"] == "image/png"
        image = Image.open(path)
        assert image.format == "PNG"
        width, height = image.size
        assert icon["sizes"] == f"{width}x{height}"
        found.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= found


def test_the_favicon_is_served_at_the_address_browsers_ask():
    response = Client().get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.format == "ICO"


def test_the_technicians_pages_link_the_manifest_and_the_theme_colour(client, technician):
    client.force_login(technician.user)
    manifest = reverse("tech:manifest")

    for url in (reverse("tech:today"), reverse("tech:offline")):
        page = client.get(url).text
        assert f'rel="manifest" href="{manifest}"' in page, url
        assert '<meta name="theme-color" content="#1d3557">' in page, url
        assert 'rel="icon"' in page, url


def test_every_page_names_its_icon_and_only_the_phone_app_its_manifest(client):
    page = client.get(reverse("login")).text

    assert 'rel="icon"' in page
    assert '<meta name="theme-color" content="#1d3557">' in page
    assert 'rel="manifest"' not in page  # the portal and the desk are no technician's app


def test_the_app_icons_ship_as_small_files():
    for name in ("icon-192.png", "icon-512.png", "maskable-512.png"):
        path = finders.find(f"fieldapp/icons/{name}")
        assert path, name
        with open(path, "rb") as handle:
            assert len(handle.read()) < 50_000, name
