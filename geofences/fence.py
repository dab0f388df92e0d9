"""``Fence``: one validated geofence with everything a punch needs precomputed.

A fence keeps its lon/lat geometry (prepared, for the exact inside/on-boundary test), the same
region densified and projected into a local azimuthal-equidistant frame in metres (for
distances), its geodesic area, centroid and diameter. The per-fix work is then one prepared
point-in-polygon test, one geodesic inverse and one shapely distance.

Semantics: a polygon's edges are straight lines in lon/lat, as RFC 7946 §3.1.1 defines them;
distances are WGS84 geodesic metres from the fix to the nearest point of the region, 0 inside or
on the boundary. A circle is every point within ``radius_m`` geodesic metres of its centre.
"""

from __future__ import annotations

import math
from decimal import Decimal
from numbers import Real
from typing import Final, Literal, NamedTuple

import numpy as np
import shapely
from numpy.typing import ArrayLike
from shapely.geometry import MultiPolygon, Point, Polygon

from geofences.errors import InvalidFix, InvalidGeometry
from geofences.geodesy import (
    GEOD,
    METRES_PER_DEGREE_LAT_MIN,
    METRES_PER_DEGREE_LON_EQUATOR,
    FloatArray,
    LocalFrame,
    densify_ring,
    max_segment_m,
    ring_area_m2,
)
from geofences.geometry import MAX_ACROSS_M, CircleShape, PolygonShape, Shape, parse_geometry

ON_BOUNDARY_M: Final = 1e-3
"""Distances below this count as on the boundary (0).

The projected outline matches the GeoJSON region to ~1 cm, so a fix a hair outside by float
rounding (a position on a sloping edge is rarely representable exactly) would otherwise come out
at a few micrometres and turn ``inside`` into ``uncertain`` for a zero buffer.
"""

FAR_MARGIN_M: Final = 250_000.0
"""Beyond ``max_radius_m + FAR_MARGIN_M`` from the centre, distances use geodesics, not the frame.

The frame's length distortion grows like ``(r / R)^2``; up to ~300 km it stays below 0.05 %, far
inside the 0.5 % contract and within centimetres near the fence. Farther fixes are measured in a
frame centred on the fix instead (``Fence._far_distance``).
"""

NEAR_ANTIPODE_M: Final = 19_000_000.0

CIRCLE_SAMPLES: Final = 64

DEFAULT_MAX_ACCURACY_M: Final = 100.0

FenceKind = Literal["polygon", "circle"]


class LatLon(NamedTuple):
    """A position in degrees; ``_asdict()`` gives the API's ``{"lat": .., "lon": ..}``."""

    lat: float
    lon: float


def _as_float(name: str, value: object) -> float:
    if type(value) is float:
        return value
    # Decimals (from a database's NUMERIC) and numpy scalars are numbers; booleans are not.
    if isinstance(value, bool) or not isinstance(value, (Real, Decimal)):
        raise InvalidFix(f"{name} must be a number, got {value!r}")
    return float(value)


def check_position(lat: object, lon: object) -> tuple[float, float]:
    """``(lat, lon)`` as floats; ``InvalidFix`` unless finite and within the WGS84 ranges."""
    if type(lat) is not float or type(lon) is not float:
        lat, lon = _as_float("lat", lat), _as_float("lon", lon)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # NaN fails every comparison
        raise InvalidFix(
            f"position lat={lat!r}, lon={lon!r} is outside lat [-90, 90], lon [-180, 180]"
        )
    return lat, lon


