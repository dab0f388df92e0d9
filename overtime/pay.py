"""Gross pay from buckets: ``hours * rate * multiplier`` per line, half-up to the cent.

The rule is API.md's for payroll exports: *hours* is the bucket's ``seconds / 3600`` rounded
half-up to 0.01 h (the figure a file shows), each pay line is those hours x rate x multiplier
rounded half-up to the cent, and gross pay is the sum of the rounded lines. A payroll provider
recomputes pay from the hours and rate it imports, and a clerk checks a row by multiplying, so
the pay must be priced from the hours shown, not from the exact seconds behind them.

``seconds / 3600`` is a repeating decimal for most durations, so the arithmetic is done on exact
integer ratios: a ``Decimal`` division at any finite precision could land just below a ``.005``
that is really a tie, or just above one that is not. Floats are refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from overtime.policy import Policy

SECONDS_PER_HOUR = 3600
CENT = Decimal("0.01")
ONE = Decimal(1)

BucketName = Literal["regular", "overtime", "double_time"]


class BucketTotals(Protocol):
    """Anything carrying the three bucket totals (every result of the engine does)."""

    @property
    def regular_seconds(self) -> int: ...
    @property
    def overtime_seconds(self) -> int: ...
    @property
    def double_time_seconds(self) -> int: ...


@dataclass(frozen=True)
class PayLine:
    """One bucket's pay: ``amount`` = ``hours * rate * multiplier``, rounded (``hours`` is
    ``seconds / 3600`` rounded to 0.01 h first)."""

    bucket: BucketName
    seconds: int
    rate: Decimal
    multiplier: Decimal
    amount: Decimal

    @property
    def hours(self) -> Decimal:
        """The hours shown and priced: 2 places, half-up."""
        return seconds_to_hours(self.seconds)


@dataclass(frozen=True)
class GrossPay:
    """The three pay lines (always all three, zero lines included) and their sum."""

    lines: tuple[PayLine, PayLine, PayLine]
    gross: Decimal

    def line(self, bucket: BucketName) -> PayLine:
        return next(line for line in self.lines if line.bucket == bucket)


def _exact(name: str, value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{name} must be a Decimal, int or decimal string, not {value!r}")
    result = Decimal(value)
    if not result.is_finite() or result < 0:
        raise ValueError(f"{name} must be a finite, non-negative amount, not {value!r}")
    return result


def _round_half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """``numerator / denominator`` (both >= 0, denominator > 0) rounded half-up, exactly."""
    units, remainder = divmod(numerator * 10**places, denominator)
    if 2 * remainder >= denominator:
        units += 1
    # scaleb keeps the exponent, so 0 becomes 0.00 and 5 cents 0.05, independent of context.
    return Decimal(units).scaleb(-places)


def pay_amount(
    seconds: int, rate: Decimal | int | str, multiplier: Decimal | int | str = 1
) -> Decimal:
    """``seconds / 3600`` rounded half-up to 0.01 h, ``* rate * multiplier``, rounded half-up
    to the cent: 2200 s (0.61 h) at 25.00 x 1.5 is 22.88 (the exact hours would give 22.92)."""
    return _amount(
        seconds, _exact("rate", rate).as_integer_ratio(), _exact("multiplier", multiplier)
    )


def _amount(seconds: int, rate: tuple[int, int], multiplier: Decimal) -> Decimal:
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError("seconds must be a non-negative int")
    mult_num, mult_den = multiplier.as_integer_ratio()
    hundredths = _hundredths(seconds)
    return _round_half_up(hundredths * rate[0] * mult_num, 100 * rate[1] * mult_den, places=2)


def _hundredths(seconds: int) -> int:
    """``seconds / 3600`` in hundredths of an hour, half-up: the hours a file shows, x 100."""
    return (2 * seconds + SECONDS_PER_HOUR // 100) // (2 * SECONDS_PER_HOUR // 100)


def pay_amounts(
    buckets: BucketTotals, hourly_rate: Decimal, policy: Policy
) -> tuple[Decimal, Decimal, Decimal]:
    """The three amounts of :func:`gross_pay` (regular, overtime, double time) without the
    :class:`PayLine` objects: the same arithmetic, for pricing many employees at once."""
    rate = _exact("hourly_rate", hourly_rate).as_integer_ratio()
    return (
        _amount(buckets.regular_seconds, rate, ONE),
        _amount(buckets.overtime_seconds, rate, policy.overtime_multiplier),
        _amount(buckets.double_time_seconds, rate, policy.double_time_multiplier),
    )


def seconds_to_hours(seconds: int, places: int = 2) -> Decimal:
    """Hours for display, half-up: 5400 → ``1.50``, 18 → ``0.01``, 17 → ``0.00``."""
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    return _round_half_up(seconds, SECONDS_PER_HOUR, places)


def gross_pay(
    buckets: BucketTotals,
    hourly_rate: Decimal | int | str,
    policy: Policy | None = None,
    *,
    overtime_multiplier: Decimal | int | str | None = None,
    double_time_multiplier: Decimal | int | str | None = None,
) -> GrossPay:
    """Pay lines and gross for ``buckets`` at ``hourly_rate``.

    Multipliers come from the keyword arguments, else from ``policy``, else 1.5 and 2.0.
    """
    policy_overtime = policy.overtime_multiplier if policy is not None else None
    policy_double = policy.double_time_multiplier if policy is not None else None
    overtime = _pick(overtime_multiplier, policy_overtime, Decimal("1.5"))
    double = _pick(double_time_multiplier, policy_double, Decimal("2.0"))
    rate = _exact("hourly_rate", hourly_rate)
    ratio = rate.as_integer_ratio()  # once per call: summaries price many employees
    lines = (
        _line("regular", buckets.regular_seconds, rate, ratio, ONE),
        _line("overtime", buckets.overtime_seconds, rate, ratio, overtime),
        _line("double_time", buckets.double_time_seconds, rate, ratio, double),
    )
    return GrossPay(lines=lines, gross=sum((line.amount for line in lines), Decimal("0.00")))


def _pick(*candidates: Decimal | int | str | None) -> Decimal:
    value = next(c for c in candidates if c is not None)
    return _exact("multiplier", value)


def _line(
    bucket: BucketName, seconds: int, rate: Decimal, ratio: tuple[int, int], multiplier: Decimal
) -> PayLine:
    return PayLine(bucket, seconds, rate, multiplier, _amount(seconds, ratio, multiplier))
