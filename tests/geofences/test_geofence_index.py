"""FenceIndex against brute force: same fence, same distance, for every fix."""

from __future__ import annotations

import math
import random

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geofences import Fence, FenceIndex, NearestFence


def brute_force_nearest(fences: list[Fence], lat: float, lon: float) -> tuple[float, int]:
    """(distance, position) of the nearest fence; ties to the smaller area, then first given."""
    distance, _, position = min(
        (fence.distance_m(lat, lon), fence.area_m2, i) for i, fence in enumerate(fences)
    )
    return distance, position


def brute_force_within(fences: list[Fence], lat: float, lon: float, reach_m: float) -> list[int]:
    found = sorted(
        (fence.distance_m(lat, lon), fence.area_m2, i)
        for i, fence in enumerate(fences)
        if fence.distance_m(lat, lon) <= reach_m
    )
    return [i for _, _, i in found]


def random_fences(
    geo, rng: random.Random, lat: float, lon: float, spread_m: float, count: int
) -> list[Fence]:
    """A mix of circles and star polygons scattered within ``spread_m`` of (lat, lon)."""
    fences = []
    for i in range(count):
        site_lon, site_lat = geo.offset(
            lat, lon, rng.uniform(0.0, 360.0), rng.uniform(0.0, spread_m)
        )
        size_m = rng.uniform(20.0, 600.0)
        # A polygon straddling ±180 would have to be split (see the geometry tests): use a
        # circle there instead.
        straddles = abs(site_lon) + geo.degrees_of_longitude(site_lat, size_m) > 180.0
        if straddles or rng.random() < 0.35:
            geometry: dict[str, object] = {"type": "Point", "coordinates": [site_lon, site_lat]}
            fences.append(Fence(geometry, size_m, fence_id=f"f{i}"))
            continue
        vertices = rng.randint(3, 9)
        ring = geo.star_ring(
            site_lat,
            site_lon,
            size_m,
            [rng.uniform(0.3, 1.0) for _ in range(vertices)],
            [rng.uniform(0.0, 0.89) for _ in range(vertices)],
        )
        fences.append(Fence(geo.polygon([ring]), fence_id=f"f{i}"))
    return fences


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lat=st.sampled_from([0.0, 45.0, 60.0, 80.0, 88.0, -33.9, -60.0, -80.0]),
    lon=st.sampled_from([-179.98, -70.0, 0.0, 13.4, 151.2, 179.98]),
    spread_m=st.sampled_from([500.0, 5_000.0, 40_000.0]),
    count=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_nearest_and_within_match_brute_force(geo, lat, lon, spread_m, count, seed) -> None:
    rng = random.Random(seed)
    fences = random_fences(geo, rng, lat, lon, spread_m, count)
    index = FenceIndex(fences)
    for _ in range(6):
        fix_lon, fix_lat = geo.offset(
            lat, lon, rng.uniform(0.0, 360.0), rng.choice([0.3, 1.0, 1.5, 20.0]) * spread_m
        )
        nearest = index.nearest(fix_lat, fix_lon)
        assert nearest is not None
        distance, position = brute_force_nearest(fences, fix_lat, fix_lon)
        assert (nearest.distance_m, nearest.fence) == (distance, fences[position])
        reach = rng.choice([0.0, 50.0, 0.5 * spread_m])
        got = [fences.index(found.fence) for found in index.within(fix_lat, fix_lon, reach)]
        assert got == brute_force_within(fences, fix_lat, fix_lon, reach)


def test_nearest_in_degrees_is_not_nearest_in_metres_at_high_latitude(geo) -> None:
    # At 80°N a degree of longitude is ~19.4 km and a degree of latitude ~111.7 km.
    lat, lon = 80.0, 20.0
    east = Fence({"type": "Point", "coordinates": [lon + 0.02, lat]}, 5.0, fence_id="east")
    north = Fence({"type": "Point", "coordinates": [lon, lat + 0.006]}, 5.0, fence_id="north")
    index = FenceIndex([north, east])
    # The degree-space tree alone would pick the northern one ...
    tree = shapely.STRtree([shapely.box(*north.bounds), shapely.box(*east.bounds)])
    assert int(tree.query_nearest(Point(lon, lat))[0]) == 0
    # ... but it is ~665 m away while the eastern one is ~383 m away.
    nearest = index.nearest(lat, lon)
    assert nearest is not None
    assert nearest.fence_id == "east"
    expected = geo.geodesic_m(lat, lon, lat, lon + 0.02) - 5.0
    assert nearest.distance_m == pytest.approx(expected, abs=1e-6)
    assert 370.0 < nearest.distance_m < 390.0


