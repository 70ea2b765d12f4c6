"""Addresses become coordinates: the offline gazetteer (the default), and Nominatim through
geopy against a small local server that speaks its /search JSON (no internet here)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from customers import geocoding
from customers.geocoding import NominatimProvider, OfflineGazetteer, geocode
from tests.fieldservice.test_settings_deploy import _manage
from tests.silentserver import SilentServer


@pytest.fixture(scope="module")
def gazetteer():
    return OfflineGazetteer(min_population=15000)


@pytest.mark.parametrize(
    ("city", "country", "name"),
    [
        ("Roma", "IT", "Rome"),
        ("rome", "IT", "Rome"),
        ("  MILANO ", "IT", "Milan"),
        ("Sofia", "BG", "Sofia"),
        ("София", "BG", "Sofia"),
        ("Sao Paulo", "BR", "São Paulo"),  # the accent left out
        ("Plovdiv", "BG", "Plovdiv"),
    ],
)
def test_offline_gazetteer_finds_cities_by_any_of_their_names(gazetteer, city, country, name):
    place = gazetteer.geocode(address="Via X 1", city=city, postal_code="", country=country)

    assert place is not None
    assert place.label == f"{name}, {country}"
    assert place.precision == "city"


def test_offline_gazetteer_looks_within_the_country(gazetteer):
    rome_it = gazetteer.geocode(address="", city="Rome", postal_code="", country="IT")
    rome_us = gazetteer.geocode(address="", city="Rome", postal_code="", country="US")

    assert rome_it is not None
    assert rome_us is not None
    assert (round(rome_it.latitude), round(rome_it.longitude)) == (42, 13)
    assert rome_us.longitude < 0  # Rome, Georgia: the other side of the ocean
    assert gazetteer.geocode(address="", city="Sofia", postal_code="", country="IT") is None


def test_offline_gazetteer_misses_unknown_places(gazetteer):
    assert gazetteer.geocode(address="", city="Nowhereville", postal_code="", country="IT") is None
    assert gazetteer.geocode(address="", city="Roma", postal_code="", country="XX") is None


def test_geocode_without_a_city_places_nothing():
    assert geocode(address="Via Roma 1", city="  ", country="IT") is None


class FakeNominatim:
    """A loopback server answering Nominatim's /search with the JSON given per query; it
    records each query, so a test sees what was asked."""

    def __init__(self, answer) -> None:
        self.queries: list[dict[str, list[str]]] = []
        self.user_agents: list[str] = []
        self.paths: list[str] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                fake.queries.append(query)
                fake.paths.append(url.path)
                fake.user_agents.append(self.headers.get("User-Agent", ""))
                status, body = answer(url.path, query)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _result(lat: str, lon: str, kind: str, name: str) -> dict:
    return {"lat": lat, "lon": lon, "display_name": name, "addresstype": kind, "type": kind}


def test_nominatim_places_a_street_address_with_a_structured_query():
    def answer(path, query):
        return 200, [_result("41.9028", "12.4964", "road", "Via del Corso 12, Roma, Italia")]

    fake = FakeNominatim(answer)
    try:
        provider = NominatimProvider(url=fake.url, user_agent="fieldservice-tests", timeout=2)
        place = provider.geocode(
            address="Via del Corso 12", city="Roma", postal_code="00186", country="IT"
        )
    finally:
        fake.close()

    assert place == geocoding.Place(41.9028, 12.4964, "street", "Via del Corso 12, Roma, Italia")
    (query,) = fake.queries
    assert query["street"] == ["Via del Corso 12"]
    assert query["city"] == ["Roma"]
    assert query["postalcode"] == ["00186"]
    assert query["countrycodes"] == ["it"]
    assert fake.user_agents == ["fieldservice-tests"]
    assert fake.paths == ["/search"]


def test_nominatim_falls_back_to_the_city_when_the_street_is_unknown():
    def answer(path, query):
        if "street" in query:
            return 200, []
        return 200, [_result("41.89", "12.51", "city", "Roma, Lazio, Italia")]

    fake = FakeNominatim(answer)
    try:
        provider = NominatimProvider(url=fake.url, user_agent="fieldservice-tests", timeout=2)
        place = provider.geocode(
            address="Via Inesistente 9", city="Roma", postal_code="", country="IT"
        )
    finally:
        fake.close()

    assert place is not None
    assert place.precision == "city"
    assert [("street" in q) for q in fake.queries] == [True, False]


@pytest.fixture
def nominatim_settings(settings):
    """GEOCODER=nominatim for one test; the process's provider is built afresh around it."""

    def use(url: str, timeout: float = 2.0):
        settings.GEOCODER = "nominatim"
        settings.GEOCODER_URL = url
        settings.GEOCODER_USER_AGENT = "fieldservice-tests"
        settings.GEOCODER_TIMEOUT_SECONDS = timeout
        geocoding.provider.cache_clear()

    yield use
    geocoding.provider.cache_clear()


def test_the_settings_choose_nominatim(nominatim_settings):
    fake = FakeNominatim(lambda path, query: (200, [_result("45.07", "7.68", "house", "Torino")]))
    try:
        nominatim_settings(fake.url)
        place = geocode(address="Via Po 1", city="Torino", country="IT")
    finally:
        fake.close()

    assert place is not None
    assert (place.latitude, place.precision) == (45.07, "street")
    assert isinstance(geocoding.provider(), NominatimProvider)


def test_a_provider_error_is_not_placed_not_a_crash(nominatim_settings):
    fake = FakeNominatim(lambda path, query: (500, {"error": "overloaded"}))
    try:
        nominatim_settings(fake.url)
        place = geocode(address="Via Po 1", city="Torino", country="IT")
    finally:
        fake.close()

    assert place is None
    assert len(fake.queries) == 1  # no retry while a person waits


def test_a_provider_that_hangs_times_out_as_not_placed(nominatim_settings):
    with SilentServer() as silent:
        nominatim_settings(f"http://127.0.0.1:{silent.port}", timeout=0.5)
        place = geocode(address="Via Po 1", city="Torino", country="IT")

    assert place is None


def test_nominatim_without_a_user_agent_refuses_to_start():
    result = _manage("check", GEOCODER="nominatim", GEOCODER_USER_AGENT="")

    assert result.returncode != 0
    assert "GEOCODER_USER_AGENT" in result.stderr


def test_an_unknown_geocoder_refuses_to_start():
    result = _manage("check", GEOCODER="google")

    assert result.returncode != 0
    assert "GEOCODER must be" in result.stderr
