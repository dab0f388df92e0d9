"""API.md's decision: low_accuracy / inside / uncertain / outside, with exact boundaries."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from geofences import Decision, DecisionResult, Fence, InvalidFix, classify, decide
from geofences.decision import round_distance_up

CENTRE = (52.52, 13.405)  # lat, lon


@pytest.fixture(scope="module")
def circle() -> Fence:
    return Fence(
        {"type": "Point", "coordinates": [CENTRE[1], CENTRE[0]]},
        50.0,
        fence_id="site-1",
        buffer_m=10.0,
        max_accuracy_m=30.0,
    )


@pytest.mark.parametrize(
    ("distance_m", "accuracy_m", "buffer_m", "max_accuracy_m", "expected"),
    [
        (0.0, 5.0, 0.0, 100.0, "inside"),
        (10.0, 5.0, 10.0, 100.0, "inside"),  # d == b is inside
        (10.000000000000002, 5.0, 10.0, 100.0, "uncertain"),  # the next float up is not
        (15.0, 5.0, 10.0, 100.0, "uncertain"),  # d == b + a is uncertain
        (15.000000000000002, 5.0, 10.0, 100.0, "outside"),
        (0.0, 100.0, 0.0, 100.0, "inside"),  # a == max accuracy is still usable
        (0.0, 100.00000000000001, 0.0, 100.0, "low_accuracy"),  # a > max, even when inside
        (5_000.0, 150.0, 0.0, 100.0, "low_accuracy"),
        (0.5, 1.0, 0.0, 100.0, "uncertain"),
        (1.5, 1.0, 0.0, 100.0, "outside"),
    ],
)
def test_classify(
    distance_m: float, accuracy_m: float, buffer_m: float, max_accuracy_m: float, expected: str
) -> None:
    assert classify(distance_m, accuracy_m, buffer_m, max_accuracy_m) == expected


def test_results_are_the_api_strings() -> None:
    assert [r.value for r in DecisionResult] == ["inside", "uncertain", "outside", "low_accuracy"]
    assert DecisionResult.LOW_ACCURACY == "low_accuracy"


def fix_at(geo, distance_from_centre_m: float) -> tuple[float, float]:
    lon, lat = geo.offset(CENTRE[0], CENTRE[1], 37.0, distance_from_centre_m)
    return lat, lon


def test_fence_thresholds_apply_by_default(geo, circle: Fence) -> None:
    assert decide(circle, *fix_at(geo, 20.0), accuracy_m=8.0) == Decision(
        DecisionResult.INSIDE, 0.0, "site-1"
    )
    lat, lon = fix_at(geo, 58.0)  # 8 m outside the rim, inside the 10 m buffer
    assert decide(circle, lat, lon, accuracy_m=8.0).result == "inside"
    lat, lon = fix_at(geo, 65.0)  # 15 m out: beyond the buffer, within buffer + accuracy
    decision = decide(circle, lat, lon, accuracy_m=8.0)
    assert (decision.result, decision.distance_m) == ("uncertain", 15.0)
    lat, lon = fix_at(geo, 70.0)
    assert decide(circle, lat, lon, accuracy_m=8.0).result == "outside"
    assert decide(circle, *fix_at(geo, 0.0), accuracy_m=31.0).result == "low_accuracy"


def test_arguments_override_the_fence_thresholds(geo, circle: Fence) -> None:
    lat, lon = fix_at(geo, 58.0)
    assert decide(circle, lat, lon, accuracy_m=5.0, buffer_m=0.0).result == "outside"
    assert decide(circle, lat, lon, accuracy_m=50.0, max_accuracy_m=60.0).result == "inside"


def test_exact_distance_boundaries_through_a_real_fence(geo, circle: Fence) -> None:
    lat, lon = fix_at(geo, 87.3)
    d = circle.distance_m(lat, lon)
    assert d == pytest.approx(37.3, abs=1e-6)
    assert decide(circle, lat, lon, accuracy_m=1.0, buffer_m=d).result == "inside"
    below = math.nextafter(d, 0.0)
    assert decide(circle, lat, lon, accuracy_m=1.0, buffer_m=below).result == "uncertain"
    # b + a == d exactly (d - b is exact for b in [d/2, d], and adding it back gives d).
    buffer_m = d / 2.0
    accuracy_m = d - buffer_m
    assert buffer_m + accuracy_m == d
    assert decide(circle, lat, lon, accuracy_m=accuracy_m, buffer_m=buffer_m).result == "uncertain"
    smaller = accuracy_m - 1e-9
    assert buffer_m + smaller < d
    assert decide(circle, lat, lon, accuracy_m=smaller, buffer_m=buffer_m).result == "outside"


def test_low_accuracy_still_reports_the_distance(geo, circle: Fence) -> None:
    decision = decide(circle, *fix_at(geo, 250.0), accuracy_m=500.0)
    assert (decision.result, decision.distance_m, decision.fence_id) == (
        "low_accuracy",
        200.0,
        "site-1",
    )


def test_reported_distance_is_rounded_up_to_a_tenth(geo, circle: Fence) -> None:
    lat, lon = fix_at(geo, 60.04)  # 10.04 m out with a 10 m buffer: uncertain, shown as 10.1
    decision = decide(circle, lat, lon, accuracy_m=5.0)
    assert (decision.result, decision.distance_m) == ("uncertain", 10.1)


@pytest.mark.parametrize(
    ("distance_m", "shown"),
    [
        (0.0, 0.0),
        (0.3, 0.3),
        (10.0, 10.0),
        (10.04, 10.1),
        (10.1, 10.1),
        (10.11, 10.2),
        (0.001, 0.1),
        (15.0000000001, 15.0),  # geodesic round-off is not a tenth of a metre
        (15.000002, 15.1),
    ],
)
def test_round_distance_up(distance_m: float, shown: float) -> None:
    assert round_distance_up(distance_m) == shown


@pytest.mark.parametrize(
    "kwargs",
    [
        {"lat": 91.0, "lon": 0.0, "accuracy_m": 5.0},
        {"lat": 0.0, "lon": -181.0, "accuracy_m": 5.0},
        {"lat": math.nan, "lon": 0.0, "accuracy_m": 5.0},
        {"lat": 0.0, "lon": 0.0, "accuracy_m": 0.0},
        {"lat": 0.0, "lon": 0.0, "accuracy_m": -3.0},
        {"lat": 0.0, "lon": 0.0, "accuracy_m": math.inf},
        {"lat": 0.0, "lon": 0.0, "accuracy_m": 5.0, "buffer_m": -1.0},
        {"lat": 0.0, "lon": 0.0, "accuracy_m": 5.0, "max_accuracy_m": 0.0},
    ],
)
def test_bad_fix_or_threshold_is_refused(circle: Fence, kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidFix):
        decide(circle, **kwargs)


def test_fence_refuses_bad_thresholds() -> None:
    point = {"type": "Point", "coordinates": [0.0, 0.0]}
    with pytest.raises(InvalidFix, match="buffer_m must be a finite number >= 0"):
        Fence(point, 10.0, buffer_m=-0.5)
    with pytest.raises(InvalidFix, match="max_accuracy_m must be a finite number > 0"):
        Fence(point, 10.0, max_accuracy_m=0.0)
    defaults = Fence(point, 10.0)
    assert (defaults.buffer_m, defaults.max_accuracy_m) == (0.0, 100.0)


def test_fix_on_the_rim_of_a_circle_is_inside(geo, circle: Fence) -> None:
    # Geod.fwd then Geod.inv round-trips to ~1e-9 m, not exactly: still on the boundary.
    lat, lon = fix_at(geo, 50.0)
    assert circle.distance_m(lat, lon) == 0.0
    assert decide(circle, lat, lon, accuracy_m=1.0, buffer_m=0.0).result == "inside"


def test_decimal_inputs_from_a_database_are_numbers() -> None:
    fence = Fence(
        {"type": "Point", "coordinates": [Decimal("13.405"), Decimal("52.52")]},
        Decimal("50"),
        buffer_m=Decimal("10"),
        max_accuracy_m=Decimal("30"),
    )
    assert (fence.buffer_m, fence.max_accuracy_m) == (10.0, 30.0)
    decision = decide(fence, Decimal("52.52"), Decimal("13.405"), Decimal("8"))
    assert decision == Decision(DecisionResult.INSIDE, 0.0)
    with pytest.raises(InvalidFix, match="accuracy_m must be a number"):
        decide(fence, 52.52, 13.405, True)
