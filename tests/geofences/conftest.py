"""Fixtures for the geofences tests: an independent brute-force geodesic reference and shapes.

The reference never uses the package's frame or densification: it walks each GeoJSON edge as
the straight lon/lat line RFC 7946 says it is, measures WGS84 geodesics with ``pyproj.Geod``
and refines the closest sample by golden-section search.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point, Polygon

GEOD = Geod(ellps="WGS84")

Position = tuple[float, float]  # (lon, lat), GeoJSON order
Ring = list[Position]


class Geo:
    """Helpers shared by the tests (a session fixture, so hypothesis tests can use it)."""

    geod = GEOD

    def offset(self, lat: float, lon: float, azimuth_deg: float, distance_m: float) -> Position:
        """The position ``distance_m`` along the geodesic at ``azimuth_deg``: (lon, lat)."""
        out_lon, out_lat, _ = GEOD.fwd(lon, lat, azimuth_deg, distance_m)
        return float(out_lon), float(out_lat)

    def geodesic_m(self, lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])

    def degrees_of_longitude(self, lat: float, distance_m: float) -> float:
        """A generous bound on the longitude span of ``distance_m`` at ``lat`` (not near a pole)."""
        return 1.1 * distance_m / (111_000.0 * math.cos(math.radians(min(abs(lat), 89.0))))

    def star_ring(
        self,
        lat: float,
        lon: float,
        radius_m: float,
        radii: Sequence[float],
        jitters: Sequence[float],
    ) -> Ring:
        """A simple (star-shaped) ring around a centre: vertex i at angle (i + jitter) * 360/n.

        Jitters in [0, 0.9) keep consecutive vertices less than 180° apart around the centre,
        which is what makes a star polygon simple.
        """
        count = len(radii)
        ring = [
            self.offset(lat, lon, (i + jitters[i]) * 360.0 / count, radius_m * radii[i])
            for i in range(count)
        ]
        return [*ring, ring[0]]

    def box_ring(self, west: float, south: float, east: float, north: float) -> Ring:
        return [(west, south), (east, south), (east, north), (west, north), (west, south)]

    def polygon(self, rings: Sequence[Ring]) -> dict[str, object]:
        return {"type": "Polygon", "coordinates": [[list(p) for p in ring] for ring in rings]}

    def reference_distance_m(self, rings: Sequence[Ring], lat: float, lon: float) -> float:
        """Geodesic metres from (lat, lon) to the polygon ``rings`` (exterior first, then holes)."""
        if Polygon(rings[0], rings[1:]).intersects(Point(lon, lat)):
            return 0.0
        return min(
            self._edge_distance_m(ring[i], ring[i + 1], lat, lon)
            for ring in rings
            for i in range(len(ring) - 1)
        )

    def _edge_distance_m(self, start: Position, end: Position, lat: float, lon: float) -> float:
        def at(t: float) -> float:
            return float(
                GEOD.inv(
                    lon, lat, start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
                )[2]
            )

        samples = np.linspace(0.0, 1.0, 33)
        lons = start[0] + samples * (end[0] - start[0])
        lats = start[1] + samples * (end[1] - start[1])
        dists = np.asarray(GEOD.inv(np.full(33, lon), np.full(33, lat), lons, lats)[2])
        k = int(np.argmin(dists))
        low, high = samples[max(0, k - 1)], samples[min(32, k + 1)]
        ratio = (math.sqrt(5.0) - 1.0) / 2.0
        for _ in range(60):
            left = high - ratio * (high - low)
            right = low + ratio * (high - low)
            if at(left) <= at(right):
                high = right
            else:
                low = left
        return min(float(dists[k]), at(0.5 * (low + high)))


@pytest.fixture(scope="session")
def geo() -> Geo:
    return Geo()
