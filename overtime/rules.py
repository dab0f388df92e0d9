"""Allocation of worked seconds to regular, overtime and double time (FLSA, California, custom).

How one workweek is allocated, chronologically (the seconds that cross a threshold are the later
ones, so the interval that pushes the week past 40 h is the one that carries the overtime):

1. Every interval is cut at workday boundaries (:mod:`overtime.calendar`) and its unpaid break
   attributed to the pieces in proportion (:mod:`overtime.intervals`).
2. **Seventh day** (``seventh_day_rule``): when every one of the week's seven workdays has worked
   time, the seventh is paid overtime up to the daily overtime threshold (8 h by default) and
   double time beyond it (or beyond the daily double-time threshold, if lower). Its seconds do
   not count toward the weekly threshold: they are premium already.
3. **Daily** on the other days: position ``p`` in the day's worked time (0 at the first worked
   second) is regular-eligible below ``daily_overtime_after``, overtime from there, double time
   from ``daily_double_time_after``. Either threshold may be absent.
4. **Weekly**: regular-eligible seconds are counted in time order; those past
   ``weekly_overtime_after`` become overtime. Seconds already daily overtime or double time are
   not counted again (California: "over 40 *regular* hours"), so no second is paid twice.

The caller must pass every interval of each workweek it wants an answer for: a week's allocation
depends on all of its days. Intervals must not overlap (a second worked twice is a data error,
refused rather than silently counted twice); touching intervals (a task switch) are fine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from overtime.batch import allocate_weeks
from overtime.calendar import WorkdaySpan, split_by_workday, week_start_of, workday_starts_at
from overtime.intervals import WorkInterval, apportion
from overtime.policy import Policy
from overtime.results import (
    Buckets,
    IntervalResult,
    OvertimeResult,
    SegmentResult,
    WorkdayResult,
    WorkweekResult,
    sum_buckets,
)


@dataclass
class _Piece:
    """A workday's share of one interval, while it is being allocated."""

    span: WorkdaySpan
    break_seconds: int
    worked_seconds: int
    regular: int = 0
    overtime: int = 0
    double_time: int = 0
    weekly_overtime: int = 0


def _overlap(start: int, end: int, low: int, high: int | None) -> int:
    """Length of ``[start, end) ∩ [low, high)``; ``high=None`` is unbounded."""
    top = end if high is None else min(end, high)
    return max(0, top - max(start, low))


def compute_overtime(intervals: Iterable[WorkInterval], policy: Policy) -> OvertimeResult:
    """Allocate one employee's worked intervals to buckets under ``policy`` (see module doc)."""
    items = list(intervals)
    for item in items:
        if not isinstance(item, WorkInterval):
            raise TypeError(f"expected WorkInterval, got {type(item).__name__}")
    order = sorted(range(len(items)), key=lambda i: (items[i].start_utc, items[i].end_utc, i))
    _refuse_overlaps(items, order)

    pieces_by_interval: dict[int, list[_Piece]] = {i: [] for i in range(len(items))}
    # week start -> workday -> pieces; built in time order, and dicts keep insertion order.
    weeks: dict[date, dict[date, list[_Piece]]] = {}
    for index in order:
        interval = items[index]
        spans = list(split_by_workday(interval.start_utc, interval.end_utc, policy))
        lengths = [int((s.ends_at - s.starts_at).total_seconds()) for s in spans]
        breaks = apportion(interval.unpaid_break_seconds, lengths)
        for span, length, break_seconds in zip(spans, lengths, breaks, strict=True):
            piece = _Piece(span, break_seconds, length - break_seconds)
            pieces_by_interval[index].append(piece)
            week = weeks.setdefault(week_start_of(span.workday, policy), {})
            week.setdefault(span.workday, []).append(piece)

    workweeks = [
        _allocate_week(week_start, weeks[week_start], policy) for week_start in sorted(weeks)
    ]
    interval_results = tuple(
        _interval_result(items[i], pieces_by_interval[i], policy) for i in range(len(items))
    )
    return OvertimeResult(
        policy=policy,
        intervals=interval_results,
        workdays=tuple(day for week in workweeks for day in week.days),
        workweeks=tuple(workweeks),
        totals=sum_buckets(workweeks),
    )


def _refuse_overlaps(items: list[WorkInterval], order: list[int]) -> None:
    # Compare with the latest end so far, not just the previous interval: a long interval may
    # contain several short ones.
    latest: int | None = None
    for index in order:
        if latest is not None and items[index].start_utc < items[latest].end_utc:
            raise ValueError(
                "overlapping intervals would count the same seconds twice: "
                f"{_describe(items[latest])} and {_describe(items[index])}"
            )
        if latest is None or items[index].end_utc > items[latest].end_utc:
            latest = index


def _describe(interval: WorkInterval) -> str:
    name = f"entry {interval.entry_id} " if interval.entry_id is not None else ""
    return f"{name}[{interval.start_utc.isoformat()}, {interval.end_utc.isoformat()})"


