"""Travel-time sources: how long a technician drives between two points.

The default is straight-line (haversine) distance times a road factor over an average speed; a
road-network service can replace it by implementing the same two methods and being named in
settings.FIELDSERVICE["TRAVEL_SOURCE"].
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]  # (latitude, longitude) in degrees


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class TravelTimeSource(Protocol):
    def km(self, a: Point, b: Point) -> float: ...

    def seconds(self, a: Point, b: Point) -> int: ...

    def matrix(self, points: list[Point]) -> np.ndarray:
        """Seconds from every point to every other, as an integer NumPy array."""
        ...


class StraightLineTravel:
    """Haversine km x road factor / average speed; the matrix is computed with NumPy."""

    def __init__(self, speed_kmh: float = 35.0, road_factor: float = 1.3) -> None:
        if speed_kmh <= 0 or road_factor <= 0:
            raise ValueError("speed_kmh and road_factor must be positive")
        self.speed_kmh = speed_kmh
        self.road_factor = road_factor

    def km(self, a: Point, b: Point) -> float:
        return haversine_km(a, b) * self.road_factor

    def seconds(self, a: Point, b: Point) -> int:
        return round(self.km(a, b) / self.speed_kmh * 3600)

    def km_matrix(self, points: list[Point]) -> np.ndarray:
        coords = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
        lat, lon = coords[:, 0][:, None], coords[:, 1][:, None]
        h = (
            np.sin((lat.T - lat) / 2) ** 2
            + np.cos(lat) * np.cos(lat.T) * np.sin((lon.T - lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * self.road_factor

    def matrix(self, points: list[Point]) -> np.ndarray:
        return np.rint(self.km_matrix(points) / self.speed_kmh * 3600).astype(np.int64)


def travel_source() -> TravelTimeSource:
    """The configured source (settings.FIELDSERVICE["TRAVEL_SOURCE"] and its options)."""
    config = settings.FIELDSERVICE
    cls = import_string(config.get("TRAVEL_SOURCE", "dispatch.travel.StraightLineTravel"))
    return cls(**config.get("TRAVEL_OPTIONS", {}))
