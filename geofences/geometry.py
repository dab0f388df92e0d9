"""Parsing and validation of geofence geometry: GeoJSON ``Polygon``/``MultiPolygon``, circles.

Input is untrusted JSON (RFC 7946: WGS84, positions ``[lon, lat]`` or ``[lon, lat, altitude]``);
output is a ``PolygonShape`` (a valid shapely geometry in lon/lat degrees) or a ``CircleShape``.
Every rejection is an ``InvalidGeometry`` whose reason says what is wrong and where (a JSON path
such as ``coordinates[0][3]`` or, for topology errors, the ``[lon, lat]`` shapely reports).

The 50 km size limit needs metres, so it is checked when a ``Fence`` is built (``fence.py``);
circle radii are checked here because that needs no projection.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Final, TypeAlias

import shapely
from shapely.geometry import MultiPolygon, Polygon

from geofences.errors import InvalidGeometry

MAX_ACROSS_M: Final = 50_000.0
"""Largest fence accepted, measured as its diameter (greatest distance between two points)."""

MAX_POSITIONS: Final = 10_000
"""Positions per geometry; a site boundary needs far fewer, and this bounds the work per fence."""

SUPPORTED_TYPES: Final = ("Polygon", "MultiPolygon", "Point")

_Coordinate = tuple[float, float]


@dataclass(frozen=True, slots=True)
class CircleShape:
    """A circle: every point within ``radius_m`` metres (geodesic) of the centre."""

    lon: float
    lat: float
    radius_m: float


@dataclass(frozen=True, slots=True)
class PolygonShape:
    """A valid polygon or multipolygon in lon/lat degrees (edges straight in lon/lat)."""

    geometry: Polygon | MultiPolygon


Shape: TypeAlias = CircleShape | PolygonShape


def parse_geometry(geometry: object, radius_m: object = None) -> Shape:
    """Validate a GeoJSON geometry (plus ``radius_m`` for a circle) and return its shape.

    Raises ``InvalidGeometry`` with the reason for anything that is not a well-formed, valid
    ``Polygon``, ``MultiPolygon`` or ``Point`` + ``radius_m``.
    """
    if not isinstance(geometry, Mapping):
        raise InvalidGeometry(
            f"geometry must be a GeoJSON object, got {_json_type(geometry)}", code="wrong_type"
        )
    geo_type = geometry.get("type")
    if geo_type is None:
        raise InvalidGeometry('geometry has no "type" member', code="wrong_type")
    if not isinstance(geo_type, str):
        raise InvalidGeometry(
            f'geometry "type" must be a string, got {_json_type(geo_type)}', code="wrong_type"
        )
    if geo_type not in SUPPORTED_TYPES:
        hint = ""
        if geo_type == "Feature":
            hint = " (pass the feature's geometry, not the feature)"
        elif geo_type == "FeatureCollection":
            hint = " (import a FeatureCollection feature by feature)"
        raise InvalidGeometry(
            f"unsupported geometry type {geo_type[:40]!r}: expected Polygon, MultiPolygon or Point "
            f"with radius_m (a circle){hint}",
            code="wrong_type",
        )
    if "coordinates" not in geometry:
        raise InvalidGeometry(
            f'{geo_type} geometry has no "coordinates" member', code="empty_geometry"
        )
    coordinates = geometry["coordinates"]
    counter = _PositionCounter()
    if geo_type == "Point":
        lon, lat = _parse_position(coordinates, "coordinates", counter)
        return CircleShape(lon=lon, lat=lat, radius_m=_parse_radius(radius_m))
    if radius_m is not None:
        raise InvalidGeometry(
            f"radius_m applies only to a Point (a circle), not to a {geo_type}",
            code="unexpected_radius",
        )
    if geo_type == "Polygon":
        polygon = _parse_polygon(coordinates, "coordinates", counter)
        _check_polygon_topology(polygon, "coordinates")
        return PolygonShape(geometry=polygon)
    return PolygonShape(geometry=_parse_multipolygon(coordinates, counter))


class _PositionCounter:
    """Counts positions while parsing so an oversized payload is refused before it is all read."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def add(self, n: int) -> None:
        self.count += n
        if self.count > MAX_POSITIONS:
            raise InvalidGeometry(
                f"geometry has more than {MAX_POSITIONS} positions; simplify the boundary",
                code="too_many_positions",
            )


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return f"a string ({value[:40]!r})"
    if isinstance(value, (Real, Decimal)):
        return f"a number ({value!r})"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


