"""Distances from a fix to a fence, checked against an independent WGS84 geodesic brute force.

The contract (API.md) is 0.5 % or 1 m, whichever is larger; the implementation does far better
(centimetres), and the near-range tests hold it to that so a regression shows long before it
breaks the contract.
"""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geofences import Fence, InvalidFix, decide
from geofences.geodesy import LocalFrame

LATITUDES = [0.0, 45.0, 60.0, 80.0, -33.9, -45.0, -60.0, -80.0]

fast = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def contract_tolerance_m(reference_m: float) -> float:
    return max(1.0, 0.005 * reference_m)


def near_tolerance_m(reference_m: float) -> float:
    return 0.02 + 2e-5 * reference_m


@st.composite
def star_fences(draw: st.DrawFn) -> dict[str, object]:
    count = draw(st.integers(3, 24))
    return {
        "lat": draw(st.sampled_from(LATITUDES)) + draw(st.floats(-0.5, 0.5)),
        "lon": draw(st.floats(-170.0, 170.0)),
        "radius_m": 10 ** draw(st.floats(0.5, math.log10(24_000.0))),
        "radii": draw(st.lists(st.floats(0.3, 1.0), min_size=count, max_size=count)),
        "jitters": draw(st.lists(st.floats(0.0, 0.89), min_size=count, max_size=count)),
    }


@fast
@given(spec=star_fences(), azimuth=st.floats(0.0, 360.0), reach=st.floats(0.0, 3.0))
def test_polygon_distance_matches_geodesic_brute_force(geo, spec, azimuth, reach) -> None:
    ring = geo.star_ring(spec["lat"], spec["lon"], spec["radius_m"], spec["radii"], spec["jitters"])
    fence = Fence(geo.polygon([ring]))
    lon, lat = geo.offset(spec["lat"], spec["lon"], azimuth, reach * spec["radius_m"])
    reference = geo.reference_distance_m([ring], lat, lon)
    assert abs(fence.distance_m(lat, lon) - reference) <= near_tolerance_m(reference)


@settings(max_examples=25, deadline=None)
@given(
    spec=star_fences(),
    azimuth=st.floats(0.0, 360.0),
    distance_m=st.sampled_from([150e3, 400e3, 1.5e6, 8e6, 19.5e6]),
)
def test_distant_fixes_match_geodesic_brute_force(geo, spec, azimuth, distance_m) -> None:
    ring = geo.star_ring(spec["lat"], spec["lon"], spec["radius_m"], spec["radii"], spec["jitters"])
    fence = Fence(geo.polygon([ring]))
    lon, lat = geo.offset(spec["lat"], spec["lon"], azimuth, distance_m)
    reference = geo.reference_distance_m([ring], lat, lon)
    error = abs(fence.distance_m(lat, lon) - reference)
    assert error <= contract_tolerance_m(reference)
    assert error <= max(0.1, 1e-4 * reference)


@settings(max_examples=60, deadline=None)
@given(
    lat=st.sampled_from(LATITUDES),
    lon=st.floats(-179.0, 179.0),
    radius_m=st.floats(1.0, 25_000.0),
    azimuth=st.floats(0.0, 360.0),
    beyond_m=st.floats(-1.0, 5_000.0),
)
def test_circle_distance_is_the_gap_beyond_the_rim(
    geo, lat, lon, radius_m, azimuth, beyond_m
) -> None:
    fence = Fence({"type": "Point", "coordinates": [lon, lat]}, radius_m)
    beyond_m = max(beyond_m, -radius_m)
    fix_lon, fix_lat = geo.offset(lat, lon, azimuth, radius_m + beyond_m)
    expected = max(0.0, beyond_m)
    assert fence.distance_m(fix_lat, fix_lon) == pytest.approx(expected, abs=1.01e-3)


def test_fix_in_a_hole_is_outside_and_measured_to_the_hole_edge(geo) -> None:
    outer = geo.box_ring(10.0, 60.0, 10.02, 60.02)
    hole = geo.box_ring(10.005, 60.005, 10.015, 60.015)
    fence = Fence(geo.polygon([outer, hole]))
    lat, lon = 60.01, 10.01  # the middle of the hole
    reference = geo.reference_distance_m([outer, hole], lat, lon)
    # The hole's east/west edges are 0.005° of longitude away: ~278 m at 60°, nearer than the
    # 556 m to its north/south edges.
    assert 276.0 < reference < 280.0
    assert fence.distance_m(lat, lon) == pytest.approx(reference, abs=near_tolerance_m(reference))
    assert not fence.contains(lat, lon)
    assert decide(fence, lat, lon, accuracy_m=20.0).result == "outside"
    assert decide(fence, lat, lon, accuracy_m=100.0, buffer_m=200.0).result == "uncertain"
    # Between the hole and the outer ring is inside.
    assert fence.distance_m(60.0025, 10.01) == 0.0
    # On the hole's edge counts as on the boundary.
    assert fence.distance_m(60.005, 10.01) == 0.0


