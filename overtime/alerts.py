"""Overtime alerts: progress toward the weekly threshold, daily/seventh-day premiums, short rest.

The background alert job feeds an employee's intervals so far (an open entry as an interval ending
now) through :func:`overtime.rules.compute_overtime` and asks :func:`detect_alerts` what holds.
Each :class:`Alert` names the workday or workweek it belongs to, because API.md allows at most
one alert per employee, kind and day/week: ``(kind, period_start)`` is the de-duplication key.

- ``APPROACHING_WEEKLY_OVERTIME``: the seconds counted toward the weekly threshold are at or above
  ``alert_threshold_percent`` of it, but not over it. Once over, ``WEEKLY_OVERTIME`` replaces it
  rather than joining it, so one event never sends two notifications.
- ``WEEKLY_OVERTIME``: the week has weekly overtime.
- ``DAILY_OVERTIME``: a workday's worked time is past the daily overtime threshold.
- ``DOUBLE_TIME``: a workday has double time (daily, or the seventh day's beyond 8 h).
- ``SEVENTH_DAY``: the seventh-day rule applies to a workday (all seven days worked).
- ``SHORT_REST``: less than ``min_rest_hours`` between two shifts (see :func:`short_rest`);
  it belongs to the workday in which the later shift starts (the shortest rest, if several).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from overtime.calendar import week_start_of, workday_of, workday_starts_at
from overtime.intervals import WorkInterval
from overtime.policy import Policy, as_decimal, hours_to_seconds
from overtime.results import OvertimeResult, WorkweekResult

DEFAULT_MIN_REST_HOURS = 11
# Gaps up to this long are breaks inside one shift (lunch off the clock, a task switch); longer
# gaps separate shifts. Three hours keeps a long unpaid lunch inside its shift.
DEFAULT_MAX_BREAK_HOURS = 3


class AlertKind(StrEnum):
    """The alert kinds of API.md; the values are the strings the API returns."""

    APPROACHING_WEEKLY_OVERTIME = "APPROACHING_WEEKLY_OVERTIME"
    WEEKLY_OVERTIME = "WEEKLY_OVERTIME"
    DAILY_OVERTIME = "DAILY_OVERTIME"
    DOUBLE_TIME = "DOUBLE_TIME"
    SEVENTH_DAY = "SEVENTH_DAY"
    SHORT_REST = "SHORT_REST"


@dataclass(frozen=True)
class Alert:
    """One alert condition. ``seconds`` is the quantity behind it, for the message:

    approaching: seconds counted toward the weekly threshold; weekly overtime: weekly overtime
    seconds; daily overtime: worked seconds past the daily threshold; double time: double-time
    seconds; seventh day: worked seconds of that day; short rest: the rest's length.
    """

    kind: AlertKind
    period: Literal["workday", "workweek"]
    period_start: date
    week_start: date
    starts_at: datetime
    seconds: int


@dataclass(frozen=True)
class WeeklyProgress:
    """Where a week stands against the weekly threshold (all ``None`` when there is none)."""

    counted_seconds: int
    threshold_seconds: int | None
    alert_at_seconds: int | None
    remaining_seconds: int | None
    percent: Decimal | None
    approaching: bool
    over: bool


@dataclass(frozen=True)
class RestGap:
    """A rest shorter than required, between the end of one shift and the start of the next."""

    previous_shift_end: datetime
    next_shift_start: datetime
    rest_seconds: int
    previous_entry_id: str | None
    next_entry_id: str | None


def weekly_progress(counted_seconds: int, policy: Policy) -> WeeklyProgress:
    """Progress of ``counted_seconds`` toward the policy's weekly threshold.

    ``counted_seconds`` is what the threshold is measured against: the week's worked seconds
    under FLSA, its regular-eligible seconds under California
    (``WorkweekResult.seconds_toward_weekly_threshold`` is right for every rule).
    ``alert_at_seconds`` is the first count at which ``approaching`` holds; ``percent`` is
    truncated to 2 places.
    """
    if counted_seconds < 0:
        raise ValueError("counted_seconds must not be negative")
    threshold = policy.weekly_overtime_after_seconds
    if threshold is None or threshold == 0:
        # No threshold, or one at zero where every second is overtime: nothing to approach.
        over = threshold == 0 and counted_seconds > 0
        return WeeklyProgress(counted_seconds, threshold, None, None, None, False, over)
    percent_num, percent_den = policy.alert_threshold_percent.as_integer_ratio()
    # counted * 100 >= percent * threshold, solved for the smallest whole counted (a ceiling).
    alert_at = -(-(percent_num * threshold) // (100 * percent_den))
    over = counted_seconds > threshold
    # Truncated, not rounded: 89.9993 % must not be shown as the 90.00 % that raises the alert.
    units = counted_seconds * 100 * 100 // threshold
    return WeeklyProgress(
        counted_seconds=counted_seconds,
        threshold_seconds=threshold,
        alert_at_seconds=alert_at,
        remaining_seconds=max(0, threshold - counted_seconds),
        percent=Decimal(units).scaleb(-2),
        approaching=counted_seconds >= alert_at and not over,
        over=over,
    )


def short_rest(
    intervals: Iterable[WorkInterval],
    min_rest_hours: Decimal | int = DEFAULT_MIN_REST_HOURS,
    max_break_hours: Decimal | int = DEFAULT_MAX_BREAK_HOURS,
) -> tuple[RestGap, ...]:
    """Rests shorter than ``min_rest_hours`` between consecutive shifts, in time order.

    Intervals separated by at most ``max_break_hours`` belong to one shift; a longer gap ends
    the shift, and is a short rest when it is under ``min_rest_hours``. Zero-length intervals
    (a clock-in and clock-out in the same second) are not shifts and are ignored.
    """
    min_rest = hours_to_seconds("min_rest_hours", as_decimal("min_rest_hours", min_rest_hours))
    max_break = hours_to_seconds("max_break_hours", as_decimal("max_break_hours", max_break_hours))
    if max_break < 0:
        raise ValueError("max_break_hours must not be negative")
    if max_break >= min_rest:
        raise ValueError("max_break_hours must be below min_rest_hours")
    ordered = sorted(
        (i for i in intervals if i.duration_seconds), key=lambda i: (i.start_utc, i.end_utc)
    )
    gaps: list[RestGap] = []
    shift_end: datetime | None = None
    last_of_shift: WorkInterval | None = None
    for interval in ordered:
        if shift_end is not None and last_of_shift is not None:
            gap = int((interval.start_utc - shift_end).total_seconds())
            if max_break < gap < min_rest:
                gaps.append(
                    RestGap(
                        shift_end,
                        interval.start_utc,
                        gap,
                        last_of_shift.entry_id,
                        interval.entry_id,
                    )
                )
        if shift_end is None or interval.end_utc >= shift_end:
            shift_end, last_of_shift = interval.end_utc, interval
    return tuple(gaps)


def detect_alerts(
    result: OvertimeResult,
    *,
    min_rest_hours: Decimal | int = DEFAULT_MIN_REST_HOURS,
    max_break_hours: Decimal | int = DEFAULT_MAX_BREAK_HOURS,
) -> tuple[Alert, ...]:
    """Every alert condition in ``result``, ordered by period start, then kind."""
    policy = result.policy
    alerts: list[Alert] = []
    daily_after = policy.daily_overtime_after_seconds
    for week in result.workweeks:
        progress = weekly_progress(week.seconds_toward_weekly_threshold, policy)
        if progress.approaching:
            alerts.append(_week_alert(AlertKind.APPROACHING_WEEKLY_OVERTIME, week, progress))
        if week.weekly_overtime_seconds:
            alerts.append(_week_alert(AlertKind.WEEKLY_OVERTIME, week, progress))
        for day in week.days:
            if daily_after is not None and day.worked_seconds > daily_after:
                excess = day.worked_seconds - daily_after
                alerts.append(_day_alert(AlertKind.DAILY_OVERTIME, day.workday, excess, policy))
            if day.double_time_seconds:
                double = day.double_time_seconds
                alerts.append(_day_alert(AlertKind.DOUBLE_TIME, day.workday, double, policy))
            if day.seventh_day:
                worked = day.worked_seconds
                alerts.append(_day_alert(AlertKind.SEVENTH_DAY, day.workday, worked, policy))
    # Split shifts can give one workday several short rests; one alert per day, the shortest.
    shortest: dict[date, int] = {}
    for gap in short_rest((r.interval for r in result.intervals), min_rest_hours, max_break_hours):
        workday = workday_of(gap.next_shift_start, policy)
        shortest[workday] = min(gap.rest_seconds, shortest.get(workday, gap.rest_seconds))
    for workday, rest_seconds in shortest.items():
        alerts.append(_day_alert(AlertKind.SHORT_REST, workday, rest_seconds, policy))
    kinds = list(AlertKind)
    alerts.sort(key=lambda a: (a.starts_at, kinds.index(a.kind)))
    return tuple(alerts)


def _week_alert(kind: AlertKind, week: WorkweekResult, progress: WeeklyProgress) -> Alert:
    seconds = (
        progress.counted_seconds
        if kind is AlertKind.APPROACHING_WEEKLY_OVERTIME
        else week.weekly_overtime_seconds
    )
    return Alert(kind, "workweek", week.week_start, week.week_start, week.starts_at, seconds)


def _day_alert(kind: AlertKind, workday: date, seconds: int, policy: Policy) -> Alert:
    week_start = week_start_of(workday, policy)
    starts_at = workday_starts_at(workday, policy)
    return Alert(kind, "workday", workday, week_start, starts_at, seconds)