def test_overlapping_fences_prefer_the_smallest_then_the_first(geo) -> None:
    lat, lon = 48.85, 2.35
    campus = Fence({"type": "Point", "coordinates": [lon, lat]}, 500.0, fence_id="campus")
    building = Fence({"type": "Point", "coordinates": [lon, lat]}, 50.0, fence_id="building")
    twin = Fence({"type": "Point", "coordinates": [lon, lat]}, 50.0, fence_id="twin")
    index = FenceIndex([campus, building, twin])
    nearest = index.nearest(lat, lon)
    assert nearest == NearestFence(building, 0.0)
    assert [found.fence_id for found in index.containing(lat, lon)] == [
        "building",
        "twin",
        "campus",
    ]
    fix_lon, fix_lat = geo.offset(lat, lon, 90.0, 200.0)
    assert [found.fence_id for found in index.containing(fix_lat, fix_lon)] == ["campus"]
    within = index.within(fix_lat, fix_lon, 160.0)
    assert [found.fence_id for found in within] == ["campus", "building", "twin"]
    assert within[1].distance_m == pytest.approx(150.0, abs=1e-6)


def test_empty_index() -> None:
    index = FenceIndex([])
    assert len(index) == 0
    assert index.nearest(0.0, 0.0) is None
    assert index.within(0.0, 0.0, 1_000.0) == []
    assert index.decide(0.0, 0.0, 10.0) is None


def test_nearest_across_the_antimeridian(geo) -> None:
    across = Fence({"type": "Point", "coordinates": [-179.999, -16.5]}, 10.0, fence_id="across")
    same_side = Fence({"type": "Point", "coordinates": [179.97, -16.5]}, 10.0, fence_id="same")
    index = FenceIndex([same_side, across])
    nearest = index.nearest(-16.5, 179.999)
    assert nearest is not None
    assert nearest.fence_id == "across"
    assert nearest.distance_m == pytest.approx(
        geo.geodesic_m(-16.5, 179.999, -16.5, -179.999) - 10.0
    )


def test_far_away_fix_finds_the_nearest_continent(geo) -> None:
    fences = [
        Fence({"type": "Point", "coordinates": [13.4, 52.5]}, 100.0, fence_id="berlin"),
        Fence({"type": "Point", "coordinates": [-74.0, 40.7]}, 100.0, fence_id="new-york"),
        Fence({"type": "Point", "coordinates": [151.2, -33.9]}, 100.0, fence_id="sydney"),
    ]
    index = FenceIndex(fences)
    nearest = index.nearest(-37.8, 145.0)  # Melbourne
    assert nearest is not None
    assert nearest.fence_id == "sydney"
    assert nearest.distance_m == pytest.approx(geo.geodesic_m(-37.8, 145.0, -33.9, 151.2) - 100.0)
    assert [f.fence_id for f in index.within(-37.8, 145.0, 8_000_000.0)] == ["sydney"]


def test_index_decide_uses_the_nearest_fences_own_thresholds(geo) -> None:
    lat, lon = -33.9, 18.4
    strict = Fence({"type": "Point", "coordinates": [lon, lat]}, 50.0, fence_id="strict")
    lenient_lon, lenient_lat = geo.offset(lat, lon, 90.0, 2_000.0)
    lenient = Fence(
        {"type": "Point", "coordinates": [lenient_lon, lenient_lat]},
        50.0,
        fence_id="lenient",
        buffer_m=100.0,
        max_accuracy_m=500.0,
    )
    index = FenceIndex([strict, lenient])
    fix_lon, fix_lat = geo.offset(lenient_lat, lenient_lon, 0.0, 120.0)  # 70 m out
    decision = index.decide(fix_lat, fix_lon, accuracy_m=200.0)
    assert decision is not None
    assert (decision.result, decision.fence_id, decision.distance_m) == ("inside", "lenient", 70.0)
    fix_lon, fix_lat = geo.offset(lat, lon, 0.0, 120.0)
    decision = index.decide(fix_lat, fix_lon, accuracy_m=200.0)
    assert decision is not None
    assert (decision.result, decision.fence_id, decision.distance_m) == (
        "low_accuracy",
        "strict",
        70.0,
    )


