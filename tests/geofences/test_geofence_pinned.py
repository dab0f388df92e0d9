"""Geofence behaviour that a mutation run (issue 20, docs/MUTATION.md) found no test reaching:
the index's thresholds passed through, ``Fence.from_shape`` and iterating an index."""

from __future__ import annotations

import pytest

from geofences import Decision, DecisionResult, Fence, FenceIndex
from geofences.decision import decision_for_distance
from geofences.geometry import parse_geometry

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
