"""`overtime.batch`: many weeks allocated and priced at once must give, week by week and line by
line, what the one-week functions give (`allocate_day_totals`, itself checked against
`compute_overtime`, and `pay_amount`), exactly, including where int64 would overflow."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overtime import Policy, allocate_day_totals, allocate_weeks, pay_amount, pay_cents, rate_ratios

H = 3600


def test_weeks_are_allocated_independently() -> None:
    """Three California weeks in one call: a seventh-day week, a 45-hour week, an empty one."""
    policy = Policy.for_rule("california")
    weeks = [
        [13 * H, 8 * H, 8 * H, 8 * H, 8 * H, 8 * H, 10 * H],
        [9 * H, 9 * H, 9 * H, 9 * H, 9 * H, 0, 0],
        [0] * 7,
    ]
    result = allocate_weeks(weeks, policy)
    regular, overtime, double = result.totals()
    assert regular.tolist() == [40 * H, 40 * H, 0]
    assert overtime.tolist() == [20 * H, 5 * H, 0]
    assert double.tolist() == [3 * H, 0, 0]
    assert result.seventh_day.tolist() == [True, False, False]
    assert result.weekly_overtime.tolist() == [8 * H, 0, 0]


def test_refuses_what_is_not_weeks_of_seconds() -> None:
    policy = Policy.for_rule("flsa")
    with pytest.raises(ValueError, match="seven"):
        allocate_weeks([[H] * 6], policy)
    with pytest.raises(ValueError, match="non-negative"):
        allocate_weeks([[H] * 6 + [-1]], policy)
    with pytest.raises(ValueError, match="non-negative"):
        allocate_weeks(np.full((1, 7), 1.5), policy)


policies = st.sampled_from(
    [
        Policy.for_rule("california"),
        Policy.for_rule("flsa"),
        Policy.for_rule("none"),
        Policy.for_rule(
            "custom",
            daily_overtime_after_hours=Decimal(10),
            weekly_overtime_after_hours=Decimal(36),
            seventh_day_rule=True,
        ),
        Policy.for_rule("custom", daily_double_time_after_hours=Decimal(6), seventh_day_rule=True),
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    policy=policies,
    weeks=st.lists(st.lists(st.integers(0, 16 * H), min_size=7, max_size=7), max_size=12),
)
def test_agrees_with_one_week_at_a_time(policy: Policy, weeks: list[list[int]]) -> None:
    result = allocate_weeks(np.array(weeks, dtype=np.int64).reshape(-1, 7), policy)
    for i, week in enumerate(weeks):
        one = allocate_day_totals(week, policy)
        assert [
            tuple(map(int, d))
            for d in zip(result.regular[i], result.overtime[i], result.double_time[i], strict=True)
        ] == list(one.days)
        assert int(result.weekly_overtime[i]) == one.weekly_overtime_seconds
        assert bool(result.seventh_day[i]) == one.seventh_day


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.tuples(
            st.integers(0, 200 * H),
            st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False),
        ),
        min_size=1,
        max_size=8,
    ),
    multiplier=st.sampled_from([Decimal(1), Decimal("1.5"), Decimal("2.0"), Decimal("1.375")]),
)
def test_pay_cents_are_pay_amounts(lines: list[tuple[int, Decimal]], multiplier: Decimal) -> None:
    seconds = np.array([s for s, _ in lines], dtype=np.int64)
    rate_num, rate_den = rate_ratios([r for _, r in lines])
    cents = pay_cents(seconds, rate_num, rate_den, multiplier)
    expected = [pay_amount(s, r, multiplier) for s, r in lines]
    assert [Decimal(int(c)).scaleb(-2) for c in cents] == expected


def test_pay_cents_stays_exact_past_int64() -> None:
    """A rate with many digits makes the products too large for int64: Python ints take over."""
    rate = Decimal("12.3456789012345678901")
    rate_num, rate_den = rate_ratios([rate, Decimal("20.00")])
    cents = pay_cents(np.array([7 * 24 * H, 1800]), rate_num, rate_den, Decimal("1.5"))
    assert [Decimal(int(c)).scaleb(-2) for c in cents] == [
        pay_amount(7 * 24 * H, rate, Decimal("1.5")),
        pay_amount(1800, Decimal("20.00"), Decimal("1.5")),
    ]
