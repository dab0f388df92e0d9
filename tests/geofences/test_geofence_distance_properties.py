"""Property tests of fence distances against ``pyproj.Geod``: holes, edges, multipolygons, sizes.

Each property builds a fence from geodesic offsets (so the expected distance is known by
construction) at latitudes from the equator to 80°, and checks ``Fence.distance_m`` against the
API.md contract: within 0.5 % or 1 m of the WGS84 geodesic, whichever is larger. Where the
expected value comes from the brute-force reference of ``conftest.py`` it is also checked there.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geofences import Fence
from tests.geofences.test_geofence_distance import (
    LATITUDES,
    contract_tolerance_m,
    star_fences,
)

props = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

centre_lats = st.builds(
    lambda base, jitter: base + jitter, st.sampled_from(LATITUDES), st.floats(-0.5, 0.5)
)
# Far enough from the antimeridian that no test fence (<= 50 km) or fix comes near it.
centre_lons = st.floats(-178.0, 178.0)


def assert_within_contract(got: float, expected: float) -> None:
    assert abs(got - expected) <= contract_tolerance_m(expected), (got, expected)


def regular_ring(geo, lat: float, lon: float, radius_m: float, count: int, turn: float):
    """A regular ``count``-gon of vertices ``radius_m`` (geodesic) from the centre."""
    return geo.star_ring(lat, lon, radius_m, [1.0] * count, [turn] * count)


def ring_distance_m(geo, ring, lat: float, lon: float) -> float:
    """Geodesic metres from the fix to the ring's edges (its line, not the area it encloses)."""
    return min(geo._edge_distance_m(ring[i], ring[i + 1], lat, lon) for i in range(len(ring) - 1))


# -- holes ------------------------------------------------------------------------------------


@props
@given(
    lat=centre_lats,
    lon=centre_lons,
    outer_m=st.floats(500.0, 24_000.0),
    hole_fraction=st.floats(0.1, 0.6),
    count=st.integers(4, 12),
    turn=st.floats(0.0, 0.9),
    azimuth=st.floats(0.0, 360.0),
    depth=st.floats(0.0, 0.9),
)
def test_a_fix_in_a_hole_is_at_the_geodesic_distance_to_the_hole_ring(
    geo, lat, lon, outer_m, hole_fraction, count, turn, azimuth, depth
) -> None:
    outer = regular_ring(geo, lat, lon, outer_m, count, turn)
    hole_m = hole_fraction * outer_m
    hole = regular_ring(geo, lat, lon, hole_m, count, turn)
    fence = Fence(geo.polygon([outer, hole]))
    # Anywhere within the hole's inscribed circle (apothem) is strictly inside the hole.
    apothem_m = hole_m * math.cos(math.pi / count)
    fix_lon, fix_lat = geo.offset(lat, lon, azimuth, depth * apothem_m)
    reference = geo.reference_distance_m([outer, hole], fix_lat, fix_lon)
    # The fix is outside the fence, and the hole's ring is what it is measured to.
    assert reference > 0.0
    assert reference == ring_distance_m(geo, hole, fix_lat, fix_lon)
    assert reference < ring_distance_m(geo, outer, fix_lat, fix_lon)
    # Bounded by geometry: about the gap to the apothem at least, at most the gap to a vertex.
    assert 0.5 * (1.0 - depth) * apothem_m <= reference <= hole_m * (1.0 + depth) * 1.01
    got = fence.distance_m(fix_lat, fix_lon)
    assert got > 0.0
    assert_within_contract(got, reference)
    assert not fence.contains(fix_lat, fix_lon)


