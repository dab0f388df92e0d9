"""``FenceIndex``: the containing or nearest fence among many, with exact geodesic distances.

An STRtree over each fence's lon/lat bounding box finds candidates; metres decide. Degrees are
not metres (a degree of longitude is 111 km at the equator and 19 km at 80°, and geodesics bulge
poleward), so nothing is ranked in degrees. A search takes a reach in metres (500 m, then ten
times more while nothing is found), asks the tree for the boxes in a lon/lat window that
provably holds every point within that reach, and measures candidates in order of a metre lower
bound until the bound passes the best distance found. Once the best is within the reach, no
fence outside the window can beat it. ``nearest`` therefore always equals the brute-force
minimum over all fences (ties broken by smaller area, then insertion order)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import Point

from geofences.decision import Decision, check_accuracy, decision_for_distance
from geofences.fence import Fence, check_position, check_threshold
from geofences.geodesy import METRES_PER_DEGREE_LAT_MIN, WGS84_A_M, FloatArray

DISTANCE_SLACK_REL: Final = 1e-3
DISTANCE_SLACK_M: Final = 1.0
"""Margins on every pruning test, so a fence whose computed distance is within the frame's
approximation error (well under 0.1 %) of the best is still measured, never skipped."""

INITIAL_REACH_M: Final = 500.0
"""First search radius; a fix is usually on or near a site, so one window nearly always does."""

REACH_GROWTH: Final = 10.0

NUMPY_WINDOW: Final = 48
"""Windows with more candidates than this rank them with numpy rather than a Python loop."""

WHOLE_EARTH_M: Final = 20_100_000.0
"""Longer than half a meridian (20,004 km): a window of this reach covers the whole globe."""

IntArray = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class NearestFence:
    """A fence and the geodesic distance (metres, unrounded) from the queried fix to it."""

    fence: Fence
    distance_m: float

    @property
    def fence_id(self) -> str | None:
        return self.fence.fence_id


def _slack(distance_m: float) -> float:
    return distance_m * (1.0 + DISTANCE_SLACK_REL) + DISTANCE_SLACK_M


def _latitude_cap(lat: float, reach_m: float) -> float:
    """Highest |latitude| any path of length ``reach_m`` from ``lat`` can touch."""
    return abs(lat) + reach_m / METRES_PER_DEGREE_LAT_MIN


class FenceIndex:
    """A read-only spatial index over fences; build once, query from any thread."""

    __slots__ = ("_areas", "_bounds", "_box_list", "_fences", "_tree")

    def __init__(self, fences: Iterable[Fence]) -> None:
        self._fences = tuple(fences)
        self._bounds = np.array([fence.bounds for fence in self._fences], dtype=np.float64).reshape(
            -1, 4
        )
        self._box_list = [fence.bounds for fence in self._fences]
        self._areas = [fence.area_m2 for fence in self._fences]
        self._tree = shapely.STRtree(
            shapely.box(
                self._bounds[:, 0], self._bounds[:, 1], self._bounds[:, 2], self._bounds[:, 3]
            )
        )
        # GEOS builds the tree on the first query; do it now rather than race on it later.
        self._tree.query(Point(0.0, 0.0))

    def __len__(self) -> int:
        return len(self._fences)

    def __iter__(self) -> Iterator[Fence]:
        return iter(self._fences)

    def nearest(self, lat: float, lon: float) -> NearestFence | None:
        """The fence containing the fix, else the nearest one; ``None`` for an empty index.

        Among fences at the same distance (typically several containing the fix) the smallest
        by area wins, then the one given first.
        """
        lat, lon = check_position(lat, lon)
        if not self._fences:
            return None
        measured: dict[int, float] = {}
        best: tuple[float, float, int] | None = None
        reach = INITIAL_REACH_M
        while True:
            for lower, index in self._candidates_by_lower_bound(lat, lon, reach):
                if lower > _slack(reach if best is None else min(best[0], reach)):
                    break
                if index in measured:
                    continue
                distance = measured[index] = self._fences[index].distance_m_unchecked(lat, lon)
                key = (distance, self._areas[index], index)
                if best is None or key < best:
                    best = key
            if best is not None and best[0] <= reach:
                # Every fence that could beat or tie ``best`` lies within ``reach`` of the fix,
                # so it was in this window and was measured.
                return NearestFence(self._fences[best[2]], best[0])
            if best is not None:
                reach = best[0]
            elif reach >= WHOLE_EARTH_M:
                raise AssertionError("a whole-earth window found no fence")  # pragma: no cover
            else:
                reach = min(reach * REACH_GROWTH, WHOLE_EARTH_M)

    def within(self, lat: float, lon: float, max_distance_m: float) -> list[NearestFence]:
        """Every fence at most ``max_distance_m`` from the fix, nearest first (ties as above)."""
        lat, lon = check_position(lat, lon)
        max_distance_m = check_threshold("max_distance_m", max_distance_m, allow_zero=True)
        if not self._fences:
            return []
        found = []
        for lower, index in self._candidates_by_lower_bound(lat, lon, max_distance_m):
            if lower > _slack(max_distance_m):
                break
            distance = self._fences[index].distance_m_unchecked(lat, lon)
            if distance <= max_distance_m:
                found.append((distance, self._areas[index], index))
        found.sort()
        return [NearestFence(self._fences[index], distance) for distance, _, index in found]

    def containing(self, lat: float, lon: float) -> list[NearestFence]:
        """Every fence the fix is inside (or on the boundary of), smallest area first."""
        return self.within(lat, lon, 0.0)

    def decide(self, lat: float, lon: float, accuracy_m: float) -> Decision | None:
        """API.md's decision against the nearest fence, with that fence's own thresholds."""
        check_accuracy(accuracy_m)
        nearest = self.nearest(lat, lon)
        if nearest is None:
            return None
        return decision_for_distance(nearest.fence, nearest.distance_m, accuracy_m)

    # -- candidate search ---------------------------------------------------------------------

    def _candidates_by_lower_bound(
        self, lat: float, lon: float, reach_m: float
    ) -> list[tuple[float, int]]:
        """``(lower bound, fence index)`` for every fence in the window, smallest bound first.

        A bound is valid for fences no farther than ``reach_m``; farther ones may be
        under-bounded, which only costs a measurement. A typical window holds a handful of
        fences, for which plain Python beats numpy's per-call overhead several times over.
        """
        candidates, crosses = self._window(lat, lon, reach_m)
        if len(candidates) > NUMPY_WINDOW:
            lower = self._lower_bounds(candidates, lat, lon, reach_m, crosses)
            order = np.argsort(lower, kind="stable")
            return list(zip(lower[order].tolist(), candidates[order].tolist(), strict=True))
        lat_scale, lon_scale = _bound_scales(lat, reach_m)
        shifts = (lon - 360.0, lon + 360.0) if crosses else ()
        boxes = self._box_list
        ranked = []
        for index in candidates.tolist():
            west, south, east, north = boxes[index]
            lat_gap = south - lat if lat < south else (lat - north if lat > north else 0.0)
            lon_gap = west - lon if lon < west else (lon - east if lon > east else 0.0)
            for x in shifts:  # the window wraps: the box may be nearer the other way round
                lon_gap = min(lon_gap, west - x if x < west else (x - east if x > east else 0.0))
            ranked.append((math.hypot(lat_gap * lat_scale, lon_gap * lon_scale), index))
        ranked.sort()
        return ranked

    def _window(self, lat: float, lon: float, reach_m: float) -> tuple[IntArray, bool]:
        """Fences whose box meets a lon/lat window holding every point within ``reach_m``.

        Latitude: a path can't change latitude faster than the shortest meridian degree
        (110,574 m). Longitude: every parallel a path of that length can touch has radius at
        least ``a * cos(cap)``, so it spans at most ``reach / (a cos(cap))`` radians of longitude.
        Also says whether the window wraps across ±180 (or spans every longitude).
        """
        reach = _slack(reach_m)
        d_lat = reach / METRES_PER_DEGREE_LAT_MIN
        cap = _latitude_cap(lat, reach)
        lat_lo, lat_hi = lat - d_lat, lat + d_lat
        d_lon = math.inf
        if cap < 90.0:
            d_lon = math.degrees(reach / (WGS84_A_M * math.cos(math.radians(cap))))
        if d_lon >= 180.0:
            return self._tree.query(shapely.box(-180.0, lat_lo, 180.0, lat_hi)), True
        boxes = [shapely.box(lon - d_lon, lat_lo, lon + d_lon, lat_hi)]
        # Windows that run past ±180 continue on the other side of the antimeridian.
        if lon - d_lon < -180.0:
            boxes.append(shapely.box(lon - d_lon + 360.0, lat_lo, 180.0, lat_hi))
        if lon + d_lon > 180.0:
            boxes.append(shapely.box(-180.0, lat_lo, lon + d_lon - 360.0, lat_hi))
        if len(boxes) == 1:
            return self._tree.query(boxes[0]), False
        return np.unique(self._tree.query(boxes)[1]), True

    def _lower_bounds(
        self, indices: IntArray, lat: float, lon: float, reach_m: float, crosses: bool
    ) -> FloatArray:
        """Vectorised twin of the bounds in ``_candidates_by_lower_bound``, for big windows."""
        lat_scale, lon_scale = _bound_scales(lat, reach_m)
        boxes = self._bounds[indices]
        lat_gap = np.maximum(boxes[:, 1] - lat, lat - boxes[:, 3])
        np.maximum(lat_gap, 0.0, out=lat_gap)
        shifts = (lon, lon - 360.0, lon + 360.0) if crosses else (lon,)
        lon_gap = np.full(indices.shape, np.inf)
        for shifted in shifts:
            gap = np.maximum(boxes[:, 0] - shifted, shifted - boxes[:, 2])
            np.minimum(lon_gap, gap, out=lon_gap)
        np.maximum(lon_gap, 0.0, out=lon_gap)
        bounds: FloatArray = np.hypot(lat_gap * lat_scale, lon_gap * lon_scale)
        return bounds


def _bound_scales(lat: float, reach_m: float) -> tuple[float, float]:
    """Metres per degree of latitude and of longitude that no path within reach can beat.

    Along any path the northing and easting lengths add in quadrature at least, so a box
    ``dlat`` and ``dlon`` degrees away is at least ``hypot(dlat * lat_scale, dlon * lon_scale)``
    metres away. Longitude is scaled by the narrowest parallel the path can touch.
    """
    cap = _latitude_cap(lat, _slack(reach_m))
    if cap >= 90.0:
        return METRES_PER_DEGREE_LAT_MIN, 0.0
    return METRES_PER_DEGREE_LAT_MIN, math.radians(WGS84_A_M * math.cos(math.radians(cap)))
