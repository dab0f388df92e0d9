"""Night shifts and whole days across DST changes: only real (UTC) seconds count.

2026 changes: America/Los_Angeles springs forward on Sun 8 March (02:00 PST -> 03:00 PDT) and
falls back on Sun 1 November (02:00 PDT -> 01:00 PST); Europe/Berlin on Sun 29 March
(02:00 CET -> 03:00 CEST) and Sun 25 October (03:00 CEST -> 02:00 CET).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from overtime import Buckets, Policy, WorkInterval, compute_overtime

H = 3600


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def wall(tz: str, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local wall-clock time as its UTC instant (the first, if it occurs twice)."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def ca(tz: str, **overrides: object) -> Policy:
    return Policy.for_rule("california", timezone=tz, **overrides)


def segments(interval: WorkInterval, policy: Policy) -> list[tuple[date, int]]:
    result = compute_overtime([interval], policy)
    return [(s.workday, s.worked_seconds) for s in result.intervals[0].segments]


LA = "America/Los_Angeles"
BERLIN = "Europe/Berlin"


@pytest.mark.parametrize(
    ("tz", "start", "end", "expected"),
    [
        # 22:00 PST Sat 7 Mar to 06:00 PDT Sun 8 Mar: 7 real hours, 2 + 5.
        (
            LA,
            (2026, 3, 7, 22),
            (2026, 3, 8, 6),
            [(date(2026, 3, 7), 7_200), (date(2026, 3, 8), 18_000)],
        ),
        # 22:00 PDT Sat 31 Oct to 06:00 PST Sun 1 Nov: 9 real hours, 2 + 7.
        (
            LA,
            (2026, 10, 31, 22),
            (2026, 11, 1, 6),
            [(date(2026, 10, 31), 7_200), (date(2026, 11, 1), 25_200)],
        ),
        # Berlin, 22:00 CET Sat 28 Mar to 06:00 CEST Sun 29 Mar: 7 hours.
        (
            BERLIN,
            (2026, 3, 28, 22),
            (2026, 3, 29, 6),
            [(date(2026, 3, 28), 7_200), (date(2026, 3, 29), 18_000)],
        ),
        # Berlin, 22:00 CEST Sat 24 Oct to 06:00 CET Sun 25 Oct: 9 hours.
        (
            BERLIN,
            (2026, 10, 24, 22),
            (2026, 10, 25, 6),
            [(date(2026, 10, 24), 7_200), (date(2026, 10, 25), 25_200)],
        ),
    ],
)
def test_night_shift_on_the_dst_night(
    tz: str,
    start: tuple[int, int, int, int],
    end: tuple[int, int, int, int],
    expected: list[tuple[date, int]],
) -> None:
    interval = WorkInterval(wall(tz, *start), wall(tz, *end))
    assert segments(interval, ca(tz)) == expected
    real = sum(seconds for _, seconds in expected)
    assert interval.worked_seconds == real
    # Each piece is under 8 h, so everything is regular.
    assert compute_overtime([interval], ca(tz)).totals == Buckets(real, 0, 0)


def test_the_la_dst_nights_in_utc() -> None:
    assert wall(LA, 2026, 3, 7, 22) == utc(2026, 3, 8, 6)
    assert wall(LA, 2026, 3, 8, 6) == utc(2026, 3, 8, 13)
    assert wall(LA, 2026, 10, 31, 22) == utc(2026, 11, 1, 5)
    assert wall(LA, 2026, 11, 1, 6) == utc(2026, 11, 1, 14)


def test_the_whole_spring_forward_day_is_23_hours() -> None:
    interval = WorkInterval(wall(LA, 2026, 3, 8), wall(LA, 2026, 3, 9))
    result = compute_overtime([interval], ca(LA))
    assert result.workdays[0].length_seconds == 82_800
    assert result.totals == Buckets(28_800, 14_400, 39_600)  # 8 + 4 + 11


def test_the_whole_fall_back_day_is_25_hours() -> None:
    interval = WorkInterval(wall(LA, 2026, 11, 1), wall(LA, 2026, 11, 2))
    result = compute_overtime([interval], ca(LA))
    assert result.workdays[0].length_seconds == 90_000
    assert result.totals == Buckets(28_800, 14_400, 46_800)  # 8 + 4 + 13


def test_a_shift_of_8_and_a_half_wall_hours_on_fall_back_day_is_9_and_a_half_hours() -> None:
    # 00:00 PDT to 08:30 PST = 07:00Z to 16:30Z.
    interval = WorkInterval(wall(LA, 2026, 11, 1), wall(LA, 2026, 11, 1, 8, 30))
    assert compute_overtime([interval], ca(LA)).totals == Buckets(28_800, 5_400, 0)


def test_a_shift_of_9_wall_hours_on_spring_forward_day_is_8_hours() -> None:
    interval = WorkInterval(wall(LA, 2026, 3, 8), wall(LA, 2026, 3, 8, 9))
    assert compute_overtime([interval], ca(LA)).totals == Buckets(28_800, 0, 0)


def test_berlin_fall_back_night_pushes_the_sunday_past_8_hours() -> None:
    # 22:00 CEST Sat to 08:00 CET Sun: Saturday 2 h; Sunday 00:00 CEST (22:00Z) to 07:00Z = 9 h.
    interval = WorkInterval(wall(BERLIN, 2026, 10, 24, 22), wall(BERLIN, 2026, 10, 25, 8))
    policy = Policy.for_rule("custom", timezone=BERLIN, daily_overtime_after_hours=8)
    result = compute_overtime([interval], policy)
    assert [(d.workday, d.buckets) for d in result.workdays] == [
        (date(2026, 10, 24), Buckets(7_200, 0, 0)),
        (date(2026, 10, 25), Buckets(28_800, 3_600, 0)),
    ]


def test_workday_starting_at_0600_keeps_a_dst_night_in_one_workday() -> None:
    early = ca(LA, workday_start=time(6))
    spring = WorkInterval(wall(LA, 2026, 3, 7, 22), wall(LA, 2026, 3, 8, 6))
    fall = WorkInterval(wall(LA, 2026, 10, 31, 22), wall(LA, 2026, 11, 1, 6))
    assert segments(spring, early) == [(date(2026, 3, 7), 25_200)]
    assert segments(fall, early) == [(date(2026, 10, 31), 32_400)]
    assert compute_overtime([fall], early).totals == Buckets(28_800, 3_600, 0)
    assert compute_overtime([spring], early).totals == Buckets(25_200, 0, 0)


def test_flsa_week_containing_spring_forward() -> None:
    # Mon 2 to Thu 5 March, 10 h; Sun 8 March 00:00-09:00 wall = 8 real hours: 48 h, 8 OT.
    policy = Policy.for_rule("flsa", timezone=LA)
    intervals = [
        WorkInterval(wall(LA, 2026, 3, d, 7), wall(LA, 2026, 3, d, 17)) for d in range(2, 6)
    ]
    intervals.append(WorkInterval(wall(LA, 2026, 3, 8), wall(LA, 2026, 3, 8, 9)))
    result = compute_overtime(intervals, policy)
    assert [(w.week_start, w.buckets) for w in result.workweeks] == [
        (date(2026, 3, 2), Buckets(40 * H, 8 * H, 0)),
    ]
    assert result.workweeks[0].ends_at - result.workweeks[0].starts_at == timedelta(hours=167)


def test_berlin_week_boundary_is_local_midnight() -> None:
    # Mon-Fri 8 h (40 h), then Sun 23:00 CEST to Mon 01:00 CEST: the Sunday hour is overtime,
    # the Monday hour belongs to the next workweek.
    policy = Policy.for_rule("flsa", timezone=BERLIN)
    intervals = [
        WorkInterval(wall(BERLIN, 2026, 6, d, 8), wall(BERLIN, 2026, 6, d, 16)) for d in range(1, 6)
    ]
    intervals.append(WorkInterval(wall(BERLIN, 2026, 6, 7, 23), wall(BERLIN, 2026, 6, 8, 1)))
    result = compute_overtime(intervals, policy)
    assert [(w.week_start, w.buckets) for w in result.workweeks] == [
        (date(2026, 6, 1), Buckets(40 * H, 1 * H, 0)),
        (date(2026, 6, 8), Buckets(1 * H, 0, 0)),
    ]
    assert result.workweeks[1].starts_at == utc(2026, 6, 7, 22)