@props
@given(
    lat=centre_lats,
    lon=centre_lons,
    outer_m=st.floats(500.0, 24_000.0),
    hole_fraction=st.floats(0.1, 0.5),
    count=st.integers(4, 12),
    turn=st.floats(0.0, 0.9),
    azimuth=st.floats(0.0, 360.0),
    between=st.floats(0.05, 0.95),
)
def test_a_fix_between_the_hole_and_the_outer_ring_is_at_zero(
    geo, lat, lon, outer_m, hole_fraction, count, turn, azimuth, between
) -> None:
    outer = regular_ring(geo, lat, lon, outer_m, count, turn)
    hole_m = hole_fraction * outer_m
    hole = regular_ring(geo, lat, lon, hole_m, count, turn)
    fence = Fence(geo.polygon([outer, hole]))
    # Between the hole's circumcircle and the outer ring's inscribed circle is solid fence.
    inner_m = hole_m
    outer_apothem_m = outer_m * math.cos(math.pi / count)
    reach_m = inner_m + between * (outer_apothem_m - inner_m)
    fix_lon, fix_lat = geo.offset(lat, lon, azimuth, reach_m)
    assert geo.reference_distance_m([outer, hole], fix_lat, fix_lon) == 0.0
    assert fence.distance_m(fix_lat, fix_lon) == 0.0


# -- on and near edges --------------------------------------------------------------------------


@props
@given(spec=star_fences(), edge=st.integers(0, 23), t=st.floats(0.0, 1.0))
def test_a_fix_on_an_edge_is_at_zero_or_within_a_metre(geo, spec, edge, t) -> None:
    ring = geo.star_ring(spec["lat"], spec["lon"], spec["radius_m"], spec["radii"], spec["jitters"])
    fence = Fence(geo.polygon([ring]))
    i = edge % (len(ring) - 1)
    (lon0, lat0), (lon1, lat1) = ring[i], ring[i + 1]
    # GeoJSON edges are straight in lon/lat, so this point lies on the edge.
    fix_lon, fix_lat = lon0 + t * (lon1 - lon0), lat0 + t * (lat1 - lat0)
    assert 0.0 <= fence.distance_m(fix_lat, fix_lon) <= 1.0


