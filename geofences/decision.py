"""The geofence decision of API.md: ``inside`` / ``uncertain`` / ``outside`` / ``low_accuracy``.

``classify`` is the rule on plain numbers; ``decide`` measures a fix against a ``Fence`` and
applies it with the fence's own ``buffer_m`` and ``max_accuracy_m`` unless overridden.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from geofences.fence import Fence, check_position, check_threshold

DISTANCE_STEP_M: Final = 0.1
ROUNDING_NOISE_M: Final = 1e-6


class DecisionResult(StrEnum):
    """A decision's outcome; members compare equal to their API strings."""

    INSIDE = "inside"
    UNCERTAIN = "uncertain"
    OUTSIDE = "outside"
    LOW_ACCURACY = "low_accuracy"


@dataclass(frozen=True, slots=True)
class Decision:
    """What a punch gets: the result, the reported distance and the fence it was measured to.

    ``distance_m`` is rounded *up* to 0.1 m so that, for thresholds given in tenths of a metre,
    the figure shown does not contradict the result (a fix 10.04 m away with a 10 m buffer is
    ``uncertain`` and reads 10.1, not 10.0); only float noise under a micrometre is rounded
    down. The decision itself used the unrounded distance.
    """

    result: DecisionResult
    distance_m: float
    fence_id: str | None = None


def classify(
    distance_m: float, accuracy_m: float, buffer_m: float, max_accuracy_m: float
) -> DecisionResult:
    """API.md's rule: ``d`` metres from the fence, ``a`` accuracy, ``b`` buffer."""
    if accuracy_m > max_accuracy_m:
        return DecisionResult.LOW_ACCURACY
    if distance_m <= buffer_m:
        return DecisionResult.INSIDE
    if distance_m <= buffer_m + accuracy_m:
        return DecisionResult.UNCERTAIN
    return DecisionResult.OUTSIDE


def round_distance_up(distance_m: float) -> float:
    """Round up to the next 0.1 m; exact tenths (within a micrometre of float noise) stay put."""
    rounded = round(distance_m, 1)
    # round() then a nudge rather than ceil(d * 10) / 10, which turns 0.3 into 0.4 because
    # 0.3 * 10 is 3.0000000000000004 in binary floating point; the micrometre keeps geodesic
    # round-off (15.0000000001) from showing as 15.1.
    if rounded >= distance_m - ROUNDING_NOISE_M:
        return rounded
    return round(rounded + DISTANCE_STEP_M, 1)


def check_accuracy(accuracy_m: object) -> float:
    """The reported accuracy as a float; ``InvalidFix`` unless a finite number of metres > 0."""
    return check_threshold("accuracy_m", accuracy_m, allow_zero=False)


def decision_for_distance(
    fence: Fence,
    distance_m: float,
    accuracy_m: float,
    buffer_m: float | None = None,
    max_accuracy_m: float | None = None,
) -> Decision:
    """Apply the rule to a distance already measured to ``fence`` (used by the index)."""
    return _decision(fence, distance_m, check_accuracy(accuracy_m), buffer_m, max_accuracy_m)


def decide(
    fence: Fence,
    lat: float,
    lon: float,
    accuracy_m: float,
    buffer_m: float | None = None,
    max_accuracy_m: float | None = None,
) -> Decision:
    """Decide a fix against one fence (``buffer_m``/``max_accuracy_m`` default to the fence's).

    The distance is measured even for ``low_accuracy`` so a refused punch still records how far
    away it claimed to be. Raises ``InvalidFix`` for an out-of-range position, an accuracy that
    is not > 0, a negative buffer or a non-positive accuracy limit.
    """
    lat, lon = check_position(lat, lon)
    accuracy = check_accuracy(accuracy_m)  # before measuring: a bad request fails fast
    distance = fence.distance_m_unchecked(lat, lon)
    return _decision(fence, distance, accuracy, buffer_m, max_accuracy_m)


def _decision(
    fence: Fence,
    distance_m: float,
    accuracy_m: float,
    buffer_m: float | None,
    max_accuracy_m: float | None,
) -> Decision:
    buffer = fence.buffer_m
    if buffer_m is not None:
        buffer = check_threshold("buffer_m", buffer_m, allow_zero=True)
    max_accuracy = fence.max_accuracy_m
    if max_accuracy_m is not None:
        max_accuracy = check_threshold("max_accuracy_m", max_accuracy_m, allow_zero=False)
    result = classify(distance_m, accuracy_m, buffer, max_accuracy)
    return Decision(result, round_distance_up(distance_m), fence.fence_id)
