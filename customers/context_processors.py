"""What the map partial (templates/customers/_map_pin.html) reads on any page."""

from __future__ import annotations

from django.conf import settings


def map_settings(request) -> dict[str, str]:
    return {"MAP_TILES_URL": settings.MAP_TILES_URL, "MAP_CENTER": settings.MAP_CENTER}