def _is_array(value: object) -> bool:
    # Strings and bytes are Sequences too, but never a GeoJSON array.
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def _as_number(value: object, path: str) -> float:
    if type(value) is float:  # the JSON common case, checked first because this runs per number
        if math.isfinite(value):
            return value
        raise InvalidGeometry(f"{path} is not a finite number ({value!r})", code="not_finite")
    if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
        raise InvalidGeometry(
            f"{path} must be a number, got {_json_type(value)}", code="not_a_number"
        )
    try:
        number = float(value)
    except (OverflowError, ValueError):
        number = math.inf
    if not math.isfinite(number):
        raise InvalidGeometry(f"{path} is not a finite number ({value!r})", code="not_finite")
    return number


def _parse_position(value: object, path: str, counter: _PositionCounter) -> _Coordinate:
    if not _is_array(value):
        raise InvalidGeometry(
            f"{path} must be a position [lon, lat], got {_json_type(value)}",
            code="not_an_array",
        )
    assert isinstance(value, Sequence)
    if len(value) not in (2, 3):
        raise InvalidGeometry(
            f"{path} must have 2 or 3 numbers ([lon, lat] or [lon, lat, altitude]), "
            f"got {len(value)}",
            code="bad_position",
        )
    counter.add(1)
    lon = _as_number(value[0], f"{path}[0]")
    lat = _as_number(value[1], f"{path}[1]")
    if len(value) == 3:
        _as_number(value[2], f"{path}[2]")  # altitude is ignored, but must still be a number
    if not -90.0 <= lat <= 90.0:
        looks_swapped = -90.0 <= lon <= 90.0 and -180.0 <= lat <= 180.0
        swapped = " (positions are [lon, lat], not [lat, lon])" if looks_swapped else ""
        raise InvalidGeometry(
            f"latitude {lat:.10g} at {path} is out of range [-90, 90]{swapped}",
            code="out_of_range",
        )
    if not -180.0 <= lon <= 180.0:
        raise InvalidGeometry(
            f"longitude {lon:.10g} at {path} is out of range [-180, 180]", code="out_of_range"
        )
    return lon, lat


def _parse_radius(radius_m: object) -> float:
    if radius_m is None:
        raise InvalidGeometry(
            "a Point geometry needs radius_m (metres) to describe a circle",
            code="missing_radius",
        )
    radius = _as_number(radius_m, "radius_m")
    if radius <= 0.0:
        raise InvalidGeometry(
            f"radius_m must be greater than 0, got {radius:.10g}", code="invalid_radius"
        )
    if 2.0 * radius > MAX_ACROSS_M:
        raise InvalidGeometry(
            f"circle is {2.0 * radius:.10g} m across (radius_m {radius:.10g}); "
            f"a geofence may be at most {MAX_ACROSS_M:.0f} m across",
            code="too_large",
        )
    return radius


def _parse_ring(value: object, path: str, counter: _PositionCounter) -> list[_Coordinate]:
    if not _is_array(value):
        raise InvalidGeometry(
            f"{path} must be a linear ring (an array of positions), got {_json_type(value)}",
            code="not_an_array",
        )
    assert isinstance(value, Sequence)
    if len(value) < 4:
        raise InvalidGeometry(
            f"linear ring {path} has {len(value)} position{'s' if len(value) != 1 else ''}; "
            "a ring needs at least 4 (three corners and the first repeated at the end)",
            code="too_few_positions",
        )
    ring = [_parse_position(position, f"{path}[{i}]", counter) for i, position in enumerate(value)]
    if ring[0] != ring[-1]:
        raise InvalidGeometry(
            f"linear ring {path} is not closed: its first position {list(ring[0])} differs "
            f"from its last {list(ring[-1])}",
            code="unclosed_ring",
        )
    if len(set(ring)) < 3:
        raise InvalidGeometry(
            f"linear ring {path} has fewer than 3 distinct positions", code="too_few_positions"
        )
    if _collinear(ring):
        raise InvalidGeometry(
            f"linear ring {path} encloses no area (its positions lie on one line)",
            code="zero_area",
        )
    return ring


def _collinear(ring: list[_Coordinate]) -> bool:
    """Whether every position lies on the line through the first and the farthest from it."""
    x0, y0 = ring[0]
    far_x, far_y = max(((x - x0, y - y0) for x, y in ring), key=lambda d: d[0] ** 2 + d[1] ** 2)
    scale = far_x**2 + far_y**2
    # Cross products of exactly collinear points are zero only up to rounding.
    return all(abs((x - x0) * far_y - (y - y0) * far_x) <= 1e-9 * scale for x, y in ring)


