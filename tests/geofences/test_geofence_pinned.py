"""Geofence behaviour that a mutation run (issue 20, docs/MUTATION.md) found no test reaching:
the index's thresholds passed through, ``Fence.from_shape``, iterating an index, and the lines no
test reached (shape refusals, vectorised fix checks, reprs, empty projections)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pytest

from geofences import (
    Decision,
    DecisionResult,
    Fence,
    FenceIndex,
    InvalidFix,
    InvalidGeometry,
    PolygonShape,
)
from geofences.decision import decide, decision_for_distance
from geofences.geodesy import LocalFrame, max_segment_m
from geofences.geometry import _topology_error, parse_geometry

CENTRE = {"type": "Point", "coordinates": [13.405, 52.52]}


@pytest.fixture(scope="module")
def circle() -> Fence:
    return Fence(CENTRE, 50.0, fence_id="site-1", buffer_m=10.0, max_accuracy_m=30.0)


def test_decision_for_distance_uses_the_fence_thresholds_unless_given(circle: Fence) -> None:
    # 12 m with 5 m accuracy: uncertain with the fence's 10 m buffer, inside with 12 m.
    assert decision_for_distance(circle, 12.0, 5.0) == Decision(
        DecisionResult.UNCERTAIN, 12.0, "site-1"
    )
    assert decision_for_distance(circle, 12.0, 5.0, buffer_m=12.0).result == "inside"
    # 40 m accuracy: too coarse for the fence's 30 m limit, usable under a 50 m one.
    assert decision_for_distance(circle, 12.0, 40.0).result == "low_accuracy"
    assert decision_for_distance(circle, 12.0, 40.0, max_accuracy_m=50.0).result == "uncertain"


def test_from_shape_builds_the_same_fence_with_default_thresholds() -> None:
    shape = parse_geometry(CENTRE, 50.0)
    fence = Fence.from_shape(shape)
    assert (fence.fence_id, fence.buffer_m, fence.max_accuracy_m) == (None, 0.0, 100.0)
    assert (fence.kind, fence.across_m) == ("circle", 100.0)
    named = Fence.from_shape(shape, fence_id="f", buffer_m=5.0, max_accuracy_m=20.0)
    assert (named.fence_id, named.buffer_m, named.max_accuracy_m) == ("f", 5.0, 20.0)
    assert named.shape == shape


def test_an_index_iterates_its_fences_in_order(circle: Fence) -> None:
    other = Fence(CENTRE, 20.0, fence_id="site-2")
    index = FenceIndex([circle, other])
    assert [fence.fence_id for fence in index] == ["site-1", "site-2"]
    assert len(index) == 2


@pytest.mark.parametrize(
    ("geometry", "code", "reason"),
    [
        pytest.param(
            {"type": "FeatureCollection", "features": []},
            "wrong_type",
            "unsupported geometry type 'FeatureCollection': expected Polygon, MultiPolygon or "
            "Point with radius_m (a circle) (import a FeatureCollection feature by feature)",
            id="feature-collection",
        ),
        pytest.param(
            {"type": {"name": "Polygon"}, "coordinates": []},
            "wrong_type",
            'geometry "type" must be a string, got an object',
            id="type-object",
        ),
        pytest.param(
            {"type": "Polygon", "coordinates": {"ring": []}},
            "not_an_array",
            "coordinates must be an array of linear rings, got an object",
            id="polygon-object",
        ),
        pytest.param(
            {"type": "Polygon", "coordinates": [5]},
            "not_an_array",
            "coordinates[0] must be a linear ring (an array of positions), got a number (5)",
            id="ring-number",
        ),
        pytest.param(
            {"type": "Polygon", "coordinates": [{1, 2}]},
            "not_an_array",
            "coordinates[0] must be a linear ring (an array of positions), got set",
            id="ring-not-json",
        ),
        pytest.param(
            {"type": "MultiPolygon", "coordinates": [7]},
            "not_an_array",
            "coordinates[0] must be an array of linear rings, got a number (7)",
            id="multipolygon-part-number",
        ),
        pytest.param(
            {"type": "MultiPolygon", "coordinates": "abc"},
            "not_an_array",
            "coordinates must be an array of polygons, got a string ('abc')",
            id="multipolygon-string",
        ),
    ],
)
def test_shape_refusals_name_what_was_found(geometry: object, code: str, reason: str) -> None:
    with pytest.raises(InvalidGeometry) as caught:
        parse_geometry(geometry)
    assert (caught.value.code, caught.value.reason) == (code, reason)


def test_vectorised_distances_refuse_bad_fixes(circle: Fence) -> None:
    with pytest.raises(InvalidFix, match=r"^lats and lons must have the same shape$"):
        circle.distances_m([52.52, 52.53], [13.405])
    bounds = r"^every position must be within lat \[-90, 90\], lon \[-180, 180\]$"
    with pytest.raises(InvalidFix, match=bounds):
        circle.distances_m([90.5], [13.405])
    with pytest.raises(InvalidFix, match=bounds):
        circle.distances_m([52.52], [-180.5])
    assert circle.distances_m([90.0, 52.52], [180.0, 13.405]).shape == (2,)


def test_reprs_name_the_fence_and_the_frame(circle: Fence) -> None:
    assert repr(circle) == (
        "Fence(fence_id='site-1', kind='circle', centroid=(52.520000, 13.405000), across_m=100.0)"
    )
    assert repr(LocalFrame(13.405, 52.52)) == "LocalFrame(lon0=13.405, lat0=52.52)"


def test_projecting_no_positions_gives_empty_arrays() -> None:
    frame = LocalFrame(13.405, 52.52)
    assert [a.tolist() for a in frame.project([], [])] == [[], [], []]
    assert [a.tolist() for a in frame.to_geographic([], [])] == [[], []]


def test_max_segment_at_the_equator_and_the_pole() -> None:
    # No curvature at the equator: the longest piece; at the pole the curvature bound: the shortest.
    assert (max_segment_m(0.0), max_segment_m(90.0), max_segment_m(-90.0)) == (500.0, 20.0, 20.0)


def test_a_topology_reason_without_a_location_is_passed_on_as_it_is() -> None:
    # GEOS puts "[x y]" after every reason it gives today; one without (another GEOS version)
    # still reaches the user, lower-cased, with no location and the generic code.
    error = _topology_error("Nested Something", "coordinates[1]")
    assert (error.code, error.reason) == (
        "invalid_topology",
        "invalid polygon at coordinates[1]: nested something",
    )
    located = _topology_error("Self-intersection[0.5 0.5]", "coordinates")
    assert (located.code, located.reason) == (
        "self_intersection",
        "invalid polygon at coordinates: edges cross or overlap at [lon, lat] = [0.5, 0.5]",
    )


def test_vectorised_distances_take_decimal_positions() -> None:
    # Positions straight from numeric database columns are Decimals; a polygon fence tests them
    # with shapely, which takes floats only (the arrays must be converted first).
    square = Fence(
        {
            "type": "Polygon",
            "coordinates": [
                [[13.40, 52.51], [13.41, 52.51], [13.41, 52.52], [13.40, 52.52], [13.40, 52.51]]
            ],
        }
    )
    lats = np.array([Decimal("52.515"), Decimal("52.53")], dtype=object)
    lons = np.array([Decimal("13.405"), Decimal("13.405")], dtype=object)
    expected = [square.distance_m(52.515, 13.405), square.distance_m(52.53, 13.405)]
    assert expected[0] == 0.0
    assert square.distances_m(lats, lons).tolist() == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda fence: decide(fence, 52.52, 13.405, 5.0, buffer_m=-1),
            "buffer_m must be a finite number >= 0, got -1",
        ),
        (
            lambda fence: decide(fence, 52.52, 13.405, 5.0, max_accuracy_m=0),
            "max_accuracy_m must be a finite number > 0, got 0",
        ),
        (
            lambda fence: decide(fence, 52.52, 13.405, 0),
            "accuracy_m must be a finite number > 0, got 0",
        ),
        (
            lambda fence: FenceIndex([fence]).within(52.52, 13.405, -1.0),
            "max_distance_m must be a finite number >= 0, got -1.0",
        ),
    ],
)
def test_threshold_refusals_name_the_threshold(
    circle: Fence, call: Callable[[Fence], object], message: str
) -> None:
    with pytest.raises(InvalidFix) as caught:
        call(circle)
    assert str(caught.value) == message


def test_half_a_metre_outside_is_not_inside(circle: Fence) -> None:
    # 50.5 m due north of the centre of the 50 m circle.
    lons, lats = LocalFrame(13.405, 52.52).to_geographic([0.0], [50.5])
    lat, lon = float(lats[0]), float(lons[0])
    assert round(circle.distance_m(lat, lon), 6) == 0.5
    assert (circle.contains(lat, lon), circle.contains(52.52, 13.405)) == (False, True)
    index = FenceIndex([circle])
    assert index.containing(lat, lon) == []
    assert [n.fence.fence_id for n in index.containing(52.52, 13.405)] == ["site-1"]


def test_a_long_string_is_shown_cut_at_40_characters() -> None:
    with pytest.raises(InvalidGeometry) as caught:
        parse_geometry("x" * 50)
    assert caught.value.reason == f"geometry must be a GeoJSON object, got a string ('{'x' * 40}')"


def _squares(*corners: tuple[float, float, float]) -> dict[str, object]:
    """A MultiPolygon of squares given as (x, y, side) in hundredths of a degree from 13.4 E,
    52.5 N."""
    polygons = []
    for x, y, side in corners:
        ring = [(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)]
        polygons.append([[[13.4 + px / 100, 52.5 + py / 100] for px, py in ring]])
    return {"type": "MultiPolygon", "coordinates": polygons}


@pytest.mark.parametrize(
    ("squares", "code", "reason"),
    [
        pytest.param(
            [(0, 0, 1), (1, 0, 1)],
            "overlapping_polygons",
            "MultiPolygon polygons coordinates[0] and coordinates[1] overlap or share an edge at "
            "[lon, lat] = [13.41, 52.5]; merge them into one polygon",
            id="shared-edge",
        ),
        pytest.param(
            # 0 and 1 touch at a corner only (allowed); the search goes on to 0 and 2.
            [(0, 0, 1), (1, 1, 1), (0, 1, 1)],
            "overlapping_polygons",
            "MultiPolygon polygons coordinates[0] and coordinates[2] overlap or share an edge at "
            "[lon, lat] = [13.41, 52.51]; merge them into one polygon",
            id="after-a-corner",
        ),
        pytest.param(
            [(0.2, 0.2, 0.5), (0, 0, 2)],
            "nested_shells",
            "MultiPolygon polygons coordinates[0] and coordinates[1] are nested: one lies inside "
            "the other",
            id="first-inside-second",
        ),
    ],
)
def test_multipolygon_parts_that_interact(
    squares: list[tuple[float, float, float]], code: str, reason: str
) -> None:
    with pytest.raises(InvalidGeometry) as caught:
        parse_geometry(_squares(*squares))
    assert (caught.value.code, caught.value.reason) == (code, reason)
    assert isinstance(parse_geometry(_squares((0, 0, 1), (1, 1, 1))), PolygonShape)


def test_invalid_geometry_has_a_generic_code_unless_given_one() -> None:
    assert (InvalidGeometry("bad").code, InvalidGeometry("bad", code="wrong_type").code) == (
        "invalid_geometry",
        "wrong_type",
    )
