"""Unpaid breaks: excluded from worked time, attributed proportionally across workdays.

Also the validation of ``WorkInterval`` itself. Values hand-computed; ``H`` is one hour.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from overtime import Buckets, Policy, WorkInterval, apportion, compute_overtime

H = 3600
CA = Policy.for_rule("california")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_unpaid_break_is_not_worked_time() -> None:
    interval = WorkInterval(utc(2026, 6, 1, 9), utc(2026, 6, 1, 17, 30), unpaid_break_seconds=1800)
    assert interval.duration_seconds == 30_600
    assert interval.worked_seconds == 28_800
    assert compute_overtime([interval], CA).totals == Buckets(28_800, 0, 0)


def test_a_break_keeps_a_day_under_the_daily_threshold() -> None:
    with_break = WorkInterval(utc(2026, 6, 1, 8), utc(2026, 6, 1, 17), unpaid_break_seconds=H)
    without = WorkInterval(utc(2026, 6, 2, 8), utc(2026, 6, 2, 17))
    result = compute_overtime([with_break, without], CA)
    assert [r.buckets for r in result.intervals] == [Buckets(8 * H, 0, 0), Buckets(8 * H, H, 0)]


def test_break_of_a_night_shift_is_split_in_proportion() -> None:
    # 20:00-06:00 (4 h + 6 h) with a 1 h break: 1440 s + 2160 s of break.
    interval = WorkInterval(utc(2026, 6, 1, 20), utc(2026, 6, 2, 6), unpaid_break_seconds=H)
    segments = compute_overtime([interval], CA).intervals[0].segments
    assert [
        (s.workday, s.duration_seconds, s.break_seconds, s.worked_seconds) for s in segments
    ] == [
        (date(2026, 6, 1), 14_400, 1_440, 12_960),
        (date(2026, 6, 2), 21_600, 2_160, 19_440),
    ]


def test_break_split_rounds_by_largest_remainder() -> None:
    # 22:00-05:00 (2 h + 5 h) with 1000 s: 285.71 and 714.29 -> 286 and 714.
    interval = WorkInterval(utc(2026, 6, 1, 22), utc(2026, 6, 2, 5), unpaid_break_seconds=1000)
    segments = compute_overtime([interval], CA).intervals[0].segments
    assert [(s.break_seconds, s.worked_seconds) for s in segments] == [(286, 6_914), (714, 17_286)]
    assert sum(s.worked_seconds for s in segments) == interval.worked_seconds == 24_200


def test_break_as_long_as_the_interval_leaves_nothing_worked() -> None:
    interval = WorkInterval(utc(2026, 6, 1, 8), utc(2026, 6, 1, 9), unpaid_break_seconds=H)
    result = compute_overtime([interval], CA)
    assert interval.worked_seconds == 0
    assert result.totals == Buckets(0, 0, 0)
    assert [(d.workday, d.buckets) for d in result.workdays] == [(date(2026, 6, 1), Buckets())]


def test_a_day_with_only_break_time_does_not_count_toward_the_seventh_day() -> None:
    monday = date(2026, 6, 1)
    intervals = []
    for i in range(7):
        day = monday + timedelta(days=i)
        start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC)
        hours = 10 if i == 6 else 5
        breaks = 5 * H if i == 2 else 0  # Wednesday: on the clock, all of it unpaid break
        intervals.append(WorkInterval(start, start + timedelta(hours=hours), breaks))
    result = compute_overtime(intervals, CA)
    sunday = result.workday(date(2026, 6, 7))
    assert sunday is not None and not sunday.seventh_day
    assert sunday.buckets == Buckets(8 * H, 2 * H, 0)


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (3600, [14_400, 21_600], [1440, 2160]),
        (1000, [7200, 18_000], [286, 714]),
        (1, [5, 5], [1, 0]),  # a tie goes to the earlier piece
        (3, [1, 1, 1, 1], [1, 1, 1, 0]),
        (2, [1, 3, 1], [1, 1, 0]),  # 0.4, 1.2, 0.4: remainders .4/.2/.4, the tie goes first
        (3, [1, 3, 1], [1, 2, 0]),  # 0.6, 1.8, 0.6: .8 first, then the earlier .6
        (5, [5], [5]),
        (0, [3, 4], [0, 0]),
        (0, [0, 0], [0, 0]),
        (0, [], []),
    ],
)
def test_apportion(total: int, weights: list[int], expected: list[int]) -> None:
    assert apportion(total, weights) == expected


def test_apportion_refuses_impossible_splits() -> None:
    with pytest.raises(ValueError):
        apportion(1, [0, 0])
    with pytest.raises(ValueError):
        apportion(-1, [1])
    with pytest.raises(ValueError):
        apportion(1, [2, -1])


def test_interval_validation() -> None:
    start, end = utc(2026, 6, 1, 8), utc(2026, 6, 1, 9)
    with pytest.raises(ValueError, match="naive"):
        WorkInterval(datetime(2026, 6, 1, 8), end)
    with pytest.raises(ValueError, match="whole second"):
        WorkInterval(start, end.replace(microsecond=1))
    with pytest.raises(ValueError, match="before"):
        WorkInterval(end, start)
    with pytest.raises(ValueError, match="between"):
        WorkInterval(start, end, unpaid_break_seconds=H + 1)
    with pytest.raises(ValueError, match="between"):
        WorkInterval(start, end, unpaid_break_seconds=-1)
    with pytest.raises(TypeError):
        WorkInterval(start, end, unpaid_break_seconds=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        WorkInterval(start, end, unpaid_break_seconds=True)
    with pytest.raises(TypeError):
        WorkInterval("2026-06-01T08:00:00Z", end)  # type: ignore[arg-type]


def test_any_offset_is_the_same_instant() -> None:
    plus_two = timezone(timedelta(hours=2))
    local = WorkInterval(
        datetime(2026, 6, 1, 10, tzinfo=plus_two), datetime(2026, 6, 1, 20, tzinfo=plus_two)
    )
    assert local.start_utc == utc(2026, 6, 1, 8)
    assert local.worked_seconds == 36_000
    assert compute_overtime([local], CA).totals == Buckets(8 * H, 2 * H, 0)
