"""Properties of the allocation over random weeks, policies and time zones (hypothesis).

- the buckets of every interval, workday, workweek and the totals add up to the worked seconds,
  consistently between levels, and are never negative (no second counted twice or lost);
- FLSA regular time never exceeds 40 h a week, California's never 8 h a day (outside the
  seventh day) nor 40 h a week; rule "none" is all regular;
- an independent minute-by-minute reference model agrees exactly;
- splitting an interval in two, or reordering the input, changes nothing.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from overtime import (
    Buckets,
    OvertimeResult,
    Policy,
    WorkInterval,
    compute_overtime,
    detect_alerts,
    week_start_of,
    workday_starts_at,
)
from overtime.policy import RULES

ZONES = [
    "UTC",
    "America/Los_Angeles",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
]
# Near the 2026 DST changes of those zones, plus a quiet summer week.
ANCHORS = [
    datetime(2026, 3, 8, 10, tzinfo=UTC),
    datetime(2026, 11, 1, 9, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
    datetime(2026, 4, 4, 15, tzinfo=UTC),
    datetime(2026, 9, 6, 4, tzinfo=UTC),
    datetime(2026, 7, 15, 12, tzinfo=UTC),
]
H = 3600
SETTINGS = settings(max_examples=150, deadline=None)

quarter_hours = st.integers(0, 14 * 4).map(lambda q: Decimal(q) / 4)


@st.composite
def policies(draw: st.DrawFn, rule: str | None = None) -> Policy:
    chosen = rule or draw(st.sampled_from(RULES))
    overrides: dict[str, object] = {}
    if chosen == "custom":
        daily = draw(st.none() | quarter_hours)
        double = draw(st.none() | quarter_hours)
        if daily is not None and double is not None and double < daily:
            daily, double = double, daily
        overrides = {
            "daily_overtime_after_hours": daily,
            "daily_double_time_after_hours": double,
            "weekly_overtime_after_hours": draw(
                st.none() | st.integers(0, 60 * 4).map(lambda q: Decimal(q) / 4)
            ),
            "seventh_day_rule": draw(st.booleans()),
        }
    return Policy.for_rule(
        chosen,  # type: ignore[arg-type]
        timezone=draw(st.sampled_from(ZONES)),
        workweek_start_day=draw(st.integers(0, 6)),
        workday_start=time(draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))),
        **overrides,
    )


@st.composite
def interval_lists(
    draw: st.DrawFn, unit: int = 1, with_breaks: bool = True, max_size: int = 12
) -> list[WorkInterval]:
    """Non-overlapping intervals in time order; ``unit`` = 60 puts them on whole minutes."""
    cursor = draw(st.sampled_from(ANCHORS)) + timedelta(
        seconds=unit * draw(st.integers(-5 * 86_400 // unit, 2 * 86_400 // unit))
    )
    intervals = []
    for index in range(draw(st.integers(0, max_size))):
        gap = draw(st.sampled_from([0, 0, 1]) | st.integers(0, 30 * H // unit)) * unit
        length = draw(st.integers(0, 16 * H // unit)) * unit
        start = cursor + timedelta(seconds=gap)
        breaks = draw(st.integers(0, length)) if with_breaks and draw(st.booleans()) else 0
        intervals.append(
            WorkInterval(start, start + timedelta(seconds=length), breaks, f"e{index}")
        )
        cursor = start + timedelta(seconds=length)
    return intervals


def check_consistency(intervals: list[WorkInterval], result: OvertimeResult) -> None:
    for interval, item in zip(intervals, result.intervals, strict=True):
        assert item.interval is interval
        assert item.worked_seconds == interval.worked_seconds
        assert item.buckets == sum((s.buckets for s in item.segments), Buckets())
        assert sum(s.duration_seconds for s in item.segments) == interval.duration_seconds
        assert sum(s.break_seconds for s in item.segments) == interval.unpaid_break_seconds
        for segment in item.segments:
            assert min(segment.regular_seconds, segment.overtime_seconds) >= 0
            assert segment.double_time_seconds >= 0
            assert 0 <= segment.break_seconds <= segment.duration_seconds
            assert segment.worked_seconds == segment.duration_seconds - segment.break_seconds
    by_day: dict[date, Buckets] = defaultdict(Buckets)
    for item in result.intervals:
        for segment in item.segments:
            by_day[segment.workday] += segment.buckets
    assert {d.workday: d.buckets for d in result.workdays} == dict(by_day)
    for week in result.workweeks:
        assert week.buckets == sum((d.buckets for d in week.days), Buckets())
        assert all(week_start_of(d.workday, result.policy) == week.week_start for d in week.days)
        assert 0 <= week.weekly_overtime_seconds <= week.overtime_seconds
    assert result.totals == sum((w.buckets for w in result.workweeks), Buckets())
    assert result.totals.worked_seconds == sum(i.worked_seconds for i in intervals)
    assert [d.workday for d in result.workdays] == sorted(by_day)


@SETTINGS
@given(policy=policies(), intervals=interval_lists())
def test_buckets_add_up_at_every_level_and_are_never_negative(
    policy: Policy, intervals: list[WorkInterval]
) -> None:
    result = compute_overtime(intervals, policy)
    check_consistency(intervals, result)
    keys = [(a.kind, a.period_start) for a in detect_alerts(result)]
    assert len(keys) == len(set(keys))


@SETTINGS
@given(policy=policies("flsa"), intervals=interval_lists())
def test_flsa_regular_is_at_most_40_hours_a_week(
    policy: Policy, intervals: list[WorkInterval]
) -> None:
    for week in compute_overtime(intervals, policy).workweeks:
        assert week.regular_seconds == min(week.worked_seconds, 40 * H)
        assert week.overtime_seconds == max(0, week.worked_seconds - 40 * H)
        assert week.double_time_seconds == 0


@SETTINGS
@given(policy=policies("california"), intervals=interval_lists())
def test_california_limits(policy: Policy, intervals: list[WorkInterval]) -> None:
    for week in compute_overtime(intervals, policy).workweeks:
        assert week.regular_seconds <= 40 * H
        for day in week.days:
            if day.seventh_day:
                assert day.regular_seconds == 0
                assert day.overtime_seconds == min(day.worked_seconds, 8 * H)
            else:
                assert day.regular_seconds <= 8 * H
                assert day.double_time_seconds == max(0, day.worked_seconds - 12 * H)
                assert day.overtime_seconds >= min(4 * H, max(0, day.worked_seconds - 8 * H))


@SETTINGS
@given(policy=policies("none"), intervals=interval_lists())
def test_rule_none_is_all_regular(policy: Policy, intervals: list[WorkInterval]) -> None:
    result = compute_overtime(intervals, policy)
    assert result.totals == Buckets(sum(i.worked_seconds for i in intervals), 0, 0)


def reference(intervals: list[WorkInterval], policy: Policy) -> dict[str, Buckets]:
    """Classify every worked minute one by one (minute-aligned input, thresholds in minutes)."""
    minutes = [
        i.start_utc + timedelta(minutes=m)
        for i in intervals
        for m in range(i.duration_seconds // 60)
    ]
    owner = [i.entry_id for i in intervals for _ in range(i.duration_seconds // 60)]
    if not minutes:
        return {}
    first = minutes[0].date() - timedelta(days=2)
    days = [first + timedelta(days=n) for n in range((minutes[-1].date() - first).days + 3)]
    starts = [workday_starts_at(d, policy) for d in days]
    workday = [days[bisect.bisect_right(starts, m) - 1] for m in minutes]

    def in_minutes(seconds: int | None) -> int | None:
        return None if seconds is None else seconds // 60

    daily_ot = in_minutes(policy.daily_overtime_after_seconds)
    daily_dt = in_minutes(policy.daily_double_time_after_seconds)
    weekly = in_minutes(policy.weekly_overtime_after_seconds)
    seventh_limit = policy.seventh_day_double_time_after_seconds // 60
    if daily_dt is not None:
        seventh_limit = min(seventh_limit, daily_dt)
    worked_days: dict[date, set[date]] = defaultdict(set)
    for day in workday:
        worked_days[week_start_of(day, policy)].add(day)

    per_entry: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    day_position: dict[date, int] = defaultdict(int)
    week_regular: dict[date, int] = defaultdict(int)
    for day, entry in zip(workday, owner, strict=True):
        week = week_start_of(day, policy)
        position = day_position[day]
        day_position[day] += 1
        seventh = (
            policy.seventh_day_rule
            and len(worked_days[week]) == 7
            and day == week + timedelta(days=6)
        )
        if seventh:
            bucket = 1 if position < seventh_limit else 2
        elif daily_dt is not None and position >= daily_dt:
            bucket = 2
        elif (daily_ot is not None and position >= daily_ot) or (
            weekly is not None and week_regular[week] >= weekly  # regular-eligible, week full
        ):
            bucket = 1
        else:
            bucket = 0
            week_regular[week] += 1
        per_entry[str(entry)][bucket] += 60
    return {entry: Buckets(*values) for entry, values in per_entry.items()}


@settings(max_examples=200, deadline=None)
@given(policy=policies(), intervals=interval_lists(unit=60, with_breaks=False, max_size=10))
def test_agrees_with_a_minute_by_minute_reference(
    policy: Policy, intervals: list[WorkInterval]
) -> None:
    result = compute_overtime(intervals, policy)
    engine = {str(r.entry_id): r.buckets for r in result.intervals if r.worked_seconds}
    assert engine == reference(intervals, policy)


@SETTINGS
@given(
    policy=policies(),
    intervals=interval_lists(with_breaks=False).filter(
        lambda ivs: any(i.duration_seconds > 1 for i in ivs)
    ),
    data=st.data(),
)
def test_splitting_a_break_free_interval_changes_nothing(
    policy: Policy, intervals: list[WorkInterval], data: st.DataObject
) -> None:
    candidates = [n for n, i in enumerate(intervals) if i.duration_seconds > 1]
    index = data.draw(st.sampled_from(candidates))
    whole = intervals[index]
    cut = whole.start + timedelta(seconds=data.draw(st.integers(1, whole.duration_seconds - 1)))
    halves = [
        WorkInterval(whole.start, cut, entry_id="a"),
        WorkInterval(cut, whole.end, entry_id="b"),
    ]
    before = compute_overtime(intervals, policy)
    after = compute_overtime([*intervals[:index], *halves, *intervals[index + 1 :]], policy)
    assert after.workdays == before.workdays
    assert after.workweeks == before.workweeks
    assert after.intervals[index].buckets + after.intervals[index + 1].buckets == (
        before.intervals[index].buckets
    )


@SETTINGS
@given(policy=policies(), intervals=interval_lists(), data=st.data())
def test_splitting_at_workday_boundaries_with_the_attributed_breaks_changes_nothing(
    policy: Policy, intervals: list[WorkInterval], data: st.DataObject
) -> None:
    before = compute_overtime(intervals, policy)
    assume(intervals)
    index = data.draw(st.integers(0, len(intervals) - 1))
    pieces = [
        WorkInterval(s.starts_at, s.ends_at, s.break_seconds, f"piece{n}")
        for n, s in enumerate(before.intervals[index].segments)
    ]
    after = compute_overtime([*intervals[:index], *pieces, *intervals[index + 1 :]], policy)
    assert after.workdays == before.workdays
    assert after.workweeks == before.workweeks
    split = after.intervals[index : index + len(pieces)]
    assert [p.buckets for p in split] == [s.buckets for s in before.intervals[index].segments]


@SETTINGS
@given(policy=policies(), intervals=interval_lists(), data=st.data())
def test_splitting_within_one_workday_with_any_share_of_the_break_changes_nothing(
    policy: Policy, intervals: list[WorkInterval], data: st.DataObject
) -> None:
    before = compute_overtime(intervals, policy)
    candidates = [
        n
        for n, r in enumerate(before.intervals)
        if len(r.segments) == 1 and r.interval.duration_seconds > 1
    ]
    assume(candidates)
    whole = intervals[data.draw(st.sampled_from(candidates))]
    index = intervals.index(whole)
    first = data.draw(st.integers(1, whole.duration_seconds - 1))
    second = whole.duration_seconds - first
    low = max(0, whole.unpaid_break_seconds - second)
    first_break = data.draw(st.integers(low, min(first, whole.unpaid_break_seconds)))
    cut = whole.start + timedelta(seconds=first)
    halves = [
        WorkInterval(whole.start, cut, first_break),
        WorkInterval(cut, whole.end, whole.unpaid_break_seconds - first_break),
    ]
    after = compute_overtime([*intervals[:index], *halves, *intervals[index + 1 :]], policy)
    assert after.workdays == before.workdays
    assert after.workweeks == before.workweeks


@SETTINGS
@given(policy=policies(), intervals=interval_lists(), data=st.data())
def test_input_order_does_not_matter(
    policy: Policy, intervals: list[WorkInterval], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(intervals))
    before = compute_overtime(intervals, policy)
    after = compute_overtime(shuffled, policy)
    assert after.workdays == before.workdays
    assert after.workweeks == before.workweeks
    by_entry = {r.entry_id: r for r in before.intervals}
    assert all(r == by_entry[r.entry_id] for r in after.intervals)
