"""GeoJSON parsing and validation: what is accepted, and the exact reason for each rejection."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
import shapely

from geofences import (
    MAX_POSITIONS,
    CircleShape,
    Fence,
    InvalidGeometry,
    PolygonShape,
    parse_geometry,
)

SQUARE = [[13.40, 52.52], [13.41, 52.52], [13.41, 52.53], [13.40, 52.53], [13.40, 52.52]]
HOLE = [[13.402, 52.522], [13.402, 52.528], [13.408, 52.528], [13.408, 52.522], [13.402, 52.522]]


def polygon(*rings: list[list[float]]) -> dict[str, object]:
    return {"type": "Polygon", "coordinates": list(rings)}


def with_position(index: int, position: object) -> dict[str, object]:
    ring: list[object] = [list(p) for p in SQUARE]
    ring[index] = position
    return {"type": "Polygon", "coordinates": [ring]}


def test_polygon_with_hole_is_parsed_in_lon_lat_order() -> None:
    shape = parse_geometry(polygon(SQUARE, HOLE))
    assert isinstance(shape, PolygonShape)
    assert shape.geometry.bounds == (13.40, 52.52, 13.41, 52.53)
    assert len(shape.geometry.interiors) == 1
    assert shapely.is_valid(shape.geometry)


def test_multipolygon_and_altitude_are_accepted() -> None:
    east = [[13.5 + lon - 13.4, lat, 34.0] for lon, lat in SQUARE]
    shape = parse_geometry({"type": "MultiPolygon", "coordinates": [[SQUARE, HOLE], [east]]})
    assert isinstance(shape, PolygonShape)
    assert shape.geometry.geom_type == "MultiPolygon"
    assert len(shape.geometry.geoms) == 2
    assert shapely.get_coordinates(shape.geometry.geoms[1]).max(axis=0)[0] == pytest.approx(13.51)


def test_point_with_radius_is_a_circle() -> None:
    shape = parse_geometry({"type": "Point", "coordinates": [13.4, 52.5]}, 75)
    assert shape == CircleShape(lon=13.4, lat=52.5, radius_m=75.0)


def test_decimal_and_integer_coordinates_are_numbers() -> None:
    ring = [[Decimal("13.40"), 52], [Decimal("13.41"), 52], [13.41, 53], [13.40, 53]]
    shape = parse_geometry(polygon([*ring, ring[0]]))
    assert isinstance(shape, PolygonShape)
    assert shape.geometry.bounds == (13.40, 52.0, 13.41, 53.0)


def test_invalid_geometry_is_a_value_error_carrying_its_reason() -> None:
    with pytest.raises(ValueError) as caught:
        parse_geometry({"type": "Point", "coordinates": [0, 0]})
    assert isinstance(caught.value, InvalidGeometry)
    assert caught.value.reason == str(caught.value)
    assert caught.value.code == "missing_radius"


REJECTIONS = [
    pytest.param(
        [1, 2], None, "wrong_type", "geometry must be a GeoJSON object, got an array", id="array"
    ),
    pytest.param(
        {"coordinates": []}, None, "wrong_type", 'geometry has no "type" member', id="no-type"
    ),
    pytest.param(
        {"type": 7, "coordinates": []},
        None,
        "wrong_type",
        'geometry "type" must be a string, got a number (7)',
        id="type-not-string",
    ),
    pytest.param(
        {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
        None,
        "wrong_type",
        "unsupported geometry type 'LineString': expected Polygon, MultiPolygon or Point with "
        "radius_m (a circle)",
        id="linestring",
    ),
    pytest.param(
        {"type": "Feature", "geometry": None},
        None,
        "wrong_type",
        "unsupported geometry type 'Feature': expected Polygon, MultiPolygon or Point with "
        "radius_m (a circle) (pass the feature's geometry, not the feature)",
        id="feature",
    ),
    pytest.param(
        {"type": "Polygon"},
        None,
        "empty_geometry",
        'Polygon geometry has no "coordinates" member',
        id="no-coordinates",
    ),
    pytest.param(
        polygon(),
        None,
        "empty_geometry",
        "coordinates is empty: a polygon needs an exterior ring",
        id="empty-polygon",
    ),
    pytest.param(
        {"type": "MultiPolygon", "coordinates": []},
        None,
        "empty_geometry",
        "MultiPolygon coordinates are empty",
        id="empty-multipolygon",
    ),
    pytest.param(
        {"type": "Polygon", "coordinates": [[]]},
        None,
        "too_few_positions",
        "linear ring coordinates[0] has 0 positions; a ring needs at least 4 (three corners and "
        "the first repeated at the end)",
        id="empty-ring",
    ),
    pytest.param(
        polygon([[0, 0], [1, 0], [0, 0]]),
        None,
        "too_few_positions",
        "linear ring coordinates[0] has 3 positions; a ring needs at least 4 (three corners and "
        "the first repeated at the end)",
        id="three-positions",
    ),
    pytest.param(
        polygon([[0, 0], [0.01, 0], [0.01, 0.01], [0, 0.01]]),
        None,
        "unclosed_ring",
        "linear ring coordinates[0] is not closed: its first position [0.0, 0.0] differs from "
        "its last [0.0, 0.01]",
        id="unclosed",
    ),
    pytest.param(
        polygon(SQUARE, [[13.402, 52.522], [13.402, 52.528], [13.408, 52.528], [13.402, 52.523]]),
        None,
        "unclosed_ring",
        "linear ring coordinates[1] is not closed: its first position [13.402, 52.522] differs "
        "from its last [13.402, 52.523]",
        id="unclosed-hole",
    ),
    pytest.param(
        polygon([[0, 0], [0.01, 0], [0.01, 0], [0, 0]]),
        None,
        "too_few_positions",
        "linear ring coordinates[0] has fewer than 3 distinct positions",
        id="two-distinct",
    ),
    pytest.param(
        polygon([[0.1, 0.2], [0.3, 0.6], [0.5, 1.0], [0.1, 0.2]]),
        None,
        "zero_area",
        "linear ring coordinates[0] encloses no area (its positions lie on one line)",
        id="collinear",
    ),
    pytest.param(
        with_position(2, "13.41,52.53"),
        None,
        "not_an_array",
        "coordinates[0][2] must be a position [lon, lat], got a string ('13.41,52.53')",
        id="position-string",
    ),
    pytest.param(
        with_position(2, [13.41]),
        None,
        "bad_position",
        "coordinates[0][2] must have 2 or 3 numbers ([lon, lat] or [lon, lat, altitude]), got 1",
        id="position-short",
    ),
    pytest.param(
        with_position(2, [13.41, 52.53, 0, 0]),
        None,
        "bad_position",
        "coordinates[0][2] must have 2 or 3 numbers ([lon, lat] or [lon, lat, altitude]), got 4",
        id="position-long",
    ),
    pytest.param(
        with_position(2, [13.41, "52.53"]),
        None,
        "not_a_number",
        "coordinates[0][2][1] must be a number, got a string ('52.53')",
        id="string-number",
    ),
    pytest.param(
        with_position(2, [True, 52.53]),
        None,
        "not_a_number",
        "coordinates[0][2][0] must be a number, got a boolean",
        id="boolean",
    ),
    pytest.param(
        with_position(2, [13.41, None]),
        None,
        "not_a_number",
        "coordinates[0][2][1] must be a number, got null",
        id="null",
    ),
    pytest.param(
        with_position(2, [13.41, 52.53, "high"]),
        None,
        "not_a_number",
        "coordinates[0][2][2] must be a number, got a string ('high')",
        id="altitude-string",
    ),
    pytest.param(
        with_position(1, [math.nan, 52.52]),
        None,
        "not_finite",
        "coordinates[0][1][0] is not a finite number (nan)",
        id="nan",
    ),
    pytest.param(
        with_position(1, [13.41, -math.inf]),
        None,
        "not_finite",
        "coordinates[0][1][1] is not a finite number (-inf)",
        id="infinity",
    ),
    pytest.param(
        with_position(1, [13.41, 10**400]),
        None,
        "not_finite",
        f"coordinates[0][1][1] is not a finite number ({10**400!r})",
        id="huge-int",
    ),
    pytest.param(
        with_position(1, [13.41, 213.41]),
        None,
        "out_of_range",
        "latitude 213.41 at coordinates[0][1] is out of range [-90, 90]",
        id="latitude",
    ),
    pytest.param(
        with_position(1, [52.52, 91.0]),
        None,
        "out_of_range",
        "latitude 91 at coordinates[0][1] is out of range [-90, 90] (positions are [lon, lat], "
        "not [lat, lon])",
        id="latitude-swapped",
    ),
    pytest.param(
        with_position(1, [180.5, 52.52]),
        None,
        "out_of_range",
        "longitude 180.5 at coordinates[0][1] is out of range [-180, 180]",
        id="longitude",
    ),
    pytest.param(
        polygon([[13.40, 52.52], [13.41, 52.53], [13.41, 52.52], [13.40, 52.53], [13.40, 52.52]]),
        None,
        "self_intersection",
        "invalid polygon at coordinates: edges cross or overlap at [lon, lat] = [13.405, 52.525]",
        id="bowtie",
    ),
    pytest.param(
        polygon([[0, 0], [0.4, 0], [0.4, 0.4], [0.2, 0], [0, 0.4], [0, 0]]),
        None,
        "ring_self_intersection",
        "invalid polygon at coordinates: a ring touches itself at [lon, lat] = [0.2, 0]",
        id="ring-touches-itself",
    ),
    pytest.param(
        polygon(SQUARE, [[13.5, 52.5], [13.51, 52.5], [13.51, 52.51], [13.5, 52.5]]),
        None,
        "hole_outside_shell",
        "invalid polygon at coordinates: a hole lies outside the exterior ring at "
        "[lon, lat] = [13.5, 52.5]",
        id="hole-outside",
    ),
    pytest.param(
        polygon(
            [[0, 0], [0.4, 0], [0.4, 0.4], [0, 0.4], [0, 0]],
            [[0, 0.2], [0.2, 0], [0.4, 0.2], [0.2, 0.4], [0, 0.2]],
        ),
        None,
        "disconnected_interior",
        "invalid polygon at coordinates: holes cut the polygon into separate pieces at "
        "[lon, lat] = [0.2, 0]",
        id="hole-cuts-polygon",
    ),
    pytest.param(
        polygon(
            SQUARE, HOLE, [[13.404, 52.524], [13.405, 52.524], [13.405, 52.525], [13.404, 52.524]]
        ),
        None,
        "nested_holes",
        "invalid polygon at coordinates: a hole lies inside another hole at "
        "[lon, lat] = [13.404, 52.524]",
        id="nested-holes",
    ),
    pytest.param(
        {
            "type": "MultiPolygon",
            "coordinates": [
                [[[0, 0], [0.2, 0], [0.2, 0.2], [0, 0.2], [0, 0]]],
                [[[0.1, 0.1], [0.3, 0.1], [0.3, 0.3], [0.1, 0.3], [0.1, 0.1]]],
            ],
        },
        None,
        "overlapping_polygons",
        "MultiPolygon polygons coordinates[0] and coordinates[1] overlap or share an edge at "
        "[lon, lat] = [0.1, 0.2]; merge them into one polygon",
        id="multipolygon-overlap",
    ),
    pytest.param(
        {
            "type": "MultiPolygon",
            "coordinates": [
                [[[0, 0], [0.2, 0], [0.2, 0.2], [0, 0.2], [0, 0]]],
                [[[0.05, 0.05], [0.1, 0.05], [0.1, 0.1], [0.05, 0.1], [0.05, 0.05]]],
            ],
        },
        None,
        "nested_shells",
        "MultiPolygon polygons coordinates[0] and coordinates[1] are nested: one lies inside "
        "the other",
        id="multipolygon-nested",
    ),
    pytest.param(
        {
            "type": "MultiPolygon",
            "coordinates": [[SQUARE], [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]],
        },
        None,
        "self_intersection",
        "invalid polygon at coordinates[1]: edges cross or overlap at [lon, lat] = [0.5, 0.5]",
        id="multipolygon-part-bowtie",
    ),
    pytest.param(
        polygon([[179.9, 0], [-179.9, 0], [-179.9, 0.1], [179.9, 0.1], [179.9, 0]]),
        None,
        "crosses_antimeridian",
        "the polygon at coordinates spans 359.8 degrees of longitude; a geofence that crosses "
        "the antimeridian must be split there into a MultiPolygon (RFC 7946 section 3.1.9)",
        id="antimeridian",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [13.4, 52.5]},
        None,
        "missing_radius",
        "a Point geometry needs radius_m (metres) to describe a circle",
        id="point-without-radius",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [13.4, 52.5]},
        0,
        "invalid_radius",
        "radius_m must be greater than 0, got 0",
        id="radius-zero",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [13.4, 52.5]},
        -5.0,
        "invalid_radius",
        "radius_m must be greater than 0, got -5",
        id="radius-negative",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [13.4, 52.5]},
        "50",
        "not_a_number",
        "radius_m must be a number, got a string ('50')",
        id="radius-string",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [13.4, 52.5]},
        math.nan,
        "not_finite",
        "radius_m is not a finite number (nan)",
        id="radius-nan",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [13.4, 52.5]},
        25_000.5,
        "too_large",
        "circle is 50001 m across (radius_m 25000.5); a geofence may be at most 50000 m across",
        id="circle-too-large",
    ),
    pytest.param(
        {"type": "Point", "coordinates": [113.4, -95.0]},
        50,
        "out_of_range",
        "latitude -95 at coordinates is out of range [-90, 90]",
        id="point-latitude",
    ),
    pytest.param(
        polygon(SQUARE),
        30,
        "unexpected_radius",
        "radius_m applies only to a Point (a circle), not to a Polygon",
        id="radius-on-polygon",
    ),
]


@pytest.mark.parametrize(("geometry", "radius_m", "code", "reason"), REJECTIONS)
def test_rejection_reason(geometry: object, radius_m: object, code: str, reason: str) -> None:
    with pytest.raises(InvalidGeometry) as caught:
        parse_geometry(geometry, radius_m)
    assert (caught.value.code, caught.value.reason) == (code, reason)


def test_too_many_positions_is_refused() -> None:
    ring = [[13.4 + 0.001 * math.cos(t), 52.5 + 0.001 * math.sin(t)] for t in range(MAX_POSITIONS)]
    with pytest.raises(InvalidGeometry) as caught:
        parse_geometry(polygon([*ring, ring[0]]))
    assert caught.value.code == "too_many_positions"
    assert caught.value.reason == (
        f"geometry has more than {MAX_POSITIONS} positions; simplify the boundary"
    )


def test_circle_of_exactly_50_km_across_is_accepted() -> None:
    fence = Fence({"type": "Point", "coordinates": [13.4, 52.5]}, 25_000)
    assert fence.across_m == 50_000.0


def test_polygon_just_under_50_km_across_is_accepted_and_just_over_is_not(geo) -> None:
    # A thin triangle along a meridian: its diameter is the geodesic between its tips.
    def triangle(length_m: float) -> dict[str, object]:
        north = geo.offset(45.0, 7.0, 0.0, length_m)
        east = geo.offset(45.0, 7.0, 90.0, 100.0)
        return polygon([[7.0, 45.0], list(east), list(north), [7.0, 45.0]])

    assert Fence(triangle(49_950.0)).across_m == pytest.approx(49_950.0, abs=0.5)
    with pytest.raises(InvalidGeometry) as caught:
        Fence(triangle(50_050.0))
    assert (caught.value.code, caught.value.reason) == (
        "too_large",
        "geofence is 50051 m across; a geofence may be at most 50000 m across",
    )


def test_huge_polygon_is_refused_before_densifying() -> None:
    with pytest.raises(InvalidGeometry) as caught:
        Fence(polygon([[0, 0], [40, 0], [40, 40], [0, 40], [0, 0]]))
    assert caught.value.code == "too_large"
    assert caught.value.reason.startswith("geofence is more than ")


def test_fence_wide_in_degrees_near_the_pole_is_small_in_metres(geo) -> None:
    # 5 degrees of longitude at 88.9 degrees north is only ~10.7 km: a legal fence.
    fence = Fence(polygon([[10, 88.9], [15, 88.9], [15, 88.92], [10, 88.92], [10, 88.9]]))
    diagonal = max(geo.geodesic_m(88.9, 10.0, 88.92, 15.0), geo.geodesic_m(88.92, 10.0, 88.9, 15.0))
    assert 10_000.0 < diagonal < 12_000.0
    assert fence.across_m == pytest.approx(diagonal, rel=1e-4)
