"""Hours and pay rounding: hours half-up to 0.01 h, pay from those hours half-up at the cent,
never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll_exports import EmployeeTotals, compute_pay, hours, pay_line, round_half_up
from payroll_exports.money import format_amount, format_rate


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "0.00"),
        (17, "0.00"),  # 0.004722 h
        (18, "0.01"),  # exactly 0.005 h: half-up, not down
        (90, "0.03"),  # exactly 0.025 h: half-even would give 0.02
        (5400, "1.50"),
        (149400, "41.50"),
        (7201, "2.00"),
    ],
)
def test_hours_round_half_up_to_two_places(seconds: int, expected: str) -> None:
    result = hours(seconds)
    assert str(result) == expected
    assert isinstance(result, Decimal)


@pytest.mark.parametrize(
    ("seconds", "rate", "multiplier", "expected"),
    [
        (1800, "25.50", "1.5", "19.13"),  # 19.125: half-even would give 19.12
        (5400, "25.50", "1.5", "57.38"),  # 57.375
        (3600, "10.005", "1", "10.01"),  # float(10.005) is 10.00499… and would round to 10.00
        (18, "1.00", "1", "0.01"),  # 18 s is 0.005 h, shown and priced as 0.01 h
        (17, "100.00", "1", "0.00"),  # 0.0047 h is 0.00 h: nothing to pay
        (2200, "25.00", "1.5", "22.88"),  # 0.61 h x 37.50 = 22.875; the exact 0.6111 h: 22.92
        (1, "18.00", "1", "0.00"),  # 0.00 h
        (144000, "25.50", "1", "1020.00"),
        (0, "99.99", "2.0", "0.00"),
    ],
)
def test_pay_line_rounds_half_up_to_the_cent(
    seconds: int, rate: str, multiplier: str, expected: str
) -> None:
    assert str(pay_line(seconds, Decimal(rate), Decimal(multiplier))) == expected


def test_pay_is_priced_from_the_hours_shown() -> None:
    # 100 s is 0.0277… h, shown as 0.03: the line is 0.03 x 36.00 = 1.08 (the exact hours would
    # give 1.00, and a provider multiplying the file's hours by its rate would not find it).
    assert hours(100) == Decimal("0.03")
    assert pay_line(100, Decimal("36.00")) == Decimal("1.08")
    # The row: 36 s at 25.00 is 0.01 h and 0.25, never 0.15 (a clerk's 0.01 x 25.00).
    assert (hours(36), pay_line(36, Decimal("25.00"))) == (Decimal("0.01"), Decimal("0.25"))


def test_compute_pay_gross_is_sum_of_rounded_lines() -> None:
    row = EmployeeTotals(
        employee_number="1",
        first_name="A",
        last_name="B",
        hourly_rate=Decimal("25.50"),
        regular_seconds=1800,  # 0.50 h: 12.75
        overtime_seconds=1800,  # 0.50 h x 38.25 = 19.125 → 19.13
        double_time_seconds=18,  # 0.01 h x 51.00 = 0.51
    )
    pay = compute_pay(row)
    assert (pay.regular_pay, pay.overtime_pay, pay.double_time_pay) == (
        Decimal("12.75"),
        Decimal("19.13"),
        Decimal("0.51"),
    )
    # 12.75 + 19.13 + 0.51: the sum of the lines as written, so the row adds up.
    assert pay.gross_pay == Decimal("32.39")
    assert pay.has_hours


def test_custom_multipliers_are_used() -> None:
    row = EmployeeTotals(
        employee_number="1",
        first_name="A",
        last_name="B",
        hourly_rate=Decimal("20.00"),
        overtime_seconds=3600,
        double_time_seconds=3600,
        overtime_multiplier=Decimal("1.75"),
        double_time_multiplier=Decimal("3"),
    )
    pay = compute_pay(row)
    assert (pay.overtime_pay, pay.double_time_pay) == (Decimal("35.00"), Decimal("60.00"))


def test_round_half_up_negative_and_huge_values_are_exact() -> None:
    assert str(round_half_up(Fraction(-5, 1000), 2)) == "-0.01"
    assert str(round_half_up(Fraction(-4, 1000), 2)) == "0.00"
    huge = Fraction(10**40 + 5, 1000)  # beyond the 28-digit default decimal context
    assert str(round_half_up(huge, 2)) == "1" + "0" * 37 + ".01"  # 10**37 + 0.005


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("25.5", "25.50"),
        ("25", "25.00"),
        ("15.125", "15.125"),
        ("15.1250", "15.125"),
        ("1E+2", "100.00"),
    ],
)
def test_format_rate_keeps_sub_cent_digits(rate: str, expected: str) -> None:
    assert format_rate(Decimal(rate)) == expected


def test_format_amount_never_uses_exponent() -> None:
    assert format_amount(Decimal("0")) == "0.00"
    assert format_amount(Decimal("1E+3")) == "1000.00"


@given(
    seconds=st.integers(min_value=0, max_value=400 * 3600),
    rate_cents=st.integers(min_value=0, max_value=100_000),
    rate_extra=st.integers(min_value=0, max_value=99),
    multiplier=st.sampled_from(["1", "1.5", "2.0", "1.25"]),
)
def test_pay_line_matches_high_precision_decimal(
    seconds: int, rate_cents: int, rate_extra: int, multiplier: str
) -> None:
    rate = Decimal(rate_cents) / 100 + Decimal(rate_extra) / 10_000
    with localcontext() as context:
        context.prec = 60
        shown = (Decimal(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        exact = shown * rate * Decimal(multiplier)
        expected = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert pay_line(seconds, rate, Decimal(multiplier)) == expected
    assert pay_line(seconds, rate, Decimal(multiplier)).as_tuple().exponent == -2


@settings(max_examples=500, deadline=None)
@given(
    seconds=st.integers(0, 10**7),
    rate=st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False),
    multiplier=st.sampled_from(["1", "1.5", "2.0", "1.75", "2.5", "1.333"]),
)
def test_integer_pricing_equals_the_fraction_definition(
    seconds: int, rate: Decimal, multiplier: str
) -> None:
    """The integer-only fast path gives exactly round_half_up of the exact fraction of the
    2-place hours."""
    shown = round_half_up(Fraction(seconds, 3600), 2)
    exact = Fraction(shown) * Fraction(rate) * Fraction(Decimal(multiplier))
    assert pay_line(seconds, rate, Decimal(multiplier)) == round_half_up(exact, 2)
    assert str(pay_line(seconds, rate, Decimal(multiplier))) == str(round_half_up(exact, 2))
    assert str(hours(seconds)) == str(round_half_up(Fraction(seconds, 3600), 2))
