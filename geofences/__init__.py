"""Geofences: GeoJSON validation, geodesic distances, punch decisions and a fence index.

A pure library (shapely + pyproj, no Flask, no database). Typical use::

    fence = Fence({"type": "Polygon", "coordinates": [...]}, fence_id=str(site.id), buffer_m=25)
    decision = decide(fence, lat=52.52, lon=13.40, accuracy_m=12.0)
    decision.result, decision.distance_m        # ("inside", 0.0)

    index = FenceIndex(fences)                  # the employee's allowed geofences
    index.nearest(lat, lon)                     # NearestFence(fence, distance_m) or None

Modules: ``geometry`` parses and validates, ``geodesy`` holds the WGS84 maths, ``fence`` the
``Fence`` itself, ``decision`` API.md's rule, ``index`` the spatial index.
"""

from geofences.decision import Decision, DecisionResult, classify, decide, decision_for_distance
from geofences.errors import InvalidFix, InvalidGeometry
from geofences.fence import Fence, LatLon
from geofences.geometry import (
    MAX_ACROSS_M,
    MAX_POSITIONS,
    CircleShape,
    PolygonShape,
    Shape,
    parse_geometry,
)
from geofences.index import FenceIndex, NearestFence

__all__ = [
    "MAX_ACROSS_M",
    "MAX_POSITIONS",
    "CircleShape",
    "Decision",
    "DecisionResult",
    "Fence",
    "FenceIndex",
    "InvalidFix",
    "InvalidGeometry",
    "LatLon",
    "NearestFence",
    "PolygonShape",
    "Shape",
    "classify",
    "decide",
    "decision_for_distance",
    "parse_geometry",
]
