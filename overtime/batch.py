"""Many workweeks at once: allocation from daily totals and pricing, on integer arrays (numpy).

This is the engine's allocation of whole workdays (:func:`overtime.allocate_day_totals` is this
function on one week), written over arrays because the summaries and exports allocate tens of
thousands of employee-weeks per run and a Python loop costs ~14 µs a week. Every value is an
integer count of seconds or of cents (``int64``, or Python ints in object arrays when the
products could overflow), so the results are exact, never floats.

Allocation of one week from its seven workdays' worked seconds ``w[0..6]`` (see
:mod:`overtime.rules` for the rules):

- **seventh day** (``seventh_day_rule`` and every workday worked): day 6 is overtime up to the
  seventh-day limit (the daily overtime threshold, 8 h by default, or the daily double-time
  threshold when lower) and double time beyond it; it counts nothing toward the weekly
  threshold;
- **daily**, on the other days: double time beyond ``daily_double_time_after``, overtime between
  the two thresholds, the rest regular-eligible;
- **weekly**: regular-eligible seconds are counted in day order, those past
  ``weekly_overtime_after`` become overtime: day ``i`` keeps as regular
  ``min(eligible[i], max(0, limit - sum(eligible[:i])))``.

Pricing (:func:`pay_cents`) is :func:`overtime.pay.pay_amount`'s arithmetic on arrays: the
hours rounded half-up to 0.01 h, times ``rate * multiplier``, rounded half-up to the cent, on
exact integer ratios.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from overtime.policy import Policy

SECONDS_PER_HOUR = 3600
INT64_SAFE = 2**62  # products below this cannot overflow int64 in the rounding below

IntArray = np.ndarray[Any, np.dtype[Any]]


@dataclass(frozen=True)
class WeeksAllocation:
    """``n`` weeks allocated: ``(n, 7)`` arrays per bucket (day order), and per week whether
    the seventh-day rule applied and how many regular-eligible seconds the weekly threshold
    turned into overtime."""

    regular: IntArray
    overtime: IntArray
    double_time: IntArray
    seventh_day: IntArray  # bool, (n,)
    weekly_overtime: IntArray  # (n,)

    def totals(self) -> tuple[IntArray, IntArray, IntArray]:
        """Per week: regular, overtime and double-time seconds, ``(n,)`` each."""
        return self.regular.sum(axis=1), self.overtime.sum(axis=1), self.double_time.sum(axis=1)


def as_weeks(worked_by_day: Any) -> IntArray:
    """``worked_by_day`` as an ``(n, 7)`` int64 array, after the engine's checks."""
    weeks = np.asarray(worked_by_day)
    if weeks.ndim != 2 or weeks.shape[1] != 7:
        raise ValueError("a workweek has seven workdays")
    if weeks.size and (weeks.dtype.kind not in "iu" or weeks.min() < 0):
        raise ValueError("worked seconds must be non-negative ints")
    return weeks.astype(np.int64, copy=False)


def allocate_weeks(worked_by_day: Any, policy: Policy) -> WeeksAllocation:
    """Allocate ``n`` workweeks given each one's seven workdays' worked seconds (``(n, 7)``)."""
    worked = as_weeks(worked_by_day)
    overtime_after = policy.daily_overtime_after_seconds
    double_after = policy.daily_double_time_after_seconds
    weekly_after = policy.weekly_overtime_after_seconds

    double = np.zeros_like(worked)
    if double_after is not None:
        double = np.maximum(worked - double_after, 0)
    capped = worked - double
    overtime = np.zeros_like(worked)
    if overtime_after is not None:
        overtime = np.maximum(capped - overtime_after, 0)
    eligible = capped - overtime

    if policy.seventh_day_rule:
        seventh: IntArray = np.asarray((worked > 0).all(axis=1))
    else:
        seventh = np.zeros(worked.shape[0], dtype=bool)
    if seventh.any():
        limit = policy.seventh_day_double_time_after_seconds
        if double_after is not None and double_after < limit:
            limit = double_after
        sunday = worked[seventh, 6]
        overtime[seventh, 6] = np.minimum(sunday, limit)
        double[seventh, 6] = sunday - overtime[seventh, 6]
        eligible[seventh, 6] = 0  # premium already: not counted toward the weekly threshold

    regular = eligible
    if weekly_after is not None:
        before = np.cumsum(eligible, axis=1) - eligible  # eligible seconds of the earlier days
        regular = np.minimum(eligible, np.maximum(weekly_after - before, 0))
    weekly_overtime = eligible - regular
    return WeeksAllocation(
        regular=regular,
        overtime=overtime + weekly_overtime,
        double_time=double,
        seventh_day=seventh,
        weekly_overtime=weekly_overtime.sum(axis=1),
    )


def rate_ratios(rates: list[Decimal]) -> tuple[IntArray, IntArray]:
    """Each rate as an exact integer ratio: numerators and denominators (each distinct rate is
    converted once: a payroll has few)."""
    ratios: dict[Decimal, tuple[int, int]] = {}
    numerators, denominators = [], []
    for rate in rates:
        ratio = ratios.get(rate)
        if ratio is None:
            if not rate.is_finite() or rate < 0:
                raise ValueError(f"hourly_rate must be a finite, non-negative amount, not {rate}")
            ratio = ratios[rate] = rate.as_integer_ratio()
        numerators.append(ratio[0])
        denominators.append(ratio[1])
    return _integers(numerators), _integers(denominators)


def pay_cents(
    seconds: IntArray, rate_num: IntArray, rate_den: IntArray, multiplier: Decimal
) -> IntArray:
    """Hours rounded half-up to 0.01 h, ``* rate * multiplier`` rounded half-up, in whole cents,
    element-wise (``rate = rate_num / rate_den``): `overtime.pay.pay_amount`, times 100."""
    mult_num, mult_den = multiplier.as_integer_ratio()
    # half-up of N / D for N >= 0: floor((2N + D) / 2D); hundredths of an hour = seconds / 36
    hundredths = (2 * seconds + SECONDS_PER_HOUR // 100) // (2 * SECONDS_PER_HOUR // 100)
    numerator = [hundredths, rate_num, mult_num * 2]
    denominator = [rate_den, mult_den]
    if not _fits(numerator) or not _fits(denominator, 2):
        # Python ints in object arrays: slower, never wrong.
        hundredths, rate_num, rate_den = (
            a.astype(object) for a in (hundredths, rate_num, rate_den)
        )
    # cents = hundredths / 100 h x rate x multiplier x 100 cents
    double_num = hundredths * rate_num * (mult_num * 2)
    den = rate_den * mult_den
    return (double_num + den) // (2 * den)


def _fits(factors: list[Any], margin: int = 1) -> bool:
    bound = margin
    for factor in factors:
        if isinstance(factor, np.ndarray):
            factor = int(np.max(factor)) if factor.size else 1
        bound *= max(1, int(factor))
    return bound < INT64_SAFE // 4


def _integers(values: list[int]) -> IntArray:
    if values and max(values) >= INT64_SAFE:
        return np.array(values, dtype=object)
    return np.array(values, dtype=np.int64)
