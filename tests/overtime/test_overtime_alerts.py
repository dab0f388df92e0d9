"""Alerts: weekly progress, the alert kinds with the day/week they belong to, short rest."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from overtime import (
    Alert,
    AlertKind,
    Policy,
    RestGap,
    WeeklyProgress,
    WorkInterval,
    compute_overtime,
    detect_alerts,
    short_rest,
    weekly_progress,
)

H = 3600
MON = date(2026, 6, 1)
FLSA = Policy.for_rule("flsa")
CA = Policy.for_rule("california")


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def iv(start: datetime, end: datetime, entry_id: str | None = None) -> WorkInterval:
    return WorkInterval(start, end, entry_id=entry_id)


def week(hours: list[float]) -> list[WorkInterval]:
    return [
        iv(at(MON + timedelta(days=i), 8), at(MON + timedelta(days=i), 8) + timedelta(hours=h))
        for i, h in enumerate(hours)
        if h
    ]


# -- weekly_progress -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counted", "percent", "remaining", "approaching", "over"),
    [
        (0, "0.00", 144_000, False, False),
        (129_599, "89.99", 14_401, False, False),  # 89.9993 % is not yet 90 %
        (129_600, "90.00", 14_400, True, False),
        (144_000, "100.00", 0, True, False),  # exactly 40 h: no overtime yet
        (144_001, "100.00", 0, False, True),
        (180_000, "125.00", 0, False, True),
    ],
)
def test_weekly_progress_flsa(
    counted: int, percent: str, remaining: int, approaching: bool, over: bool
) -> None:
    assert weekly_progress(counted, FLSA) == WeeklyProgress(
        counted_seconds=counted,
        threshold_seconds=144_000,
        alert_at_seconds=129_600,
        remaining_seconds=remaining,
        percent=Decimal(percent),
        approaching=approaching,
        over=over,
    )


def test_alert_threshold_is_a_ceiling_in_whole_seconds() -> None:
    odd = Policy.for_rule("flsa", alert_threshold_percent=Decimal("33.33"))
    assert weekly_progress(0, odd).alert_at_seconds == 47_996  # 47995.2
    assert weekly_progress(47_995, odd).approaching is False
    assert weekly_progress(47_996, odd).approaching is True
    half = Policy.for_rule("flsa", alert_threshold_percent=Decimal("85.5"))
    assert weekly_progress(0, half).alert_at_seconds == 123_120


def test_weekly_progress_without_a_weekly_threshold() -> None:
    for policy in (
        Policy.for_rule("none"),
        Policy.for_rule("custom", daily_overtime_after_hours=8),
    ):
        assert weekly_progress(200_000, policy) == WeeklyProgress(
            200_000, None, None, None, None, False, False
        )
    zero = Policy.for_rule("custom", weekly_overtime_after_hours=0)
    assert weekly_progress(0, zero).over is False
    assert weekly_progress(1, zero).over is True
    assert weekly_progress(1, zero).approaching is False
    with pytest.raises(ValueError):
        weekly_progress(-1, FLSA)


# -- detect_alerts ---------------------------------------------------------------------------


def day_alert(kind: AlertKind, day: date, seconds: int, starts: datetime | None = None) -> Alert:
    return Alert(kind, "workday", day, MON, starts or at(day, 0), seconds)


def test_california_week_alerts_with_their_days() -> None:
    result = compute_overtime(week([10, 10, 10, 10, 13, 9]), CA)
    days = [MON + timedelta(days=i) for i in range(6)]
    assert detect_alerts(result) == (
        Alert(AlertKind.WEEKLY_OVERTIME, "workweek", MON, MON, utc(2026, 6, 1), 28_800),
        day_alert(AlertKind.DAILY_OVERTIME, days[0], 7_200),
        day_alert(AlertKind.DAILY_OVERTIME, days[1], 7_200),
        day_alert(AlertKind.DAILY_OVERTIME, days[2], 7_200),
        day_alert(AlertKind.DAILY_OVERTIME, days[3], 7_200),
        day_alert(AlertKind.DAILY_OVERTIME, days[4], 18_000),
        day_alert(AlertKind.DOUBLE_TIME, days[4], 3_600),
        day_alert(AlertKind.DAILY_OVERTIME, days[5], 3_600),
    )


def test_approaching_weekly_overtime() -> None:
    assert detect_alerts(compute_overtime(week([8, 8, 8, 8, 5]), FLSA)) == (
        Alert(
            AlertKind.APPROACHING_WEEKLY_OVERTIME, "workweek", MON, MON, utc(2026, 6, 1), 133_200
        ),
    )
    assert detect_alerts(compute_overtime(week([8, 8, 8, 8, 3]), FLSA)) == ()
    # Over the threshold: weekly overtime replaces the approaching alert.
    assert [a.kind for a in detect_alerts(compute_overtime(week([9, 9, 9, 9, 9]), FLSA))] == [
        AlertKind.WEEKLY_OVERTIME
    ]


def test_california_approaching_counts_regular_hours_only() -> None:
    # 4 x 10 h = 40 h worked but 32 h regular-eligible: 80 %, below the 90 % threshold.
    assert [a.kind for a in detect_alerts(compute_overtime(week([10, 10, 10, 10]), CA))] == [
        AlertKind.DAILY_OVERTIME
    ] * 4
    # Add Friday 5 h: 37 h regular, 92.5 %.
    alerts = detect_alerts(compute_overtime(week([10, 10, 10, 10, 5]), CA))
    assert alerts[0] == Alert(
        AlertKind.APPROACHING_WEEKLY_OVERTIME, "workweek", MON, MON, utc(2026, 6, 1), 133_200
    )


def test_seventh_day_alerts() -> None:
    alerts = detect_alerts(compute_overtime(week([5, 5, 5, 5, 5, 5, 10]), CA))
    sunday = date(2026, 6, 7)
    assert alerts == (
        day_alert(AlertKind.DAILY_OVERTIME, sunday, 7_200),
        day_alert(AlertKind.DOUBLE_TIME, sunday, 7_200),
        day_alert(AlertKind.SEVENTH_DAY, sunday, 36_000),
    )


def test_rule_none_raises_no_overtime_alerts() -> None:
    result = compute_overtime(week([12, 12, 12, 12, 12, 12, 12]), Policy.for_rule("none"))
    assert detect_alerts(result) == ()


def test_short_rest_alert_belongs_to_the_workday_of_the_next_shift() -> None:
    la = ZoneInfo("America/Los_Angeles")
    policy = Policy.for_rule("california", timezone="America/Los_Angeles", workday_start=time(6))

    def local(day: int, hour: int) -> datetime:
        return datetime(2026, 6, day, hour, tzinfo=la).astimezone(UTC)

    # Mon 13:00-21:00, then Tue 05:00-13:00 local: 8 h of rest. The 05:00 shift starts before
    # the 06:00 workday start, so the alert (and the first hour) belong to Monday's workday.
    result = compute_overtime(
        [iv(local(1, 13), local(1, 21)), iv(local(2, 5), local(2, 13))], policy
    )
    monday_start = utc(2026, 6, 1, 13)  # 06:00 PDT
    assert detect_alerts(result) == (
        day_alert(AlertKind.DAILY_OVERTIME, MON, 3_600, monday_start),
        day_alert(AlertKind.SHORT_REST, MON, 28_800, monday_start),
    )


def test_alerts_are_unique_per_kind_and_period() -> None:
    intervals = week([13, 13, 13, 13, 13, 13, 13])
    alerts = detect_alerts(compute_overtime(intervals, CA))
    keys = [(a.kind, a.period_start) for a in alerts]
    assert len(keys) == len(set(keys)) == 1 + 7 + 7 + 1  # weekly, 7 daily, 7 double, seventh
    assert AlertKind.SEVENTH_DAY.value == "SEVENTH_DAY"
    assert str(AlertKind.APPROACHING_WEEKLY_OVERTIME) == "APPROACHING_WEEKLY_OVERTIME"


# -- short_rest ------------------------------------------------------------------------------

TUE = MON + timedelta(days=1)


def test_short_rest_between_evening_and_morning_shifts() -> None:
    evening = iv(at(MON, 14), at(MON, 23), "evening")
    morning = iv(at(TUE, 7), at(TUE, 15), "morning")
    assert short_rest([evening, morning]) == (
        RestGap(at(MON, 23), at(TUE, 7), 28_800, "evening", "morning"),
    )
    assert short_rest([morning, evening]) == short_rest([evening, morning])


def test_exactly_11_hours_is_enough_and_one_second_less_is_not() -> None:
    first = iv(at(MON, 8), at(MON, 16))
    assert short_rest([first, iv(at(TUE, 3), at(TUE, 9))]) == ()
    second = iv(at(TUE, 3) - timedelta(seconds=1), at(TUE, 9))
    assert [g.rest_seconds for g in short_rest([first, second])] == [39_599]


def test_breaks_within_a_shift_are_not_rests() -> None:
    intervals = [
        iv(at(MON, 9), at(MON, 12)),
        iv(at(MON, 13), at(MON, 17)),  # lunch off the clock
        iv(at(MON, 20), at(MON, 22)),  # 3 h later: still the same shift (boundary)
        iv(at(TUE, 9), at(TUE, 17)),
    ]
    assert short_rest(intervals) == ()
    intervals[2] = iv(at(MON, 20, 0) + timedelta(seconds=1), at(MON, 22))
    assert [g.rest_seconds for g in short_rest(intervals)] == [10_801]


def test_shift_end_is_the_latest_end_and_names_its_entry() -> None:
    long_shift = iv(at(MON, 8), at(MON, 20), "long")
    inside = iv(at(MON, 10), at(MON, 12), "inside")
    next_day = iv(at(TUE, 6), at(TUE, 14), "next")
    assert short_rest([long_shift, inside, next_day]) == (
        RestGap(at(MON, 20), at(TUE, 6), 36_000, "long", "next"),
    )


def test_short_rest_parameters() -> None:
    evening = iv(at(MON, 14), at(MON, 23))
    morning = iv(at(TUE, 7), at(TUE, 15))
    assert short_rest([evening, morning], min_rest_hours=8) == ()
    assert [g.rest_seconds for g in short_rest([evening, morning], Decimal("8.5"))] == [28_800]
    assert short_rest([evening, morning], max_break_hours=8) == ()
    with pytest.raises(ValueError):
        short_rest([evening, morning], min_rest_hours=3, max_break_hours=3)
    with pytest.raises(TypeError):
        short_rest([evening, morning], min_rest_hours=10.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        short_rest([evening, morning], max_break_hours=-1)
    assert short_rest([]) == ()


def test_one_short_rest_alert_per_workday_the_shortest() -> None:
    # A night shift ending 01:00, then 06:00-09:00, then 13:00-20:00 on Tuesday: rests of 5 h
    # and 4 h both end on Tuesday; one alert, with the 4 h.
    intervals = [
        iv(at(MON, 17), at(TUE, 1)),
        iv(at(TUE, 6), at(TUE, 9)),
        iv(at(TUE, 13), at(TUE, 20)),
    ]
    assert [g.rest_seconds for g in short_rest(intervals)] == [18_000, 14_400]
    alerts = [a for a in detect_alerts(compute_overtime(intervals, FLSA)) if a.kind == "SHORT_REST"]
    assert alerts == [Alert(AlertKind.SHORT_REST, "workday", TUE, MON, at(TUE, 0), 14_400)]


def test_zero_length_intervals_are_not_shifts() -> None:
    evening = iv(at(MON, 14), at(MON, 23))
    blip = iv(at(TUE, 2), at(TUE, 2))
    morning = iv(at(TUE, 11), at(TUE, 15))
    assert short_rest([evening, blip, morning]) == ()
