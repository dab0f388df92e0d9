"""Geodesic area and centroid of fences, against closed forms on the WGS84 ellipsoid."""

from __future__ import annotations

import math

import pytest

from geofences import Fence, LatLon

WGS84_A = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_B = WGS84_A * (1.0 - WGS84_F)


def lon_lat_rectangle_area_m2(west: float, south: float, east: float, north: float) -> float:
    """Exact ellipsoidal area between two parallels and two meridians (authalic integral)."""
    e = math.sqrt(WGS84_E2)

    def zone(lat: float) -> float:
        s = math.sin(math.radians(lat))
        return s / (1.0 - WGS84_E2 * s * s) + math.log((1.0 + e * s) / (1.0 - e * s)) / (2.0 * e)

    return math.radians(east - west) * WGS84_B**2 / 2.0 * (zone(north) - zone(south))


@pytest.mark.parametrize(
    ("west", "south", "east", "north"),
    [
        (13.40, 52.52, 13.41, 52.53),  # ~680 m x 1.1 km, Berlin
        (-0.1, -0.1, 0.1, 0.1),  # ~22 km square on the equator
        (20.0, 80.0, 22.07, 80.2),  # ~40 km x 22 km at 80°N: parallels differ from geodesics
        (-70.0, -54.9, -69.8, -54.8),  # Tierra del Fuego
    ],
)
def test_rectangle_area_matches_closed_form(geo, west, south, east, north) -> None:
    fence = Fence(geo.polygon([geo.box_ring(west, south, east, north)]))
    assert fence.area_m2 == pytest.approx(
        lon_lat_rectangle_area_m2(west, south, east, north), rel=1e-6
    )


def test_hole_area_is_subtracted_and_multipolygon_parts_add_up(geo) -> None:
    outer = geo.box_ring(10.0, 60.0, 10.02, 60.02)
    hole = geo.box_ring(10.005, 60.005, 10.015, 60.015)
    donut = Fence(geo.polygon([outer, hole]))
    expected = lon_lat_rectangle_area_m2(10.0, 60.0, 10.02, 60.02) - lon_lat_rectangle_area_m2(
        10.005, 60.005, 10.015, 60.015
    )
    assert donut.area_m2 == pytest.approx(expected, rel=1e-6)
    far_part = geo.box_ring(10.1, 60.0, 10.11, 60.01)
    multi = Fence(
        {
            "type": "MultiPolygon",
            "coordinates": [
                [[list(p) for p in outer], [list(p) for p in hole]],
                [[list(p) for p in far_part]],
            ],
        }
    )
    assert multi.area_m2 == pytest.approx(
        expected + lon_lat_rectangle_area_m2(10.1, 60.0, 10.11, 60.01), rel=1e-6
    )


@pytest.mark.parametrize("radius_m", [5.0, 100.0, 25_000.0])
def test_circle_area(radius_m: float) -> None:
    fence = Fence({"type": "Point", "coordinates": [2.35, 48.85]}, radius_m)
    # On a curved surface a geodesic disc is smaller than pi r^2 by ~ r^2 / (12 R^2): 1.3e-6 of
    # it at 25 km, below this tolerance.
    assert fence.area_m2 == pytest.approx(math.pi * radius_m**2, rel=5e-6)


def test_circle_centroid_is_its_centre() -> None:
    fence = Fence({"type": "Point", "coordinates": [-122.42, 37.77]}, 150.0)
    assert fence.centroid == LatLon(lat=37.77, lon=-122.42)
    assert fence.centroid._asdict() == {"lat": 37.77, "lon": -122.42}


def test_rectangle_centroid_is_its_middle(geo) -> None:
    fence = Fence(geo.polygon([geo.box_ring(13.40, 52.52, 13.42, 52.53)]))
    assert fence.centroid.lon == pytest.approx(13.41, abs=1e-9)
    # More area lies on the equator side of a parallel-bounded cell, so its centroid sits a
    # hair (~0.1 m here) south of the middle latitude.
    assert 52.525 - 1e-5 < fence.centroid.lat < 52.525


def test_l_shaped_centroid(geo) -> None:
    # Three 0.01° cells at the equator (nearly square in metres there) with centres at
    # (0.5, 0.5), (1.5, 0.5) and (0.5, 1.5) cells: the centroid is their mean, (5/6, 5/6).
    ring = [
        (0.0, 0.0),
        (0.02, 0.0),
        (0.02, 0.01),
        (0.01, 0.01),
        (0.01, 0.02),
        (0.0, 0.02),
        (0.0, 0.0),
    ]
    fence = Fence(geo.polygon([ring]))
    assert fence.centroid.lon == pytest.approx(0.01 * 5.0 / 6.0, abs=2e-7)
    assert fence.centroid.lat == pytest.approx(0.01 * 5.0 / 6.0, abs=2e-7)
