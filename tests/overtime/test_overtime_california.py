"""California: daily 8/12, the seventh day, weekly over 40 *regular* hours, workday start.

The policy's timezone is America/Los_Angeles and the dates are in June 2026 (PDT, UTC-7, no DST
change), so local 08:00 is 15:00Z. All values are hand-computed; ``H`` is one hour in seconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from overtime import Buckets, OvertimeResult, Policy, WorkInterval, compute_overtime

H = 3600
LA = ZoneInfo("America/Los_Angeles")
MON = date(2026, 6, 1)
CA = Policy.for_rule("california", timezone="America/Los_Angeles")


def local_shift(
    day: date, start: time, hours: float, policy_entry: str | None = None
) -> WorkInterval:
    begin = datetime.combine(day, start, tzinfo=LA).astimezone(UTC)
    return WorkInterval(begin, begin + timedelta(hours=hours), entry_id=policy_entry)


def week(hours: list[float], first: date = MON) -> list[WorkInterval]:
    """One shift per day starting 08:00 local; 0 means a day off."""
    return [
        local_shift(first + timedelta(days=i), time(8), h, f"d{i}")
        for i, h in enumerate(hours)
        if h
    ]


def by_day(result: OvertimeResult) -> list[Buckets]:
    return [d.buckets for d in result.workdays]


def test_a_13_hour_day_is_8_regular_4_overtime_1_double() -> None:
    result = compute_overtime([local_shift(MON, time(6), 13)], CA)
    assert result.totals == Buckets(28_800, 14_400, 3_600)
    assert result.workdays[0].starts_at == datetime(2026, 6, 1, 7, tzinfo=UTC)


def test_daily_thresholds_at_their_exact_edges() -> None:
    result = compute_overtime(week([8, 12, 8.5, 12.25]), CA)
    assert by_day(result) == [
        Buckets(8 * H, 0, 0),
        Buckets(8 * H, 4 * H, 0),
        Buckets(8 * H, 1800, 0),
        Buckets(8 * H, 4 * H, 900),
    ]


def test_two_shifts_on_one_day_add_up_toward_the_daily_threshold() -> None:
    morning = local_shift(MON, time(6), 5, "am")
    evening = local_shift(MON, time(14), 5, "pm")
    result = compute_overtime([morning, evening], CA)
    assert [r.buckets for r in result.intervals] == [Buckets(5 * H, 0, 0), Buckets(3 * H, 2 * H, 0)]


def test_seventh_consecutive_day_first_8_hours_overtime_rest_double() -> None:
    result = compute_overtime(week([5, 5, 5, 5, 5, 5, 10]), CA)
    sunday = result.workday(date(2026, 6, 7))
    assert sunday is not None and sunday.seventh_day
    assert sunday.buckets == Buckets(0, 28_800, 7_200)
    assert [d.seventh_day for d in result.workdays] == [False] * 6 + [True]
    assert result.totals == Buckets(30 * H, 8 * H, 2 * H)
    # Seventh-day time is premium already: it does not count toward the weekly 40.
    assert result.workweeks[0].seconds_toward_weekly_threshold == 30 * H


def test_seventh_day_of_13_hours_is_8_overtime_5_double() -> None:
    result = compute_overtime(week([5, 5, 5, 5, 5, 5, 13]), CA)
    assert by_day(result)[-1] == Buckets(0, 8 * H, 5 * H)


def test_no_seventh_day_when_one_day_of_the_week_is_off() -> None:
    result = compute_overtime(week([5, 5, 0, 5, 5, 5, 10]), CA)
    sunday = result.workday(date(2026, 6, 7))
    assert sunday is not None and not sunday.seventh_day
    assert sunday.buckets == Buckets(8 * H, 2 * H, 0)


def test_seven_days_spanning_two_workweeks_is_not_a_seventh_day() -> None:
    # Thursday to Wednesday: seven consecutive days, but not seven days of one workweek.
    result = compute_overtime(week([5, 5, 5, 5, 5, 5, 10], first=date(2026, 6, 4)), CA)
    assert all(not d.seventh_day for d in result.workdays)
    assert by_day(result)[-1] == Buckets(8 * H, 2 * H, 0)


def test_seventh_day_in_a_sunday_week_is_the_saturday() -> None:
    policy = Policy.for_rule("california", timezone="America/Los_Angeles", workweek_start_day=6)
    result = compute_overtime(week([5, 5, 5, 5, 5, 5, 9], first=date(2026, 5, 31)), policy)
    saturday = result.workday(date(2026, 6, 6))
    assert saturday is not None and saturday.seventh_day
    assert saturday.buckets == Buckets(0, 8 * H, 1 * H)


def test_weekly_overtime_counts_regular_hours_only() -> None:
    # Mon-Thu 10 h: 8 regular + 2 daily OT each (32 regular). Friday 6 h: still regular (38),
    # although 46 hours have been worked. Saturday 3 h: 2 regular reach 40, 1 weekly OT.
    result = compute_overtime(week([10, 10, 10, 10, 6, 3]), CA)
    assert by_day(result) == [
        Buckets(8 * H, 2 * H, 0),
        Buckets(8 * H, 2 * H, 0),
        Buckets(8 * H, 2 * H, 0),
        Buckets(8 * H, 2 * H, 0),
        Buckets(6 * H, 0, 0),
        Buckets(2 * H, 1 * H, 0),
    ]
    weekly = result.workweeks[0]
    assert weekly.buckets == Buckets(144_000, 32_400, 0)
    assert weekly.weekly_overtime_seconds == 3_600
    # FLSA would have paid Friday and Saturday entirely as overtime.
    flsa_policy = Policy.for_rule("flsa", timezone="America/Los_Angeles")
    flsa = compute_overtime(week([10, 10, 10, 10, 6, 3]), flsa_policy)
    assert flsa.totals == Buckets(144_000, 32_400, 0)
    assert [d.buckets for d in flsa.workdays][4:] == [Buckets(0, 6 * H, 0), Buckets(0, 3 * H, 0)]


def test_the_later_seconds_are_the_weekly_overtime() -> None:
    saturday = date(2026, 6, 6)
    intervals = [
        *week([10, 10, 10, 10, 6]),
        local_shift(saturday, time(8), 1.5, "sat-am"),
        local_shift(saturday, time(10), 1.5, "sat-pm"),
    ]
    result = compute_overtime(intervals, CA)
    assert [r.buckets for r in result.intervals][-2:] == [
        Buckets(5_400, 0, 0),
        Buckets(1_800, 3_600, 0),
    ]


def test_daily_double_time_and_weekly_overtime_in_one_week() -> None:
    # Mon-Thu 10 h (32 reg, 8 OT); Fri 13 h: 8 reg (-> 40), 4 OT, 1 DT;
    # Sat 9 h: its 8 regular-eligible hours are weekly OT, its 9th is daily OT.
    result = compute_overtime(week([10, 10, 10, 10, 13, 9]), CA)
    assert by_day(result)[4:] == [Buckets(8 * H, 4 * H, 1 * H), Buckets(0, 9 * H, 0)]
    weekly = result.workweeks[0]
    assert weekly.buckets == Buckets(144_000, 75_600, 3_600)
    assert weekly.weekly_overtime_seconds == 28_800


def test_seventh_day_with_weekly_overtime() -> None:
    # Mon-Fri 8 h = 40 regular; Sat 8 h weekly OT; Sun (seventh day) 10 h: 8 OT + 2 DT.
    result = compute_overtime(week([8, 8, 8, 8, 8, 8, 10]), CA)
    assert by_day(result)[5:] == [Buckets(0, 8 * H, 0), Buckets(0, 8 * H, 2 * H)]
    assert result.totals == Buckets(144_000, 57_600, 7_200)
    assert result.workweeks[0].weekly_overtime_seconds == 28_800


def test_four_ten_hour_days() -> None:
    assert compute_overtime(week([10, 10, 10, 10]), CA).totals == Buckets(32 * H, 8 * H, 0)
    flsa = Policy.for_rule("flsa", timezone="America/Los_Angeles")
    assert compute_overtime(week([10, 10, 10, 10]), flsa).totals == Buckets(40 * H, 0, 0)


def test_night_shift_across_midnight_is_two_workdays() -> None:
    # Mon 20:00 to Tue 06:00: 4 h on Monday, 6 h on Tuesday, so no daily overtime at all.
    result = compute_overtime([local_shift(MON, time(20), 10, "night")], CA)
    assert [(s.workday, s.worked_seconds, s.buckets) for s in result.intervals[0].segments] == [
        (date(2026, 6, 1), 14_400, Buckets(14_400, 0, 0)),
        (date(2026, 6, 2), 21_600, Buckets(21_600, 0, 0)),
    ]
    assert result.totals == Buckets(10 * H, 0, 0)


def test_workday_starting_at_0600_keeps_the_night_on_the_day_it_began() -> None:
    early = Policy.for_rule("california", timezone="America/Los_Angeles", workday_start=time(6))
    evening = local_shift(MON, time(14), 8, "evening")
    after_midnight = local_shift(date(2026, 6, 2), time(2), 3, "late")
    result = compute_overtime([evening, after_midnight], early)
    assert [(d.workday, d.buckets) for d in result.workdays] == [
        (date(2026, 6, 1), Buckets(8 * H, 3 * H, 0)),
    ]
    assert result.workdays[0].starts_at == datetime(2026, 6, 1, 13, tzinfo=UTC)  # 06:00 PDT
    assert [r.buckets for r in result.intervals] == [Buckets(8 * H, 0, 0), Buckets(0, 3 * H, 0)]
    # With midnight workdays the same shifts are 8 h and 3 h on two days: all regular.
    midnight = compute_overtime([evening, after_midnight], CA)
    assert [(d.workday, d.buckets) for d in midnight.workdays] == [
        (date(2026, 6, 1), Buckets(8 * H, 0, 0)),
        (date(2026, 6, 2), Buckets(3 * H, 0, 0)),
    ]


def test_workday_starting_at_0600_splits_a_night_shift_at_0600() -> None:
    early = Policy.for_rule("california", timezone="America/Los_Angeles", workday_start=time(6))
    result = compute_overtime([local_shift(MON, time(22), 9, "night")], early)
    assert [(s.workday, s.worked_seconds) for s in result.intervals[0].segments] == [
        (date(2026, 6, 1), 8 * H),
        (date(2026, 6, 2), 1 * H),
    ]
    assert result.totals == Buckets(9 * H, 0, 0)
