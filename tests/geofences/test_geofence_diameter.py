"""The fence's `across_m` (its diameter) by rotating calipers equals every-pair's answer, in
linear time (issue 19: a 10,000-position fence took seconds to build)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geofences
from geofences.fence import _hull_diameter, _pairwise_diameter

coordinate = st.floats(min_value=-5_000.0, max_value=5_000.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(coordinate, coordinate), min_size=3, max_size=80))
def test_calipers_agree_with_every_pair(points):
    hull = shapely.convex_hull(shapely.MultiPoint(points))
    if hull.geom_type != "Polygon":
        return  # a point or a segment: the pairwise path handles those
    ring = shapely.get_coordinates(hull)[:-1]
    assert math.isclose(_hull_diameter(ring), _pairwise_diameter(ring), rel_tol=1e-12, abs_tol=1e-9)


def test_square_and_regular_polygon():
    square = np.array([[0.0, 0.0], [3.0, 0.0], [3.0, 4.0], [0.0, 4.0]])
    assert _hull_diameter(square) == 5.0
    n = 1001  # odd: no two vertices exactly opposite
    ring = np.array(
        [[math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i in range(n)]
    )
    assert math.isclose(_hull_diameter(ring), _pairwise_diameter(ring), rel_tol=1e-15)


def test_a_fence_of_9999_positions_reports_its_width():
    n = 9_998
    ring = [
        [13.4 + 0.002 * math.cos(2 * math.pi * i / n), 52.5 + 0.002 * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]
    fence = geofences.Fence({"type": "Polygon", "coordinates": [[*ring, ring[0]]]}, None)
    # 0.004 degrees of latitude is about 445 m; the ring is widest north-south in metres.
    assert 440.0 < fence.across_m < 450.0


def test_a_near_zero_hull_edge_does_not_stall_the_calipers():
    """Found by the property test: GEOS kept two vertices 5e-101 apart, the pointer stopped on
    that edge's plateau of zero heights, and the widest pair (adjacent vertices) was missed."""
    ring = np.array([[0.25, -1.0], [0.0, 0.0], [0.0, 5.28107684e-101], [1.0, 0.0]])
    assert _hull_diameter(ring) == _pairwise_diameter(ring) == 1.25
