"""`allocate_day_totals`: a week allocated from its seven daily totals, as the summaries job does
it after aggregating days in SQL, must agree exactly with `compute_overtime` on the intervals.

Hand-computed cases first (California with a 13-hour day and a seventh day; FLSA), then a
hypothesis property over random policies and weeks of intervals.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overtime import (
    Buckets,
    Policy,
    WorkInterval,
    allocate_day_totals,
    compute_overtime,
    gross_pay,
    pay_amounts,
)
from overtime.calendar import workday_starts_at
from overtime.policy import RULES

H = 3600


def test_california_week_with_a_13_hour_day_and_a_seventh_day() -> None:
    """Mon 13 h, Tue-Sat 8 h, Sun 10 h (seventh consecutive day).

    Mon: 8 regular, 4 overtime (8-12), 1 double (>12). Tue-Fri: 8 regular each → 40 regular
    by Friday (8 + 32). Sat: its 8 regular-eligible hours exceed the weekly 40 → 8 overtime.
    Sun (seventh day): first 8 h overtime, 2 h double time.
    Regular 40, overtime 4 + 8 + 8 = 20, double 1 + 2 = 3; weekly overtime 8.
    """
    policy = Policy.for_rule("california", timezone="America/Los_Angeles")
    days = [13 * H, 8 * H, 8 * H, 8 * H, 8 * H, 8 * H, 10 * H]
    result = allocate_day_totals(days, policy)
    assert result.seventh_day is True
    assert result.totals == Buckets(40 * H, 20 * H, 3 * H)
    assert result.weekly_overtime_seconds == 8 * H
    assert result.days == (
        (8 * H, 4 * H, 1 * H),
        (8 * H, 0, 0),
        (8 * H, 0, 0),
        (8 * H, 0, 0),
        (8 * H, 0, 0),
        (0, 8 * H, 0),
        (0, 8 * H, 2 * H),
    )


def test_flsa_week_counts_only_the_weekly_threshold() -> None:
    """FLSA: 10 h x 4 days + 5 h 30 min on Friday = 45.5 h → 40 regular, 5.5 overtime."""
    policy = Policy.for_rule("flsa")
    result = allocate_day_totals([10 * H, 10 * H, 10 * H, 10 * H, 5 * H + 1800, 0, 0], policy)
    assert result.totals == Buckets(40 * H, 5 * H + 1800, 0)
    assert result.days[4] == (0, 5 * H + 1800, 0)
    assert result.seventh_day is False


def test_refuses_a_week_that_is_not_seven_days() -> None:
    with pytest.raises(ValueError, match="seven"):
        allocate_day_totals([H] * 6, Policy.for_rule("flsa"))
    with pytest.raises(ValueError, match="non-negative"):
        allocate_day_totals([H] * 6 + [-1], Policy.for_rule("flsa"))


quarter_hours = st.integers(0, 14 * 4).map(lambda q: Decimal(q) / 4)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    rule = draw(st.sampled_from(RULES))
    overrides: dict[str, object] = {}
    if rule == "custom":
        daily, double = draw(st.none() | quarter_hours), draw(st.none() | quarter_hours)
        if daily is not None and double is not None and double < daily:
            daily, double = double, daily
        overrides = {
            "daily_overtime_after_hours": daily,
            "daily_double_time_after_hours": double,
            "weekly_overtime_after_hours": draw(st.none() | quarter_hours.map(lambda h: h * 4)),
            "seventh_day_rule": draw(st.booleans()),
        }
    return Policy.for_rule(
        rule,  # type: ignore[arg-type]
        timezone=draw(st.sampled_from(["UTC", "America/Los_Angeles", "Europe/Berlin"])),
        workweek_start_day=draw(st.integers(0, 6)),
        workday_start=time(draw(st.integers(0, 23))),
        **overrides,
    )


@settings(max_examples=200, deadline=None)
@given(
    policy=policies(),
    week=st.sampled_from([datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 10, 26, tzinfo=UTC)]),
    pieces=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 14 * H), st.integers(0, H)), max_size=14
    ),
)
def test_agrees_with_compute_overtime(policy: Policy, week: datetime, pieces: list) -> None:
    """Random intervals inside one workweek's days (DST weeks included): same buckets."""
    week_start = week.date() - timedelta(days=(week.weekday() - policy.workweek_start_day) % 7)
    intervals, used = [], {d: 0 for d in range(7)}
    for day, length, brk in pieces:
        begin = workday_starts_at(week_start + timedelta(days=day), policy)
        end_of_day = workday_starts_at(week_start + timedelta(days=day + 1), policy)
        start = begin + timedelta(seconds=used[day])
        length = min(length, int((end_of_day - start).total_seconds()))
        if length <= 0:
            continue
        used[day] += length
        intervals.append(WorkInterval(start, start + timedelta(seconds=length), min(brk, length)))
    result = compute_overtime(intervals, policy)
    by_day = [0] * 7
    for interval in intervals:
        day = next(
            d
            for d in range(7)
            if workday_starts_at(week_start + timedelta(days=d), policy)
            <= interval.start_utc
            < workday_starts_at(week_start + timedelta(days=d + 1), policy)
        )
        by_day[day] += interval.worked_seconds
    fast = allocate_day_totals(by_day, policy)
    weekly = result.workweek(week_start)
    if weekly is None:
        assert fast.totals == Buckets()
        return
    assert fast.totals == weekly.buckets
    assert fast.weekly_overtime_seconds == weekly.weekly_overtime_seconds
    for day in weekly.days:
        index = (day.workday - week_start).days
        assert fast.days[index] == (
            day.regular_seconds,
            day.overtime_seconds,
            day.double_time_seconds,
        )
        assert day.seventh_day == (fast.seventh_day and index == 6)


@settings(max_examples=300, deadline=None)
@given(
    seconds=st.tuples(*(st.integers(0, 80 * H) for _ in range(3))),
    cents=st.integers(0, 50_000),
    policy=policies(),
)
def test_pay_amounts_are_gross_pays_lines(
    seconds: tuple[int, int, int], cents: int, policy: Policy
) -> None:
    """The summaries' lean pricing is `gross_pay`'s, line for line."""
    buckets = Buckets(*seconds)
    rate = Decimal(cents).scaleb(-2)
    lines = gross_pay(buckets, rate, policy).lines
    assert pay_amounts(buckets, rate, policy) == tuple(line.amount for line in lines)