def _allocate_week(
    week_start: date, days: dict[date, list[_Piece]], policy: Policy
) -> WorkweekResult:
    worked_days = {day for day, pieces in days.items() if sum(p.worked_seconds for p in pieces)}
    seventh_day: date | None = None
    if policy.seventh_day_rule and len(worked_days) == 7:
        seventh_day = week_start + timedelta(days=6)

    weekly_limit = policy.weekly_overtime_after_seconds
    weekly_regular = 0
    day_results = []
    for day in sorted(days):
        position = 0
        for piece in days[day]:
            start, end = position, position + piece.worked_seconds
            if day == seventh_day:
                _allocate_seventh_day(piece, start, end, policy)
            else:
                eligible = _allocate_daily(piece, start, end, policy)
                room = eligible if weekly_limit is None else max(0, weekly_limit - weekly_regular)
                piece.regular = min(eligible, room)
                piece.weekly_overtime = eligible - piece.regular
                piece.overtime += piece.weekly_overtime
                weekly_regular += piece.regular
            position = end
        day_results.append(_workday_result(day, week_start, days[day], day == seventh_day, policy))

    totals = sum_buckets(day_results)
    return WorkweekResult(
        totals.regular_seconds,
        totals.overtime_seconds,
        totals.double_time_seconds,
        week_start=week_start,
        starts_at=workday_starts_at(week_start, policy),
        ends_at=workday_starts_at(week_start + timedelta(days=7), policy),
        days=tuple(day_results),
        weekly_overtime_seconds=sum(p.weekly_overtime for ps in days.values() for p in ps),
    )


def _allocate_seventh_day(piece: _Piece, start: int, end: int, policy: Policy) -> None:
    limit = policy.seventh_day_double_time_after_seconds
    daily_double = policy.daily_double_time_after_seconds
    if daily_double is not None:
        limit = min(limit, daily_double)
    piece.overtime = _overlap(start, end, 0, limit)
    piece.double_time = _overlap(start, end, limit, None)


def _allocate_daily(piece: _Piece, start: int, end: int, policy: Policy) -> int:
    """Set the piece's daily overtime and double time; return its regular-eligible seconds."""
    overtime_after = policy.daily_overtime_after_seconds
    double_after = policy.daily_double_time_after_seconds
    # Double time is never below overtime (Policy checks), so the lower threshold ends regular.
    eligible_until = overtime_after if overtime_after is not None else double_after
    if overtime_after is not None:
        piece.overtime = _overlap(start, end, overtime_after, double_after)
    if double_after is not None:
        piece.double_time = _overlap(start, end, double_after, None)
    return _overlap(start, end, 0, eligible_until)


def _workday_result(
    day: date, week_start: date, pieces: list[_Piece], seventh: bool, policy: Policy
) -> WorkdayResult:
    return WorkdayResult(
        sum(p.regular for p in pieces),
        sum(p.overtime for p in pieces),
        sum(p.double_time for p in pieces),
        workday=day,
        week_start=week_start,
        starts_at=workday_starts_at(day, policy),
        ends_at=workday_starts_at(day + timedelta(days=1), policy),
        seventh_day=seventh,
    )


def _interval_result(
    interval: WorkInterval, pieces: list[_Piece], policy: Policy
) -> IntervalResult:
    segments = tuple(
        SegmentResult(
            p.regular,
            p.overtime,
            p.double_time,
            workday=p.span.workday,
            week_start=week_start_of(p.span.workday, policy),
            starts_at=p.span.starts_at,
            ends_at=p.span.ends_at,
            break_seconds=p.break_seconds,
        )
        for p in pieces
    )
    totals = sum_buckets(segments)
    return IntervalResult(
        totals.regular_seconds,
        totals.overtime_seconds,
        totals.double_time_seconds,
        interval=interval,
        segments=segments,
    )


@dataclass(frozen=True, slots=True)
class DayTotalsAllocation:
    """One workweek allocated from its seven workdays' worked seconds alone.

    ``days`` holds ``(regular, overtime, double_time)`` seconds per workday, in week order.
    """

    days: tuple[tuple[int, int, int], ...]
    totals: Buckets
    weekly_overtime_seconds: int
    seventh_day: bool


def allocate_day_totals(worked_by_day: Sequence[int], policy: Policy) -> DayTotalsAllocation:
    """Allocate a workweek given only each workday's worked seconds (seven values, in order).

    A week's (and each day's) buckets depend on the days' worked totals alone, not on how the
    intervals lie within a day, so this gives exactly what :func:`compute_overtime` gives for the
    same week's workday and workweek results, without datetimes. It is
    :func:`overtime.batch.allocate_weeks` on one week: summaries and exports aggregate the days
    in SQL and allocate all their weeks there at once. Per-interval results need
    ``compute_overtime``.
    """
    if len(worked_by_day) != 7:
        raise ValueError("a workweek has seven workdays")
    for seconds in worked_by_day:
        if type(seconds) is not int or seconds < 0:  # bool is not a duration either
            raise ValueError("worked seconds must be non-negative ints")
    # One implementation of the whole-day allocation, over arrays (overtime.batch): this is
    # it on a single week.
    week = allocate_weeks([list(worked_by_day)], policy)
    days = tuple(
        (int(r), int(o), int(d))
        for r, o, d in zip(week.regular[0], week.overtime[0], week.double_time[0], strict=True)
    )
    totals = Buckets(*(sum(bucket) for bucket in zip(*days, strict=True)))
    weekly_overtime, seventh = int(week.weekly_overtime[0]), bool(week.seventh_day[0])
    return DayTotalsAllocation(days, totals, weekly_overtime, seventh)
