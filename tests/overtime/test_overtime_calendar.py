"""Workdays and workweeks in the policy's timezone: boundaries, DST, workday start, splitting."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overtime import (
    Policy,
    WorkdaySpan,
    split_by_workday,
    week_start_of,
    workday_of,
    workday_starts_at,
)
from overtime.calendar import workweek_days

LA = "America/Los_Angeles"
BERLIN = "Europe/Berlin"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def policy(tz: str = "UTC", start: time = time(0, 0), week: int = 0) -> Policy:
    return Policy.for_rule("flsa", timezone=tz, workday_start=start, workweek_start_day=week)


def length(day: date, p: Policy) -> int:
    return int(
        (workday_starts_at(day + timedelta(days=1), p) - workday_starts_at(day, p)).total_seconds()
    )


@pytest.mark.parametrize(
    ("tz", "day", "starts", "seconds"),
    [
        (LA, date(2026, 3, 7), utc(2026, 3, 7, 8), 86_400),
        (LA, date(2026, 3, 8), utc(2026, 3, 8, 8), 82_800),  # spring forward: 23 h
        (LA, date(2026, 3, 9), utc(2026, 3, 9, 7), 86_400),
        (LA, date(2026, 11, 1), utc(2026, 11, 1, 7), 90_000),  # fall back: 25 h
        (LA, date(2026, 11, 2), utc(2026, 11, 2, 8), 86_400),
        (BERLIN, date(2026, 3, 29), utc(2026, 3, 28, 23), 82_800),
        (BERLIN, date(2026, 10, 25), utc(2026, 10, 24, 22), 90_000),
        ("UTC", date(2026, 3, 8), utc(2026, 3, 8), 86_400),
        # Lord Howe shifts by 30 minutes.
        ("Australia/Lord_Howe", date(2026, 4, 5), utc(2026, 4, 4, 13), 88_200),
        # Santiago changes at midnight: the day starts when midnight first shows on the clock.
        ("America/Santiago", date(2026, 4, 4), utc(2026, 4, 4, 3), 90_000),
        ("America/Santiago", date(2026, 9, 6), utc(2026, 9, 6, 4), 82_800),
    ],
)
def test_midnight_workdays_and_their_length_across_dst(
    tz: str, day: date, starts: datetime, seconds: int
) -> None:
    p = policy(tz)
    assert workday_starts_at(day, p) == starts
    assert length(day, p) == seconds


def test_workday_start_at_0600_moves_the_boundary() -> None:
    p = policy(start=time(6, 0))
    assert workday_starts_at(date(2026, 6, 2), p) == utc(2026, 6, 2, 6)
    assert workday_of(utc(2026, 6, 2, 5, 59, 59), p) == date(2026, 6, 1)
    assert workday_of(utc(2026, 6, 2, 6), p) == date(2026, 6, 2)
    assert workday_of(utc(2026, 6, 2, 0, 30), p) == date(2026, 6, 1)


def test_workday_start_inside_the_skipped_hour_begins_when_clocks_jump() -> None:
    # 02:30 does not exist in Los Angeles on 2026-03-08 (02:00 PST -> 03:00 PDT = 10:00Z).
    p = policy(LA, time(2, 30))
    assert workday_starts_at(date(2026, 3, 8), p) == utc(2026, 3, 8, 10)
    assert workday_starts_at(date(2026, 3, 7), p) == utc(2026, 3, 7, 10, 30)
    assert workday_starts_at(date(2026, 3, 9), p) == utc(2026, 3, 9, 9, 30)
    assert length(date(2026, 3, 7), p) == 84_600  # 23.5 h
    assert length(date(2026, 3, 8), p) == 84_600
    assert workday_of(utc(2026, 3, 8, 9, 59, 59), p) == date(2026, 3, 7)
    assert workday_of(utc(2026, 3, 8, 10), p) == date(2026, 3, 8)  # 03:00 PDT


def test_ambiguous_workday_start_uses_the_first_occurrence() -> None:
    # 01:30 happens twice in Los Angeles on 2026-11-01: 08:30Z (PDT) and 09:30Z (PST).
    p = policy(LA, time(1, 30))
    assert workday_starts_at(date(2026, 11, 1), p) == utc(2026, 11, 1, 8, 30)
    assert length(date(2026, 10, 31), p) == 86_400
    assert length(date(2026, 11, 1), p) == 90_000
    # 01:15 PST (the second pass) is already in the workday of 2026-11-01, though the wall
    # clock reads before 01:30: workdays never go backwards.
    assert workday_of(utc(2026, 11, 1, 9, 15), p) == date(2026, 11, 1)
    assert workday_of(utc(2026, 11, 1, 8, 29, 59), p) == date(2026, 10, 31)


def test_a_skipped_date_is_an_empty_workday() -> None:
    # Samoa skipped 2011-12-30 (23:59:59 -10:00 on the 29th, then 00:00 +14:00 on the 31st).
    p = policy("Pacific/Apia")
    assert workday_starts_at(date(2011, 12, 30), p) == utc(2011, 12, 30, 10)
    assert workday_starts_at(date(2011, 12, 31), p) == utc(2011, 12, 30, 10)
    spans = list(split_by_workday(utc(2011, 12, 29, 22), utc(2011, 12, 30, 22), p))
    assert spans == [
        WorkdaySpan(date(2011, 12, 29), utc(2011, 12, 29, 22), utc(2011, 12, 30, 10)),
        WorkdaySpan(date(2011, 12, 31), utc(2011, 12, 30, 10), utc(2011, 12, 30, 22)),
    ]


@pytest.mark.parametrize(
    ("week_start_day", "day", "expected"),
    [
        (0, date(2026, 3, 8), date(2026, 3, 2)),  # Sunday in a Monday week
        (0, date(2026, 3, 2), date(2026, 3, 2)),
        (6, date(2026, 3, 8), date(2026, 3, 8)),  # Sunday weeks
        (6, date(2026, 3, 7), date(2026, 3, 1)),
        (2, date(2026, 3, 10), date(2026, 3, 4)),  # Wednesday weeks, a Tuesday
        (2, date(2026, 3, 11), date(2026, 3, 11)),
        (3, date(2026, 1, 1), date(2026, 1, 1)),  # Thursday weeks across the new year
        (3, date(2025, 12, 31), date(2025, 12, 25)),
        (4, date(2026, 1, 1), date(2025, 12, 26)),
    ],
)
def test_week_start_of(week_start_day: int, day: date, expected: date) -> None:
    assert week_start_of(day, policy(week=week_start_day)) == expected


def test_workweek_days() -> None:
    assert workweek_days(date(2026, 3, 2)) == tuple(date(2026, 3, d) for d in range(2, 9))


def test_night_shift_is_split_at_midnight() -> None:
    spans = list(split_by_workday(utc(2026, 6, 1, 22), utc(2026, 6, 2, 6), policy()))
    assert spans == [
        WorkdaySpan(date(2026, 6, 1), utc(2026, 6, 1, 22), utc(2026, 6, 2)),
        WorkdaySpan(date(2026, 6, 2), utc(2026, 6, 2), utc(2026, 6, 2, 6)),
    ]


def test_multi_day_range_and_exact_boundaries() -> None:
    p = policy(start=time(6, 0))
    spans = list(split_by_workday(utc(2026, 6, 1, 6), utc(2026, 6, 3, 6), p))
    assert spans == [
        WorkdaySpan(date(2026, 6, 1), utc(2026, 6, 1, 6), utc(2026, 6, 2, 6)),
        WorkdaySpan(date(2026, 6, 2), utc(2026, 6, 2, 6), utc(2026, 6, 3, 6)),
    ]


def test_split_in_local_time_across_fall_back() -> None:
    # 22:00 PDT on 2026-10-31 to 06:00 PST on 2026-11-01: 9 real hours, 2 + 7.
    spans = list(split_by_workday(utc(2026, 11, 1, 5), utc(2026, 11, 1, 14), policy(LA)))
    assert spans == [
        WorkdaySpan(date(2026, 10, 31), utc(2026, 11, 1, 5), utc(2026, 11, 1, 7)),
        WorkdaySpan(date(2026, 11, 1), utc(2026, 11, 1, 7), utc(2026, 11, 1, 14)),
    ]


def test_split_edge_cases() -> None:
    p = policy()
    assert list(split_by_workday(utc(2026, 6, 1, 9), utc(2026, 6, 1, 9), p)) == []
    with pytest.raises(ValueError, match="before"):
        list(split_by_workday(utc(2026, 6, 1, 9), utc(2026, 6, 1, 8), p))
    with pytest.raises(ValueError, match="naive"):
        list(split_by_workday(datetime(2026, 6, 1, 9), utc(2026, 6, 1, 10), p))
    # Any aware datetime is the same instant as its UTC form.
    berlin = datetime(2026, 6, 1, 23, tzinfo=ZoneInfo(BERLIN))  # 21:00Z
    assert workday_of(berlin, p) == date(2026, 6, 1)
    assert workday_of(berlin, policy(BERLIN)) == date(2026, 6, 1)
    assert workday_of(utc(2026, 6, 1, 22), policy(BERLIN)) == date(2026, 6, 2)


# -- properties ------------------------------------------------------------------------------

ZONES = [
    "UTC",
    LA,
    BERLIN,
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "America/St_Johns",
]
TRANSITION_DATES = [
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 4, 5),
    date(2026, 10, 4),
    date(2026, 9, 6),
    date(2026, 6, 15),
]


def brute_force_start(day: date, tz: ZoneInfo, start: time) -> datetime:
    """Scan minute by minute for the first instant whose wall clock reads at least day+start."""
    wall = datetime.combine(day, start)
    instant = wall.replace(tzinfo=UTC) - timedelta(hours=15)
    while instant.astimezone(tz).replace(tzinfo=None) < wall:
        instant += timedelta(minutes=1)
    return instant


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    anchor=st.sampled_from(TRANSITION_DATES),
    offset=st.integers(-2, 2),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 1, 15, 30, 45, 59]),
)
def test_workday_start_matches_a_minute_by_minute_scan(
    tz: str, anchor: date, offset: int, hour: int, minute: int
) -> None:
    day = anchor + timedelta(days=offset)
    p = policy(tz, time(hour, minute))
    starts = workday_starts_at(day, p)
    assert starts == brute_force_start(day, ZoneInfo(tz), time(hour, minute))
    nxt = workday_starts_at(day + timedelta(days=1), p)
    assert timedelta(hours=22) <= nxt - starts <= timedelta(hours=26)
    assert workday_of(starts, p) == day
    assert workday_of(nxt - timedelta(seconds=1), p) == day


@settings(max_examples=200, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    anchor=st.sampled_from(TRANSITION_DATES),
    start_offset=st.integers(-3 * 86_400, 3 * 86_400),
    duration=st.integers(0, 4 * 86_400),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 30]),
)
def test_split_by_workday_tiles_the_range_in_consecutive_workdays(
    tz: str, anchor: date, start_offset: int, duration: int, hour: int, minute: int
) -> None:
    p = policy(tz, time(hour, minute))
    begin = datetime.combine(anchor, time(12), tzinfo=UTC) + timedelta(seconds=start_offset)
    end = begin + timedelta(seconds=duration)
    spans = list(split_by_workday(begin, end, p))
    assert sum((s.ends_at - s.starts_at for s in spans), timedelta()) == end - begin
    for span in spans:
        assert span.starts_at < span.ends_at
        assert workday_of(span.starts_at, p) == span.workday
        assert workday_of(span.ends_at - timedelta(seconds=1), p) == span.workday
    for before, after in itertools.pairwise(spans):
        assert before.ends_at == after.starts_at
        assert before.workday < after.workday
    if spans:
        assert spans[0].starts_at == begin
        assert spans[-1].ends_at == end
