"""All hours and money arithmetic of the exports, in one place.

Integer seconds and ``Decimal`` rates go in, ``Decimal`` comes out; no float is ever involved,
because binary floating point cannot represent amounts such as 10.005 and would round them down.

Rules (API.md, "Overtime, summaries and exports"; DESIGN.md, "Time"):

- Hours shown in a file are ``seconds / 3600`` rounded half-up to 2 places (``41.50``).
- Each pay line is those 2-place hours ``x rate x multiplier`` rounded half-up to the cent. A
  payroll provider recomputes pay from the hours and rate it imports, and a clerk checks a row
  by multiplying, so the pay is priced from the hours the file shows, never from the exact
  seconds behind them (which could differ by cents: 2200 s is 0.61 h, 22.88 at 25.00 x 1.5,
  where the exact 0.6111 h would give 22.92).
- ``gross_pay`` is the sum of the already rounded pay lines, so every row adds up.
  ``overtime.pay`` prices weekly summaries by the same rule, so a one-week export's
  ``gross_pay`` is the summary's.

The arithmetic is carried out on exact fractions, so the half-up decision at the cent boundary is
never blurred by an intermediate rounding of a repeating decimal such as 1/3600.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payroll_exports.rows import EmployeeTotals

SECONDS_PER_HOUR = 3600
HOURS_PLACES = 2
MONEY_PLACES = 2


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact value half away from zero to ``places`` decimals, exactly."""
    scaled = abs(value) * 10**places
    units = math.floor(scaled + Fraction(1, 2))
    sign = 1 if value < 0 and units else 0
    # The tuple constructor is exact whatever the decimal context's precision.
    return Decimal((sign, tuple(int(d) for d in str(units)), -places))


def _ratio_half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """``numerator / denominator`` (numerator >= 0, denominator > 0) rounded half-up, exactly:
    what :func:`round_half_up` gives for the same fraction, with integers only (an export
    prices tens of thousands of lines, and ``Fraction`` normalises at every step)."""
    units = (2 * numerator * 10**places + denominator) // (2 * denominator)
    return Decimal((0, tuple(int(d) for d in str(units)), -places))


def hours(seconds: int) -> Decimal:
    """Hours with 2 places, half-up: 5400 → ``Decimal('1.50')``, 18 → ``Decimal('0.01')``."""
    if seconds < 0:
        return round_half_up(Fraction(seconds, SECONDS_PER_HOUR), HOURS_PLACES)
    return _ratio_half_up(seconds, SECONDS_PER_HOUR, HOURS_PLACES)


def pay_line(seconds: int, rate: Decimal, multiplier: Decimal = Decimal(1)) -> Decimal:
    """``hours(seconds) x rate x multiplier`` rounded half-up to the cent (see module doc)."""
    shown = hours(seconds)
    if seconds < 0 or rate < 0 or multiplier < 0:  # rows never carry one; keep the sign rule
        return round_half_up(Fraction(shown) * Fraction(rate) * Fraction(multiplier), MONEY_PLACES)
    hours_num, hours_den = shown.as_integer_ratio()
    rate_num, rate_den = rate.as_integer_ratio()
    mult_num, mult_den = multiplier.as_integer_ratio()
    return _ratio_half_up(
        hours_num * rate_num * mult_num, hours_den * rate_den * mult_den, MONEY_PLACES
    )


def format_amount(value: Decimal) -> str:
    """A 2-place decimal string without grouping or exponent (``1077.38``, ``0.00``)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def format_rate(rate: Decimal) -> str:
    """An hourly rate with at least 2 places, never rounded.

    ``25.5`` → ``25.50``; a sub-cent rate such as ``15.125`` keeps its digits, because rounding
    it would print a rate that does not produce the pay lines next to it.
    """
    normalized = rate.normalize()
    exponent = normalized.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_PLACES:
        return f"{normalized:f}"
    return f"{rate.quantize(Decimal('0.01')):f}"


@dataclass(frozen=True, slots=True)
class PayLines:
    """The hours and money of one employee's export row, already rounded."""

    regular_hours: Decimal
    overtime_hours: Decimal
    double_time_hours: Decimal
    hourly_rate: Decimal
    regular_pay: Decimal
    overtime_pay: Decimal
    double_time_pay: Decimal

    @property
    def gross_pay(self) -> Decimal:
        """Sum of the rounded pay lines."""
        return self.regular_pay + self.overtime_pay + self.double_time_pay

    @property
    def has_hours(self) -> bool:
        """Whether any bucket shows a non-zero 2-place figure."""
        return any((self.regular_hours, self.overtime_hours, self.double_time_hours))


def compute_pay(totals: EmployeeTotals) -> PayLines:
    """Hours and pay lines for one employee's period totals."""
    return PayLines(
        regular_hours=hours(totals.regular_seconds),
        overtime_hours=hours(totals.overtime_seconds),
        double_time_hours=hours(totals.double_time_seconds),
        hourly_rate=totals.hourly_rate,
        regular_pay=pay_line(totals.regular_seconds, totals.hourly_rate),
        overtime_pay=pay_line(
            totals.overtime_seconds, totals.hourly_rate, totals.overtime_multiplier
        ),
        double_time_pay=pay_line(
            totals.double_time_seconds, totals.hourly_rate, totals.double_time_multiplier
        ),
    )