@props
@given(
    spec=star_fences(),
    edge=st.integers(0, 23),
    offset_m=st.one_of(st.floats(0.5, 20.0), st.floats(20.0, 2_000.0)),
)
def test_a_fix_offset_perpendicular_from_an_edge_midpoint_is_at_that_distance(
    geo, spec, edge, offset_m
) -> None:
    # A convex fence (regular polygon), so the outward normal at an edge's midpoint points
    # away from every other edge and the edge's own distance is the fence's.
    count = len(spec["radii"])
    ring = regular_ring(geo, spec["lat"], spec["lon"], spec["radius_m"], count, spec["jitters"][0])
    fence = Fence(geo.polygon([ring]))
    i = edge % count
    (lon0, lat0), (lon1, lat1) = ring[i], ring[i + 1]
    mid_lon, mid_lat = (lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0
    # The edge's own direction at its midpoint (it is a lon/lat line, not a geodesic).
    ahead_lon, ahead_lat = mid_lon + 1e-4 * (lon1 - lon0), mid_lat + 1e-4 * (lat1 - lat0)
    along = float(geo.geod.inv(mid_lon, mid_lat, ahead_lon, ahead_lat)[0])
    # Vertices run clockwise (increasing azimuth), so the outside is to the left of the edge.
    fix_lon, fix_lat = geo.offset(mid_lat, mid_lon, along - 90.0, offset_m)
    got = fence.distance_m(fix_lat, fix_lon)
    assert_within_contract(got, offset_m)
    assert_within_contract(geo.reference_distance_m([ring], fix_lat, fix_lon), offset_m)
    # The same step inward lands inside.
    in_lon, in_lat = geo.offset(
        mid_lat, mid_lon, along + 90.0, min(offset_m, 0.1 * spec["radius_m"])
    )
    assert fence.distance_m(in_lat, in_lon) == 0.0


# -- multipolygons ----------------------------------------------------------------------------


@props
@given(
    lat=centre_lats,
    lon=centre_lons,
    part_m=st.floats(5.0, 4_000.0),
    gap_m=st.floats(1.0, 10_000.0),
    bearing=st.floats(0.0, 360.0),
    fix_azimuth=st.floats(0.0, 360.0),
    fix_reach_m=st.floats(0.0, 25_000.0),
    counts=st.tuples(st.integers(3, 9), st.integers(3, 9)),
)
def test_multipolygon_distance_is_the_minimum_over_its_parts(
    geo, lat, lon, part_m, gap_m, bearing, fix_azimuth, fix_reach_m, counts
) -> None:
    first = regular_ring(geo, lat, lon, part_m, counts[0], 0.0)
    # The second part's centre is far enough along `bearing` that the circumcircles are apart.
    other_lon, other_lat = geo.offset(lat, lon, bearing, 2.0 * part_m + gap_m)
    second = regular_ring(geo, other_lat, other_lon, part_m, counts[1], 0.3)
    fence = Fence(
        {
            "type": "MultiPolygon",
            "coordinates": [[[list(p) for p in first]], [[list(p) for p in second]]],
        }
    )
    fix_lon, fix_lat = geo.offset(lat, lon, fix_azimuth, fix_reach_m)
    to_first = geo.reference_distance_m([first], fix_lat, fix_lon)
    to_second = geo.reference_distance_m([second], fix_lat, fix_lon)
    expected = min(to_first, to_second)
    got = fence.distance_m(fix_lat, fix_lon)
    assert_within_contract(got, expected)
    # Each part on its own agrees with its reference too.
    assert_within_contract(Fence(geo.polygon([first])).distance_m(fix_lat, fix_lon), to_first)
    assert_within_contract(Fence(geo.polygon([second])).distance_m(fix_lat, fix_lon), to_second)
    if expected == 0.0:
        assert got == 0.0


# -- tiny and large fences ----------------------------------------------------------------------


@props
@given(
    lat=centre_lats,
    lon=centre_lons,
    radius_m=st.floats(1.5, 5.0),
    count=st.integers(3, 10),
    azimuth=st.floats(0.0, 360.0),
    beyond_m=st.floats(0.0, 30.0),
)
def test_a_fence_of_a_few_metres(geo, lat, lon, radius_m, count, azimuth, beyond_m) -> None:
    ring = regular_ring(geo, lat, lon, radius_m, count, 0.0)
    fence = Fence(geo.polygon([ring]))
    assert fence.across_m <= 2.0 * radius_m * 1.001
    assert fence.distance_m(lat, lon) == 0.0
    # From the centre's circumcircle outwards; geodesic to the centre minus the radius bounds it.
    fix_lon, fix_lat = geo.offset(lat, lon, azimuth, radius_m + beyond_m)
    reference = geo.reference_distance_m([ring], fix_lat, fix_lon)
    assert beyond_m - 0.01 <= reference <= beyond_m + radius_m + 0.01
    assert_within_contract(fence.distance_m(fix_lat, fix_lon), reference)


@settings(max_examples=10, deadline=None)
@given(
    lat=centre_lats,
    lon=centre_lons,
    count=st.integers(6, 16),
    turn=st.floats(0.0, 0.9),
    azimuth=st.floats(0.0, 360.0),
    reach=st.floats(0.0, 2.5),
)
def test_a_fence_of_about_fifty_kilometres(geo, lat, lon, count, turn, azimuth, reach) -> None:
    radius_m = 24_500.0  # ~49 km across: just inside API.md's 50 km limit
    ring = regular_ring(geo, lat, lon, radius_m, count, turn)
    fence = Fence(geo.polygon([ring]))
    assert 45_000.0 < fence.across_m <= 50_000.0
    fix_lon, fix_lat = geo.offset(lat, lon, azimuth, reach * radius_m)
    reference = geo.reference_distance_m([ring], fix_lat, fix_lon)
    assert_within_contract(fence.distance_m(fix_lat, fix_lon), reference)