def check_threshold(name: str, value: object, *, allow_zero: bool) -> float:
    """A metre threshold as a float (``buffer_m`` >= 0; ``max_accuracy_m``, ``accuracy_m`` > 0)."""
    number = _as_float(name, value)
    if not math.isfinite(number) or number < 0.0 or (number == 0.0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidFix(f"{name} must be a finite number {bound}, got {value!r}")
    return number


class Fence:
    """A geofence ready for distance queries. Immutable after construction; thread-safe."""

    __slots__ = (
        "_boundary_lats",
        "_boundary_lons",
        "_boundary_ring_ids",
        "_far_from_m",
        "_radius_m",
        "across_m",
        "area_m2",
        "bounds",
        "buffer_m",
        "centroid",
        "fence_id",
        "frame",
        "geometry",
        "kind",
        "local_geometry",
        "max_accuracy_m",
        "max_radius_m",
        "shape",
    )

    def __init__(
        self,
        geometry: object,
        radius_m: object = None,
        *,
        fence_id: str | None = None,
        buffer_m: float = 0.0,
        max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M,
    ) -> None:
        """Validate a GeoJSON geometry (``radius_m`` for a ``Point``) and precompute the fence.

        Raises ``InvalidGeometry`` (with the reason) for bad geometry or a fence over 50 km
        across, ``InvalidFix`` for a negative ``buffer_m`` or non-positive ``max_accuracy_m``.
        """
        shape = geometry if isinstance(geometry, (CircleShape, PolygonShape)) else None
        if shape is None:
            shape = parse_geometry(geometry, radius_m)
        self.fence_id = fence_id
        self.shape: Shape = shape
        self.buffer_m = check_threshold("buffer_m", buffer_m, allow_zero=True)
        self.max_accuracy_m = check_threshold("max_accuracy_m", max_accuracy_m, allow_zero=False)
        if isinstance(shape, CircleShape):
            self._build_circle(shape)
        else:
            self._build_polygon(shape)

    @classmethod
    def from_shape(
        cls,
        shape: Shape,
        *,
        fence_id: str | None = None,
        buffer_m: float = 0.0,
        max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M,
    ) -> Fence:
        """Build from an already parsed shape (``parse_geometry``'s result)."""
        return cls(shape, fence_id=fence_id, buffer_m=buffer_m, max_accuracy_m=max_accuracy_m)

    def __repr__(self) -> str:
        return (
            f"Fence(fence_id={self.fence_id!r}, kind={self.kind!r}, "
            f"centroid=({self.centroid.lat:.6f}, {self.centroid.lon:.6f}), "
            f"across_m={self.across_m:.1f})"
        )

    # -- construction -------------------------------------------------------------------------

    def _build_circle(self, shape: CircleShape) -> None:
        self.kind: FenceKind = "circle"
        self._radius_m = shape.radius_m
        self.frame = LocalFrame(shape.lon, shape.lat)
        self.centroid = LatLon(shape.lat, shape.lon)
        self.across_m = 2.0 * shape.radius_m
        self.max_radius_m = shape.radius_m
        self._far_from_m = math.inf  # the centre distance is exact at any range
        azimuths = np.linspace(0.0, 360.0, CIRCLE_SAMPLES, endpoint=False)
        lons, lats, _ = GEOD.fwd(
            np.full(CIRCLE_SAMPLES, shape.lon),
            np.full(CIRCLE_SAMPLES, shape.lat),
            azimuths,
            np.full(CIRCLE_SAMPLES, shape.radius_m),
        )
        lons = np.asarray(lons, dtype=np.float64)
        lats = np.asarray(lats, dtype=np.float64)
        # The inscribed polygon's area is short of the circle's by the planar n-gon ratio, which
        # at 25 km radius is the ellipsoidal one to ~1e-9.
        n = CIRCLE_SAMPLES
        ngon_ratio = math.pi / (0.5 * n * math.sin(2.0 * math.pi / n))
        self.area_m2 = ring_area_m2(np.append(lons, lons[0]), np.append(lats, lats[0])) * ngon_ratio
        self.bounds = _circle_bounds(shape.lon, shape.lat, lons, lats, shape.radius_m)
        # Outline polygons, for display and debugging only: distances use the centre.
        self.geometry: Polygon | MultiPolygon = Polygon(np.column_stack([lons, lats]))
        self.local_geometry: Polygon | MultiPolygon = Point(0.0, 0.0).buffer(
            shape.radius_m, quad_segs=16
        )

    def _build_polygon(self, shape: PolygonShape) -> None:
        self.kind = "polygon"
        self._radius_m = 0.0
        geometry = shape.geometry
        centre_lon, centre_lat = _degree_centre(geometry)
        self.frame = frame = LocalFrame(centre_lon, centre_lat)

        # Cheap refusal of huge inputs before densifying: the centre lies within the region's
        # hull, so some other point is at least as far from the farthest vertex as the centre is.
        coords = shapely.get_coordinates(geometry)
        raw_x, raw_y = frame.to_local(coords[:, 0], coords[:, 1])
        if float(np.max(np.hypot(raw_x, raw_y))) > 1.01 * MAX_ACROSS_M:
            raise _too_large(float(np.max(np.hypot(raw_x, raw_y))), lower_bound=True)

        seg_m = max_segment_m(max(abs(geometry.bounds[1]), abs(geometry.bounds[3])))
        local_parts = []
        boundary_lons: list[FloatArray] = []
        boundary_lats: list[FloatArray] = []
        area = 0.0
        for part in shapely.get_parts(geometry):
            local_rings = []
            for index, ring in enumerate(shapely.get_rings(part)):
                ring_coords = shapely.get_coordinates(ring)
                lons, lats = densify_ring(ring_coords[:, 0], ring_coords[:, 1], seg_m)
                ring_area = ring_area_m2(lons, lats)
                area += ring_area if index == 0 else -ring_area
                xs, ys = frame.to_local(lons, lats)
                boundary_lons.append(lons)
                boundary_lats.append(lats)
                local_rings.append(np.column_stack([xs, ys]))
            local_parts.append(Polygon(local_rings[0], local_rings[1:]))
        local: Polygon | MultiPolygon = (
            local_parts[0] if isinstance(geometry, Polygon) else MultiPolygon(local_parts)
        )

        self.across_m = _diameter_m(local)
        if self.across_m > MAX_ACROSS_M:
            raise _too_large(self.across_m, lower_bound=False)
        local_coords = shapely.get_coordinates(local)
        self.max_radius_m = float(np.max(np.hypot(local_coords[:, 0], local_coords[:, 1])))
        self._far_from_m = self.max_radius_m + FAR_MARGIN_M
        self._boundary_lons = np.concatenate(boundary_lons)
        self._boundary_lats = np.concatenate(boundary_lats)
        self._boundary_ring_ids = np.repeat(
            np.arange(len(boundary_lons)), [len(ring) for ring in boundary_lons]
        )
        self.area_m2 = area
        centroid = local.centroid
        c_lons, c_lats = frame.to_geographic([centroid.x], [centroid.y])
        self.centroid = LatLon(float(c_lats[0]), float(c_lons[0]))
        self.bounds = _as_bounds(geometry.bounds)
        shapely.prepare(geometry)
        shapely.prepare(local)
        # GEOS builds a prepared geometry's point locator lazily on first use; trigger that now
        # so concurrent requests never race to build it.
        shapely.intersects_xy(geometry, centre_lon, centre_lat)
        self.geometry = geometry
        self.local_geometry = local

    # -- queries ------------------------------------------------------------------------------

    def distance_m(self, lat: float, lon: float) -> float:
        """Geodesic metres from the fix to the fence; 0.0 inside or on the boundary."""
        return self.distance_m_unchecked(*check_position(lat, lon))

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the fix is inside the fence or on its boundary."""
        return self.distance_m(lat, lon) == 0.0

    def distance_m_unchecked(self, lat: float, lon: float) -> float:
        """``distance_m`` for a position the caller has already checked (the hot path)."""
        if self.kind == "circle":
            _, _, centre_m = GEOD.inv(self.frame.lon0, self.frame.lat0, lon, lat)
            gap = centre_m - self._radius_m
            return gap if gap >= ON_BOUNDARY_M else 0.0
        if shapely.intersects_xy(self.geometry, lon, lat):
            return 0.0
        x, y, centre_m = self.frame.to_local_point(lon, lat)
        if centre_m > self._far_from_m:
            return self._far_distance(lat, lon)
        gap = float(self.local_geometry.distance(Point(x, y)))
        return gap if gap >= ON_BOUNDARY_M else 0.0

    def distances_m(self, lats: ArrayLike, lons: ArrayLike) -> FloatArray:
        """Vectorised ``distance_m`` over arrays of fixes (same results, element by element)."""
        lat_arr = np.asarray(lats, dtype=np.float64)
        lon_arr = np.asarray(lons, dtype=np.float64)
        if lat_arr.shape != lon_arr.shape:
            raise InvalidFix("lats and lons must have the same shape")
        valid = (np.abs(lat_arr) <= 90.0) & (np.abs(lon_arr) <= 180.0)
        if not bool(np.all(valid)):
            raise InvalidFix("every position must be within lat [-90, 90], lon [-180, 180]")
        x, y, centre_m = self.frame.project(lon_arr, lat_arr)
        if self.kind == "circle":
            gaps = centre_m - self._radius_m
        else:
            gaps = np.asarray(shapely.distance(self.local_geometry, shapely.points(x, y)))
            gaps[shapely.intersects_xy(self.geometry, lon_arr, lat_arr)] = 0.0
            for i in np.flatnonzero(centre_m > self._far_from_m):
                gaps.flat[i] = self._far_distance(float(lat_arr.flat[i]), float(lon_arr.flat[i]))
        gaps[gaps < ON_BOUNDARY_M] = 0.0
        return gaps

    def _far_distance(self, lat: float, lon: float) -> float:
        """Distance to a fix beyond the fence frame's accurate range, in a frame on the fix.

        In an azimuthal-equidistant frame centred on the fix every boundary vertex sits at its
        exact geodesic distance from the origin, and a fence at least 250 km away spans only a
        few degrees of azimuth there, so the chords between the (densified) vertices stay within
        centimetres of the boundary and the origin's distance to them is the answer. Within
        ~1,000 km of the fence's antipode azimuths fan out and chords lose meaning; there the
        nearest vertex is used, within half a densified edge (<= 250 m) of the truth, against a
        0.5 % tolerance of about 95 km.
        """
        lons, lats = self._boundary_lons, self._boundary_lats
        az, _, dist = GEOD.inv(np.full(lons.shape, lon), np.full(lats.shape, lat), lons, lats)
        dist_arr = np.asarray(dist, dtype=np.float64)
        if float(np.min(dist_arr)) > NEAR_ANTIPODE_M:
            return float(np.min(dist_arr))
        az_rad = np.radians(np.asarray(az, dtype=np.float64))
        coords = np.column_stack([dist_arr * np.sin(az_rad), dist_arr * np.cos(az_rad)])
        rings = shapely.linestrings(coords, indices=self._boundary_ring_ids)
        return float(np.min(shapely.distance(rings, _ORIGIN)))


_ORIGIN: Final = Point(0.0, 0.0)


def _degree_centre(geometry: Polygon | MultiPolygon) -> tuple[float, float]:
    """A frame centre: the lon/lat centroid, computed across the antimeridian when needed."""
    min_lon, _, max_lon, _ = geometry.bounds
    if max_lon - min_lon <= 180.0:
        centre = geometry.centroid
        return float(centre.x), float(centre.y)
    # Parts on both sides of ±180 (RFC 7946's split form): shift the western ones by 360°.
    shifted = shapely.transform(
        geometry,
        lambda xy: np.column_stack([np.where(xy[:, 0] < 0, xy[:, 0] + 360.0, xy[:, 0]), xy[:, 1]]),
    )
    centre = shifted.centroid
    return float((centre.x + 180.0) % 360.0 - 180.0), float(centre.y)


def _diameter_m(local: Polygon | MultiPolygon) -> float:
    """Greatest distance between two points of the region (between convex-hull vertices)."""
    hull = shapely.convex_hull(local)
    points = shapely.get_coordinates(hull)
    if hull.geom_type == "Polygon" and len(points) >= 4:
        return _hull_diameter(points[:-1])  # a closed ring: the last point repeats the first
    return _pairwise_diameter(points)


def _pairwise_diameter(points: FloatArray) -> float:
    """Every pair: quadratic, kept for degenerate hulls (a point, a segment) and as the
    reference the rotating calipers are tested against."""
    best = 0.0
    for start in range(0, len(points), 256):
        block = points[start : start + 256]
        deltas = block[:, None, :] - points[None, :, :]
        best = max(best, float(np.sqrt(np.max(np.sum(deltas * deltas, axis=2)))))
    return best


def _hull_diameter(ring: FloatArray) -> float:
    """Rotating calipers over a convex polygon's vertices (in ring order, not closed): for
    each edge, advance the vertex farthest from its line; the diameter is between a pair of
    these antipodal vertices. Linear in the number of hull vertices, where trying every pair
    made a 10,000-position fence cost seconds to build (issue 19)."""
    n = len(ring)
    xs, ys = ring[:, 0].tolist(), ring[:, 1].tolist()

    def height(i: int, k: int) -> float:  # twice the area of (edge i, vertex k): its distance
        a, b = i, (i + 1) % n
        return abs((xs[b] - xs[a]) * (ys[k] - ys[a]) - (ys[b] - ys[a]) * (xs[k] - xs[a]))

    def apart(a: int, b: int) -> float:
        return (xs[a] - xs[b]) ** 2 + (ys[a] - ys[b]) ** 2

    # Start from the vertex farthest from the first edge, and move past ties (parallel edges,
    # or a near-zero edge that GEOS kept): a pointer that stops on a plateau misses the pair.
    k = max(range(n), key=lambda j: height(0, j))
    best, steps = 0.0, 0
    for i in range(n):
        nxt = (i + 1) % n
        while steps < 2 * n and (k + 1) % n != i and height(i, (k + 1) % n) >= height(i, k):
            k, steps = (k + 1) % n, steps + 1
        for end in (i, nxt):
            best = max(best, apart(end, k), apart(end, (k + 1) % n))
    return math.sqrt(best)


def _too_large(across_m: float, *, lower_bound: bool) -> InvalidGeometry:
    measure = "more than " if lower_bound else ""
    # Rounded up, so a fence a fraction of a metre over the limit never reads "50000 m".
    return InvalidGeometry(
        f"geofence is {measure}{math.ceil(across_m)} m across; a geofence may be at most "
        f"{MAX_ACROSS_M:.0f} m across",
        code="too_large",
    )


def _as_bounds(values: tuple[float, ...] | FloatArray) -> tuple[float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = (float(v) for v in values)
    return min_lon, min_lat, max_lon, max_lat


def _pole_distance_m(lon: float, lat: float, pole_lat: float) -> float:
    return float(GEOD.inv(lon, lat, lon, pole_lat)[2])


def _circle_bounds(
    centre_lon: float, centre_lat: float, lons: FloatArray, lats: FloatArray, radius_m: float
) -> tuple[float, float, float, float]:
    """A lon/lat box guaranteed to hold the whole circle, not just its sampled outline."""
    # Between two samples the outline bulges out by at most r(1 - cos(pi / n)); pad by that
    # (plus a metre) converted to degrees with the narrowest degree lengths in the box.
    pad_m = radius_m * (1.0 - math.cos(math.pi / CIRCLE_SAMPLES)) + 1.0
    pad_lat = pad_m / METRES_PER_DEGREE_LAT_MIN
    min_lat = max(-90.0, float(np.min(lats)) - pad_lat)
    max_lat = min(90.0, float(np.max(lats)) + pad_lat)
    # A circle round a pole has no outline point at the pole itself, yet contains it.
    if _pole_distance_m(centre_lon, centre_lat, 90.0) <= radius_m:
        max_lat = 90.0
    if _pole_distance_m(centre_lon, centre_lat, -90.0) <= radius_m:
        min_lat = -90.0
    widest_lat = max(abs(min_lat), abs(max_lat))
    min_lon, max_lon = float(np.min(lons)), float(np.max(lons))
    if widest_lat >= 89.9 or max_lon - min_lon > 180.0:
        return -180.0, min_lat, 180.0, max_lat  # around a pole or across ±180: all longitudes
    pad_lon = pad_m / (METRES_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(widest_lat)))
    return max(-180.0, min_lon - pad_lon), min_lat, min(180.0, max_lon + pad_lon), max_lat