def test_points_on_edges_and_vertices_are_at_distance_zero(geo) -> None:
    ring = [(13.40, 52.52), (13.43, 52.52), (13.42, 52.55), (13.40, 52.53), (13.40, 52.52)]
    fence = Fence(geo.polygon([ring]))
    for lon, lat in ring:
        assert fence.distance_m(lat, lon) == 0.0
    assert fence.distance_m(52.52, 13.415) == 0.0  # along the south edge
    # A third of the way along the sloping east edge, as the straight lon/lat line it is.
    lon = 13.43 + (13.42 - 13.43) / 3.0
    lat = 52.52 + (52.55 - 52.52) / 3.0
    assert fence.distance_m(lat, lon) == 0.0
    decision = decide(fence, lat, lon, accuracy_m=5.0, buffer_m=0.0)
    assert (decision.result, decision.distance_m) == ("inside", 0.0)


def test_points_just_off_an_edge(geo) -> None:
    fence = Fence(geo.polygon([geo.box_ring(13.40, 52.52, 13.41, 52.53)]))
    north_lon, north_lat = geo.offset(52.53, 13.405, 0.0, 0.5)
    assert fence.distance_m(north_lat, north_lon) == pytest.approx(0.5, abs=0.005)
    inside_lon, inside_lat = geo.offset(52.53, 13.405, 180.0, 0.5)
    assert fence.distance_m(inside_lat, inside_lon) == 0.0
    assert decide(fence, north_lat, north_lon, accuracy_m=1.0).result == "uncertain"
    assert decide(fence, north_lat, north_lon, accuracy_m=0.4).result == "outside"
    # A metre off the sloping edge of a triangle, perpendicular to it.
    ring = [(13.40, 52.52), (13.43, 52.52), (13.40, 52.55), (13.40, 52.52)]
    triangle = Fence(geo.polygon([ring]))
    mid_lon, mid_lat = 13.415, 52.535
    edge_azimuth = geo.geod.inv(mid_lon, mid_lat, 13.40, 52.55)[0]
    off_lon, off_lat = geo.offset(mid_lat, mid_lon, edge_azimuth + 90.0, 1.0)
    reference = geo.reference_distance_m([ring], off_lat, off_lon)
    assert reference == pytest.approx(1.0, abs=0.01)
    assert triangle.distance_m(off_lat, off_lon) == pytest.approx(reference, abs=0.005)


def test_tiny_fence_of_a_few_metres(geo) -> None:
    # ~3 m x 3 m at 45°N: 0.00004° of longitude is 3.15 m there, 0.000027° of latitude 3.0 m.
    ring = geo.box_ring(7.0, 45.0, 7.00004, 45.000027)
    fence = Fence(geo.polygon([ring]))
    assert 4.0 < fence.across_m < 4.5
    assert fence.distance_m(45.0000135, 7.00002) == 0.0
    lon, lat = geo.offset(45.0000135, 7.00004, 90.0, 2.0)
    assert fence.distance_m(lat, lon) == pytest.approx(2.0, abs=0.005)
    assert fence.distance_m(lat, lon) == pytest.approx(
        geo.reference_distance_m([ring], lat, lon), abs=0.005
    )


def test_large_fence_edges_are_lon_lat_lines_not_geodesics(geo) -> None:
    # ~40 km wide at 80°N. Its north edge is the parallel 80.2°N (RFC 7946: straight in
    # lon/lat); the geodesic between its corners would bulge ~178 m further north.
    ring = geo.box_ring(20.0, 80.0, 22.07, 80.2)
    fence = Fence(geo.polygon([ring]))
    assert 45_000.0 < fence.across_m < 50_000.0
    lon, lat = geo.offset(80.2, 21.035, 0.0, 100.0)
    assert fence.distance_m(lat, lon) == pytest.approx(100.0, abs=0.02)
    assert fence.distance_m(80.2, 21.035) == 0.0
    corner_lon, corner_lat = geo.offset(80.0, 20.0, 225.0, 1_000.0)
    assert fence.distance_m(corner_lat, corner_lon) == pytest.approx(1_000.0, abs=0.05)