def test_thousands_of_fences_match_brute_force(geo) -> None:
    rng = random.Random(20261122)
    fences = random_fences(geo, rng, 52.5, 13.4, 25_000.0, 2_500)
    index = FenceIndex(fences)
    inside = 0
    for _ in range(25):
        fix_lon, fix_lat = geo.offset(
            52.5, 13.4, rng.uniform(0.0, 360.0), rng.uniform(0.0, 30_000.0)
        )
        nearest = index.nearest(fix_lat, fix_lon)
        assert nearest is not None
        distance, position = brute_force_nearest(fences, fix_lat, fix_lon)
        assert (nearest.distance_m, nearest.fence) == (distance, fences[position])
        inside += distance == 0.0
    assert 0 < inside < 25  # the sample covers both fixes on a site and fixes between sites


def test_within_follows_great_circles_poleward_at_high_latitude(geo) -> None:
    # At 80°N a fence 26° of longitude east on the same parallel is ~500.0 km away, because the
    # geodesic bulges towards the pole; walking the parallel would take 502.6 km. A window sized
    # with the fix's own latitude would span only reach / (a cos 80°) = 25.9° and miss it.
    fix_lat, fix_lon = 80.0, 0.0
    east = Fence({"type": "Point", "coordinates": [26.0, 80.0]}, 5.0, fence_id="east")
    distance = geo.geodesic_m(fix_lat, fix_lon, 80.0, 26.0) - 5.0
    reach = distance + 50.0
    naive_span_deg = math.degrees(1.001 * reach / (6_378_137.0 * math.cos(math.radians(80.0))))
    assert naive_span_deg < 26.0
    index = FenceIndex([east])
    found = index.within(fix_lat, fix_lon, reach)
    assert [(f.fence_id, f.distance_m) for f in found] == [("east", pytest.approx(distance))]
    assert index.within(fix_lat, fix_lon, distance - 50.0) == []


@pytest.mark.parametrize(
    ("lat", "lon", "radius_m"),
    [
        (89.9, 10.0, 20_000.0),  # contains the north pole
        (-89.95, -40.0, 10_000.0),  # contains the south pole
        (60.0, 179.99, 5_000.0),  # straddles the antimeridian
        (0.0, 0.0, 25_000.0),
        (85.0, 100.0, 25_000.0),
    ],
)
def test_circle_bounds_hold_the_whole_circle(geo, lat: float, lon: float, radius_m: float) -> None:
    fence = Fence({"type": "Point", "coordinates": [lon, lat]}, radius_m)
    west, south, east, north = fence.bounds
    for step in range(3_600):
        rim_lon, rim_lat = geo.offset(lat, lon, step / 10.0, radius_m)
        assert south <= rim_lat <= north
        assert west <= rim_lon <= east
    pole = 90.0 if lat > 0 else -90.0
    if geo.geodesic_m(lat, lon, pole, lon) <= radius_m:
        assert (west, east) == (-180.0, 180.0)
        assert pole in (south, north)


def test_fence_round_the_pole_is_found_from_across_it() -> None:
    polar = Fence({"type": "Point", "coordinates": [10.0, 89.9]}, 20_000.0, fence_id="polar")
    elsewhere = Fence({"type": "Point", "coordinates": [-170.0, 89.0]}, 10.0, fence_id="else")
    index = FenceIndex([elsewhere, polar])
    nearest = index.nearest(89.95, -170.0)  # 16.7 km from the centre, across the pole
    assert nearest == NearestFence(polar, 0.0)
