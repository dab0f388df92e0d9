"""Allocation under FLSA, custom and none; week start days; the result's shape and input checks.

All values are hand-computed; ``H`` is one hour in seconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from overtime import Buckets, OvertimeResult, Policy, WorkInterval, compute_overtime

H = 3600


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def shift(day: date, start_hour: int, hours: float, entry_id: str | None = None) -> WorkInterval:
    start = datetime(day.year, day.month, day.day, start_hour, tzinfo=UTC)
    return WorkInterval(start, start + timedelta(hours=hours), entry_id=entry_id)


def by_day(result: OvertimeResult) -> dict[date, Buckets]:
    return {d.workday: d.buckets for d in result.workdays}


MON = date(2026, 6, 1)  # a Monday; the week runs to Sunday 2026-06-07


def weekdays(hours: list[float], first: date = MON, start_hour: int = 8) -> list[WorkInterval]:
    return [
        shift(first + timedelta(days=i), start_hour, h, entry_id=f"e{i}")
        for i, h in enumerate(hours)
        if h
    ]


# -- FLSA ------------------------------------------------------------------------------------


def test_flsa_45_hour_week_is_40_regular_and_5_overtime() -> None:
    result = compute_overtime(weekdays([9, 9, 9, 9, 9]), Policy.for_rule("flsa"))
    assert result.totals == Buckets(40 * H, 5 * H, 0)
    week = result.workweek(MON)
    assert week is not None
    assert week.buckets == Buckets(144_000, 18_000, 0)
    assert week.weekly_overtime_seconds == 18_000
    assert week.seconds_toward_weekly_threshold == 162_000
    assert week.starts_at == utc(2026, 6, 1)
    assert week.ends_at == utc(2026, 6, 8)
    # Chronological: Friday's interval crosses 40 h after 4 hours.
    assert [r.buckets for r in result.intervals] == [
        Buckets(9 * H, 0, 0),
        Buckets(9 * H, 0, 0),
        Buckets(9 * H, 0, 0),
        Buckets(9 * H, 0, 0),
        Buckets(4 * H, 5 * H, 0),
    ]
    assert by_day(result)[date(2026, 6, 5)] == Buckets(14_400, 18_000, 0)


def test_flsa_has_no_daily_overtime() -> None:
    result = compute_overtime(weekdays([14, 14]), Policy.for_rule("flsa"))
    assert result.totals == Buckets(28 * H, 0, 0)


def test_flsa_exactly_40_hours_is_all_regular_and_one_more_second_is_overtime() -> None:
    intervals = weekdays([8, 8, 8, 8, 8])
    assert compute_overtime(intervals, Policy.for_rule("flsa")).totals == Buckets(40 * H, 0, 0)
    last = intervals[-1]
    longer = WorkInterval(last.start, last.end + timedelta(seconds=1), entry_id=last.entry_id)
    result = compute_overtime([*intervals[:-1], longer], Policy.for_rule("flsa"))
    assert result.totals == Buckets(144_000, 1, 0)
    assert result.intervals[-1].buckets == Buckets(28_800, 1, 0)


def test_flsa_input_order_does_not_matter_and_is_kept_in_the_output() -> None:
    intervals = weekdays([9, 9, 9, 9, 9])
    result = compute_overtime(list(reversed(intervals)), Policy.for_rule("flsa"))
    assert [r.entry_id for r in result.intervals] == ["e4", "e3", "e2", "e1", "e0"]
    assert result.intervals[0].buckets == Buckets(4 * H, 5 * H, 0)  # Friday still carries it
    assert result.intervals[4].buckets == Buckets(9 * H, 0, 0)


def test_flsa_overtime_resets_every_workweek() -> None:
    week1 = weekdays([9, 9, 9, 9, 9])
    week2 = weekdays([8, 8, 8, 8, 6], first=MON + timedelta(days=7))
    result = compute_overtime(week1 + week2, Policy.for_rule("flsa"))
    assert [(w.week_start, w.buckets) for w in result.workweeks] == [
        (date(2026, 6, 1), Buckets(40 * H, 5 * H, 0)),
        (date(2026, 6, 8), Buckets(38 * H, 0, 0)),
    ]
    assert result.totals == Buckets(78 * H, 5 * H, 0)


def test_flsa_shift_across_the_week_boundary_is_split_between_weeks() -> None:
    # Mon-Fri 8 h, then Sunday 20:00 to Monday 04:00: the Sunday part is overtime,
    # the Monday part opens a new week and is regular.
    intervals = [*weekdays([8, 8, 8, 8, 8]), shift(date(2026, 6, 7), 20, 8, "night")]
    result = compute_overtime(intervals, Policy.for_rule("flsa"))
    night = result.intervals[-1]
    assert night.buckets == Buckets(4 * H, 4 * H, 0)
    assert [(s.workday, s.week_start, s.buckets) for s in night.segments] == [
        (date(2026, 6, 7), date(2026, 6, 1), Buckets(0, 4 * H, 0)),
        (date(2026, 6, 8), date(2026, 6, 8), Buckets(4 * H, 0, 0)),
    ]


def test_workweek_starting_on_sunday() -> None:
    # Sunday 2026-03-01 to Thursday 2026-03-05, 10 h each.
    intervals = weekdays([10, 10, 10, 10, 10], first=date(2026, 3, 1))
    sunday_weeks = compute_overtime(intervals, Policy.for_rule("flsa", workweek_start_day=6))
    assert [(w.week_start, w.buckets) for w in sunday_weeks.workweeks] == [
        (date(2026, 3, 1), Buckets(40 * H, 10 * H, 0)),
    ]
    assert sunday_weeks.intervals[-1].buckets == Buckets(0, 10 * H, 0)
    # With Monday weeks the Sunday belongs to the previous week and nobody reaches 40 h.
    monday_weeks = compute_overtime(intervals, Policy.for_rule("flsa"))
    assert [(w.week_start, w.buckets) for w in monday_weeks.workweeks] == [
        (date(2026, 2, 23), Buckets(10 * H, 0, 0)),
        (date(2026, 3, 2), Buckets(40 * H, 0, 0)),
    ]


def test_workweek_starting_on_wednesday() -> None:
    # Mon 2026-06-01 .. Fri 06-05 at 10 h: Mon and Tue close the week of Wed 05-27.
    result = compute_overtime(
        weekdays([10, 10, 10, 10, 10]), Policy.for_rule("flsa", workweek_start_day=2)
    )
    assert [(w.week_start, w.buckets) for w in result.workweeks] == [
        (date(2026, 5, 27), Buckets(20 * H, 0, 0)),
        (date(2026, 6, 3), Buckets(30 * H, 0, 0)),
    ]


# -- custom ----------------------------------------------------------------------------------


def test_custom_daily_overtime_only() -> None:
    policy = Policy.for_rule("custom", daily_overtime_after_hours=10)
    result = compute_overtime(weekdays([12, 9, 10, 10.5, 16, 11]), policy)
    assert list(by_day(result).values()) == [
        Buckets(10 * H, 2 * H, 0),
        Buckets(9 * H, 0, 0),
        Buckets(10 * H, 0, 0),
        Buckets(10 * H, 1800, 0),
        Buckets(10 * H, 6 * H, 0),  # no double-time threshold: all beyond 10 h is overtime
        Buckets(10 * H, 1 * H, 0),
    ]
    assert result.totals == Buckets(59 * H, 9 * H + 1800, 0)  # no weekly threshold


def test_custom_weekly_37_and_a_half() -> None:
    policy = Policy.for_rule("custom", weekly_overtime_after_hours=Decimal("37.5"))
    result = compute_overtime(weekdays([8, 8, 8, 8, 8]), policy)
    assert result.totals == Buckets(135_000, 9_000, 0)
    assert result.intervals[-1].buckets == Buckets(19_800, 9_000, 0)


def test_custom_double_time_without_overtime() -> None:
    policy = Policy.for_rule("custom", daily_double_time_after_hours=12)
    result = compute_overtime(weekdays([14, 12]), policy)
    assert list(by_day(result).values()) == [Buckets(12 * H, 0, 2 * H), Buckets(12 * H, 0, 0)]


def test_custom_all_thresholds_with_other_multipliers() -> None:
    policy = Policy.for_rule(
        "custom",
        daily_overtime_after_hours=Decimal("7.5"),
        daily_double_time_after_hours=10,
        weekly_overtime_after_hours=30,
        overtime_multiplier="1.75",
        double_time_multiplier="2.5",
    )
    # Mon 11 h: 7.5 reg, 2.5 OT, 1 DT. Tue..Thu 7.5 h: 22.5 reg -> 30 reg. Fri 5 h: weekly OT.
    result = compute_overtime(weekdays([11, 7.5, 7.5, 7.5, 5]), policy)
    assert list(by_day(result).values()) == [
        Buckets(27_000, 9_000, 3_600),
        Buckets(27_000, 0, 0),
        Buckets(27_000, 0, 0),
        Buckets(27_000, 0, 0),
        Buckets(0, 18_000, 0),
    ]
    week = result.workweeks[0]
    assert week.buckets == Buckets(108_000, 27_000, 3_600)
    assert week.weekly_overtime_seconds == 18_000


def test_custom_seventh_day_without_daily_thresholds_uses_8_hours() -> None:
    policy = Policy.for_rule("custom", seventh_day_rule=True)
    result = compute_overtime(weekdays([4, 4, 4, 4, 4, 4, 10]), policy)
    sunday = result.workday(date(2026, 6, 7))
    assert sunday is not None
    assert sunday.seventh_day is True
    assert sunday.buckets == Buckets(0, 8 * H, 2 * H)
    assert result.totals == Buckets(24 * H, 8 * H, 2 * H)


def test_custom_seventh_day_follows_the_daily_overtime_threshold() -> None:
    policy = Policy.for_rule("custom", seventh_day_rule=True, daily_overtime_after_hours=10)
    result = compute_overtime(weekdays([4, 4, 4, 4, 4, 4, 12]), policy)
    assert by_day(result)[date(2026, 6, 7)] == Buckets(0, 10 * H, 2 * H)


def test_custom_seventh_day_double_time_from_a_lower_daily_double_threshold() -> None:
    policy = Policy.for_rule("custom", seventh_day_rule=True, daily_double_time_after_hours=6)
    result = compute_overtime(weekdays([4, 4, 4, 4, 4, 4, 10]), policy)
    assert by_day(result)[date(2026, 6, 7)] == Buckets(0, 6 * H, 4 * H)


def test_custom_zero_threshold_makes_everything_overtime() -> None:
    policy = Policy.for_rule("custom", weekly_overtime_after_hours=0)
    assert compute_overtime(weekdays([3]), policy).totals == Buckets(0, 3 * H, 0)


def test_custom_without_thresholds_is_all_regular() -> None:
    result = compute_overtime(weekdays([16, 16, 16, 16]), Policy.for_rule("custom"))
    assert result.totals == Buckets(64 * H, 0, 0)


# -- none ------------------------------------------------------------------------------------


def test_rule_none_pays_everything_regular() -> None:
    result = compute_overtime(weekdays([12, 12, 12, 12, 12, 12, 12]), Policy.for_rule("none"))
    assert result.totals == Buckets(84 * H, 0, 0)
    assert all(not d.seventh_day for d in result.workdays)
    assert result.workweeks[0].weekly_overtime_seconds == 0


# -- shape of the result and input checks -----------------------------------------------------


def test_empty_input() -> None:
    result = compute_overtime([], Policy.for_rule("california"))
    assert result.totals == Buckets(0, 0, 0)
    assert result.intervals == ()
    assert result.workdays == ()
    assert result.workweeks == ()
    assert result.workday(MON) is None
    assert result.workweek(MON) is None


def test_zero_length_interval_has_no_segments() -> None:
    instant = utc(2026, 6, 1, 9)
    result = compute_overtime(
        [WorkInterval(instant, instant, entry_id="z")], Policy.for_rule("flsa")
    )
    assert result.intervals[0].segments == ()
    assert result.intervals[0].buckets == Buckets(0, 0, 0)
    assert result.intervals[0].entry_id == "z"
    assert result.workweeks == ()


def test_touching_intervals_are_fine_and_overlapping_ones_refused() -> None:
    a = WorkInterval(utc(2026, 6, 1, 8), utc(2026, 6, 1, 12), entry_id="a")
    b = WorkInterval(utc(2026, 6, 1, 12), utc(2026, 6, 1, 14), entry_id="b")
    assert compute_overtime([a, b], Policy.for_rule("flsa")).totals == Buckets(6 * H, 0, 0)
    c = WorkInterval(utc(2026, 6, 1, 13), utc(2026, 6, 1, 15), entry_id="c")
    with pytest.raises(ValueError, match=r"entry b .*entry c"):
        compute_overtime([a, b, c], Policy.for_rule("flsa"))


def test_an_interval_containing_two_others_is_refused() -> None:
    outer = WorkInterval(utc(2026, 6, 1, 8), utc(2026, 6, 1, 18), entry_id="outer")
    one = WorkInterval(utc(2026, 6, 1, 8), utc(2026, 6, 1, 8), entry_id="empty")
    two = WorkInterval(utc(2026, 6, 1, 10), utc(2026, 6, 1, 11), entry_id="inner")
    with pytest.raises(ValueError, match=r"entry outer .*entry inner"):
        compute_overtime([outer, one, two], Policy.for_rule("flsa"))


def test_non_interval_input_is_refused() -> None:
    with pytest.raises(TypeError, match="WorkInterval"):
        compute_overtime([(utc(2026, 6, 1, 8), utc(2026, 6, 1, 9))], Policy.for_rule("flsa"))  # type: ignore[list-item]


def test_workdays_and_segments_carry_their_context() -> None:
    result = compute_overtime([shift(MON, 22, 4, "night")], Policy.for_rule("california"))
    assert [
        (d.workday, d.week_start, d.starts_at, d.ends_at, d.length_seconds) for d in result.workdays
    ] == [
        (date(2026, 6, 1), date(2026, 6, 1), utc(2026, 6, 1), utc(2026, 6, 2), 86_400),
        (date(2026, 6, 2), date(2026, 6, 1), utc(2026, 6, 2), utc(2026, 6, 3), 86_400),
    ]
    segments = result.intervals[0].segments
    assert [
        (s.starts_at, s.ends_at, s.duration_seconds, s.break_seconds, s.worked_seconds)
        for s in segments
    ] == [
        (utc(2026, 6, 1, 22), utc(2026, 6, 2), 7_200, 0, 7_200),
        (utc(2026, 6, 2), utc(2026, 6, 2, 2), 7_200, 0, 7_200),
    ]


def test_buckets_arithmetic() -> None:
    assert Buckets(1, 2, 3) + Buckets(10, 20, 30) == Buckets(11, 22, 33)
    assert Buckets(1, 2, 3).worked_seconds == 6
    assert Buckets().worked_seconds == 0
    with pytest.raises(TypeError):
        Buckets(1, 2, 3) + 4  # type: ignore[operator]