def _parse_polygon(value: object, path: str, counter: _PositionCounter) -> Polygon:
    if not _is_array(value):
        raise InvalidGeometry(
            f"{path} must be an array of linear rings, got {_json_type(value)}",
            code="not_an_array",
        )
    assert isinstance(value, Sequence)
    if len(value) == 0:
        raise InvalidGeometry(
            f"{path} is empty: a polygon needs an exterior ring", code="empty_geometry"
        )
    rings = [_parse_ring(ring, f"{path}[{i}]", counter) for i, ring in enumerate(value)]
    lons = [lon for lon, _ in rings[0]]
    if max(lons) - min(lons) > 180.0:
        raise InvalidGeometry(
            f"the polygon at {path} spans {max(lons) - min(lons):.10g} degrees of longitude; a "
            "geofence that crosses the antimeridian must be split there into a MultiPolygon "
            "(RFC 7946 section 3.1.9)",
            code="crosses_antimeridian",
        )
    return Polygon(rings[0], rings[1:])


_REASON_AT = re.compile(r"^(?P<what>.*?)\s*\[(?P<x>\S+) (?P<y>\S+)\]$")

_TOPOLOGY_REASONS: Final = {
    "Self-intersection": ("self_intersection", "edges cross or overlap"),
    "Ring Self-intersection": ("ring_self_intersection", "a ring touches itself"),
    "Hole lies outside shell": ("hole_outside_shell", "a hole lies outside the exterior ring"),
    "Interior is disconnected": (
        "disconnected_interior",
        "holes cut the polygon into separate pieces",
    ),
    "Holes are nested": ("nested_holes", "a hole lies inside another hole"),
    "Nested shells": ("nested_shells", "one polygon lies inside another"),
    "Duplicate Rings": ("duplicate_rings", "a ring is repeated"),
}


def _topology_error(reason: str, path: str) -> InvalidGeometry:
    match = _REASON_AT.match(reason)
    what = match.group("what") if match else reason
    where = ""
    if match:
        where = f" at [lon, lat] = [{float(match.group('x')):.7g}, {float(match.group('y')):.7g}]"
    code, sentence = _TOPOLOGY_REASONS.get(what, ("invalid_topology", what.lower()))
    return InvalidGeometry(f"invalid polygon at {path}: {sentence}{where}", code=code)


def _check_polygon_topology(polygon: Polygon, path: str) -> None:
    reason = shapely.is_valid_reason(polygon)
    if reason != "Valid Geometry":
        raise _topology_error(reason, path)


def _parse_multipolygon(value: object, counter: _PositionCounter) -> MultiPolygon:
    if not _is_array(value):
        raise InvalidGeometry(
            f"coordinates must be an array of polygons, got {_json_type(value)}",
            code="not_an_array",
        )
    assert isinstance(value, Sequence)
    if len(value) == 0:
        raise InvalidGeometry("MultiPolygon coordinates are empty", code="empty_geometry")
    polygons = []
    for i, item in enumerate(value):
        polygon = _parse_polygon(item, f"coordinates[{i}]", counter)
        _check_polygon_topology(polygon, f"coordinates[{i}]")
        polygons.append(polygon)
    multi = MultiPolygon(polygons)
    reason = shapely.is_valid_reason(multi)
    if reason == "Valid Geometry":
        return multi
    # Each part is valid on its own, so the parts interact: name the first pair that shares
    # more than isolated points (touching at a point is allowed by the simple-features rules).
    for i, first in enumerate(polygons):
        for j in range(i + 1, len(polygons)):
            second = polygons[j]
            if shapely.get_dimensions(first.intersection(second)) < 1:
                continue
            pair = f"MultiPolygon polygons coordinates[{i}] and coordinates[{j}]"
            if first.contains(second) or second.contains(first):
                raise InvalidGeometry(
                    f"{pair} are nested: one lies inside the other", code="nested_shells"
                )
            where = ""
            touching = shapely.intersection(first.boundary, second.boundary)
            if not touching.is_empty:
                x, y = shapely.get_coordinates(touching)[0]
                where = f" at [lon, lat] = [{x:.7g}, {y:.7g}]"
            raise InvalidGeometry(
                f"{pair} overlap or share an edge{where}; merge them into one polygon",
                code="overlapping_polygons",
            )
    raise _topology_error(reason, "coordinates")
