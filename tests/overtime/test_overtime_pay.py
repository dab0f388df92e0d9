"""Gross pay: hours (half-up to 0.01 h) x rate x multiplier, each line half-up to the cent, then
summed."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overtime import Buckets, Policy, gross_pay, pay_amount, seconds_to_hours

H = 3600


@pytest.mark.parametrize(
    ("seconds", "rate", "multiplier", "expected"),
    [
        (1800, "10.01", "1", "5.01"),  # 5.005 -> up (banker's rounding would give 5.00)
        (3600, "12.35", "1.5", "18.53"),  # 18.525 -> up
        (1800, "10.03", "1", "5.02"),  # 5.015 -> up (float would give 5.01)
        (18, "1.00", "1", "0.01"),  # 0.005 h shows (and pays) as 0.01 h
        (1, "18.00", "1", "0.00"),  # 0.00 h
        (100, "36.00", "1", "1.08"),  # 0.03 h x 36 (the exact hours would give 1.00)
        (1000, "25.00", "1", "7.00"),  # 0.28 h x 25 (exact: 6.944...)
        (2200, "25.00", "1.5", "22.88"),  # 0.61 h x 37.50 = 22.875 (exact: 22.916...)
        (18_000, "12.35", "1.5", "92.63"),  # 92.625
        (0, "99.99", "2.0", "0.00"),
        (3600, "0", "1.5", "0.00"),
        (1_000_000_000, "123.4567", "2.0", "68587056.10"),  # 277777.78 h x 246.9134
    ],
)
def test_pay_amount(seconds: int, rate: str, multiplier: str, expected: str) -> None:
    amount = pay_amount(seconds, Decimal(rate), Decimal(multiplier))
    assert amount == Decimal(expected)
    assert str(amount) == expected


def test_gross_is_the_sum_of_rounded_lines() -> None:
    # 0.50 h, 0.33 h x 1.5, 0.25 h x 2: 5.005, 4.95495, 5.005 round to 5.01, 4.95, 5.01; the
    # exact total 14.96495 would round to 14.96.
    pay = gross_pay(Buckets(1800, 1200, 900), Decimal("10.01"))
    assert [(line.bucket, line.amount) for line in pay.lines] == [
        ("regular", Decimal("5.01")),
        ("overtime", Decimal("4.95")),
        ("double_time", Decimal("5.01")),
    ]
    assert pay.gross == Decimal("14.97")


def test_flsa_45_hour_week_pay() -> None:
    pay = gross_pay(Buckets(40 * H, 5 * H, 0), Decimal("22.50"), Policy.for_rule("flsa"))
    assert pay.line("regular").amount == Decimal("900.00")
    assert pay.line("overtime").amount == Decimal("168.75")
    assert pay.line("double_time").amount == Decimal("0.00")
    assert str(pay.gross) == "1068.75"


def test_california_week_pay_with_double_time() -> None:
    # 40 h x 19.99 = 799.60; 21 h x 19.99 x 1.5 = 629.685 -> 629.69; 1 h x 19.99 x 2 = 39.98.
    pay = gross_pay(Buckets(144_000, 75_600, 3_600), "19.99", Policy.for_rule("california"))
    assert [line.amount for line in pay.lines] == [
        Decimal("799.60"),
        Decimal("629.69"),
        Decimal("39.98"),
    ]
    assert pay.gross == Decimal("1469.27")
    assert [line.multiplier for line in pay.lines] == [Decimal(1), Decimal("1.5"), Decimal("2.0")]
    assert [line.hours for line in pay.lines] == [
        Decimal("40.00"),
        Decimal("21.00"),
        Decimal("1.00"),
    ]


def test_multipliers_from_policy_and_keyword_overrides() -> None:
    policy = Policy.for_rule("custom", overtime_multiplier="1.75", double_time_multiplier="2.5")
    pay = gross_pay(Buckets(0, 2 * H, H), Decimal(20), policy)
    assert [line.amount for line in pay.lines] == [
        Decimal("0.00"),
        Decimal("70.00"),
        Decimal("50.00"),
    ]
    assert pay.gross == Decimal("120.00")
    override = gross_pay(Buckets(0, 2 * H, H), 20, policy, overtime_multiplier=Decimal(2))
    assert override.line("overtime").amount == Decimal("80.00")
    assert override.line("double_time").amount == Decimal("50.00")
    default = gross_pay(Buckets(0, 2 * H, H), 20)
    assert [line.multiplier for line in default.lines] == [
        Decimal(1),
        Decimal("1.5"),
        Decimal("2.0"),
    ]
    assert default.gross == Decimal("100.00")


def test_gross_of_nothing_is_zero_with_two_places() -> None:
    assert str(gross_pay(Buckets(), Decimal("15.00")).gross) == "0.00"


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(5400, "1.50"), (18, "0.01"), (17, "0.00"), (0, "0.00"), (149_400, "41.50"), (30, "0.01")],
)
def test_seconds_to_hours_for_display(seconds: int, expected: str) -> None:
    assert str(seconds_to_hours(seconds)) == expected


def test_seconds_to_hours_other_places() -> None:
    assert str(seconds_to_hours(1, places=6)) == "0.000278"
    with pytest.raises(ValueError):
        seconds_to_hours(-1)


def test_inexact_or_negative_inputs_are_refused() -> None:
    with pytest.raises(TypeError):
        pay_amount(3600, 10.01)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gross_pay(Buckets(H, 0, 0), 10.01)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pay_amount(3600, Decimal("-1"))
    with pytest.raises(ValueError):
        pay_amount(-1, Decimal(10))
    with pytest.raises(ValueError):
        pay_amount(3600, Decimal("Infinity"))


def half_up_cents(value: Fraction) -> Decimal:
    return Decimal(math.floor(value * 100 + Fraction(1, 2))) / 100


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.integers(0, 10**7),
    cents=st.integers(0, 100_000),
    rate_places=st.integers(2, 4),
    multiplier=st.sampled_from(["1", "1.5", "2.0", "1.75", "2.25", "1.333"]),
)
def test_pay_amount_matches_exact_fraction_arithmetic(
    seconds: int, cents: int, rate_places: int, multiplier: str
) -> None:
    rate = Decimal(cents).scaleb(-rate_places)
    shown = Fraction(math.floor(Fraction(seconds, 36) + Fraction(1, 2)), 100)  # 0.01 h, half-up
    exact = Fraction(seconds, 3600) * Fraction(rate) * Fraction(Decimal(multiplier))
    amount = pay_amount(seconds, rate, Decimal(multiplier))
    assert amount == half_up_cents(shown * Fraction(rate) * Fraction(Decimal(multiplier)))
    assert amount.as_tuple().exponent == -2
    # the hours are off by at most 0.005 h, so the line by at most that much pay, plus 0.005
    assert abs(Fraction(amount) - exact) <= Fraction(1, 200) * (
        1 + Fraction(rate) * Fraction(Decimal(multiplier))
    )