def test_fence_split_at_the_antimeridian(geo) -> None:
    west = geo.box_ring(179.99, -16.02, 180.0, -16.0)
    east = geo.box_ring(-180.0, -16.02, -179.99, -16.0)
    fence = Fence(
        {
            "type": "MultiPolygon",
            "coordinates": [[[list(p) for p in west]], [[list(p) for p in east]]],
        }
    )
    assert fence.distance_m(-16.01, 179.995) == 0.0
    assert fence.distance_m(-16.01, -179.995) == 0.0
    lon, lat = geo.offset(-16.01, -179.99, 90.0, 100.0)
    assert fence.distance_m(lat, lon) == pytest.approx(100.0, abs=0.01)
    lon, lat = geo.offset(-16.01, 179.99, 270.0, 250.0)
    assert fence.distance_m(lat, lon) == pytest.approx(250.0, abs=0.01)
    assert fence.across_m == pytest.approx(geo.geodesic_m(-16.0, 179.99, -16.02, -179.99), rel=1e-4)
    assert abs(fence.centroid.lon) == pytest.approx(180.0, abs=1e-6)


def test_local_frame_is_proj_aeqd() -> None:
    frame = LocalFrame(13.4, 52.5)
    aeqd = pyproj.Transformer.from_crs(
        "EPSG:4326",
        pyproj.CRS.from_proj4("+proj=aeqd +lat_0=52.5 +lon_0=13.4 +ellps=WGS84 +units=m"),
        always_xy=True,
    )
    lons = np.array([13.4, 13.41, 12.0, 15.5, 13.4, 9.0])
    lats = np.array([52.5, 52.51, 52.0, 53.9, 50.0, 55.0])
    xs, ys = frame.to_local(lons, lats)
    proj_x, proj_y = aeqd.transform(lons, lats)
    np.testing.assert_allclose(xs, proj_x, atol=1e-6)
    np.testing.assert_allclose(ys, proj_y, atol=1e-6)
    back_lons, back_lats = frame.to_geographic(xs, ys)
    np.testing.assert_allclose(back_lons, lons, atol=1e-10)
    np.testing.assert_allclose(back_lats, lats, atol=1e-10)


def test_vectorised_distances_equal_scalar_ones(geo) -> None:
    outer = geo.star_ring(-33.9, 18.4, 3_000.0, [1.0, 0.5, 0.9, 0.6, 1.0, 0.4], [0.1] * 6)
    hole = geo.star_ring(-33.9, 18.4, 300.0, [1.0, 1.0, 1.0, 1.0], [0.0] * 4)
    polygon_fence = Fence(geo.polygon([outer, hole]))
    circle_fence = Fence({"type": "Point", "coordinates": [18.4, -33.9]}, 500.0)
    lats = np.array([-33.9, -33.91, -33.95, -34.2, -30.0, 10.0, -33.9003])
    lons = np.array([18.4, 18.41, 18.5, 18.9, 20.0, -60.0, 18.4])
    for fence in (polygon_fence, circle_fence):
        expected = np.array(
            [fence.distance_m(lat, lon) for lat, lon in zip(lats, lons, strict=True)]
        )
        got = fence.distances_m(lats, lons)
        # numpy's and libm's sin/cos may differ in the last bit; zeros must agree exactly.
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0.0)
        np.testing.assert_array_equal(got == 0.0, expected == 0.0)
    # The hole is a diamond with 300 m half-diagonals: its edges are 212.1 m from its centre.
    assert polygon_fence.distance_m(-33.9, 18.4) == pytest.approx(300.0 / math.sqrt(2.0), abs=0.01)
    assert polygon_fence.distance_m(-33.91, 18.41) == 0.0
    assert circle_fence.distance_m(-33.9003, 18.4) == 0.0


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(91.0, 0.0), (-90.5, 0.0), (0.0, 180.01), (math.nan, 0.0), (0.0, math.inf), ("1", 0.0)],
)
def test_out_of_range_fix_is_refused(lat: object, lon: object) -> None:
    fence = Fence({"type": "Point", "coordinates": [0.0, 0.0]}, 10.0)
    with pytest.raises(InvalidFix):
        fence.distance_m(lat, lon)
