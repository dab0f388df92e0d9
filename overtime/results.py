"""What the engine returns: integer seconds per bucket, per workday, workweek and input interval.

Every result *is* a :class:`Buckets` (``regular_seconds``, ``overtime_seconds``,
``double_time_seconds``) with its own context added as keyword-only fields, so a summary, an
alert or a payroll detail line reads the numbers the same way whatever level it works at. The
levels are consistent by construction: a workday is the sum of the interval pieces in it, a
workweek the sum of its workdays, and the totals the sum of the workweeks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime

from overtime.intervals import WorkInterval
from overtime.policy import Policy


@dataclass(frozen=True)
class Buckets:
    """Seconds paid at the regular, overtime and double-time rates; they never overlap."""

    regular_seconds: int = 0
    overtime_seconds: int = 0
    double_time_seconds: int = 0

    @property
    def worked_seconds(self) -> int:
        return self.regular_seconds + self.overtime_seconds + self.double_time_seconds

    @property
    def buckets(self) -> Buckets:
        """Just the three numbers, without the context of a subclass (handy in comparisons)."""
        return Buckets(self.regular_seconds, self.overtime_seconds, self.double_time_seconds)

    def __add__(self, other: Buckets) -> Buckets:
        if not isinstance(other, Buckets):
            return NotImplemented
        return Buckets(
            self.regular_seconds + other.regular_seconds,
            self.overtime_seconds + other.overtime_seconds,
            self.double_time_seconds + other.double_time_seconds,
        )


def sum_buckets(items: Iterable[Buckets]) -> Buckets:
    """The bucket-wise sum of :class:`Buckets` (``Buckets()`` when empty)."""
    total = Buckets()
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True)
class SegmentResult(Buckets):
    """The part of one input interval that lies in one workday, and how it is paid."""

    _: KW_ONLY
    workday: date
    week_start: date
    starts_at: datetime
    ends_at: datetime
    break_seconds: int

    @property
    def duration_seconds(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds())


@dataclass(frozen=True)
class IntervalResult(Buckets):
    """One input interval's split, for a payroll detail line; ``segments`` per workday."""

    _: KW_ONLY
    interval: WorkInterval
    segments: tuple[SegmentResult, ...]

    @property
    def entry_id(self) -> str | None:
        return self.interval.entry_id


@dataclass(frozen=True)
class WorkdayResult(Buckets):
    """One workday (a local date in the policy's timezone) with any worked time in it."""

    _: KW_ONLY
    workday: date
    week_start: date
    starts_at: datetime
    ends_at: datetime
    seventh_day: bool

    @property
    def length_seconds(self) -> int:
        """The workday's own length: 86400, or 82800/90000 across a DST change."""
        return int((self.ends_at - self.starts_at).total_seconds())


@dataclass(frozen=True)
class WorkweekResult(Buckets):
    """One workweek's totals and its workdays (only those with an interval in them)."""

    _: KW_ONLY
    week_start: date
    starts_at: datetime
    ends_at: datetime
    days: tuple[WorkdayResult, ...]
    weekly_overtime_seconds: int
    """The part of ``overtime_seconds`` due to the weekly threshold (not daily/seventh day)."""

    @property
    def seconds_toward_weekly_threshold(self) -> int:
        """The seconds the weekly threshold is measured against: all time that was not daily
        overtime, daily double time or seventh-day time (California counts regular hours only).
        """
        return self.regular_seconds + self.weekly_overtime_seconds


@dataclass(frozen=True)
class OvertimeResult:
    """Everything ``compute_overtime`` found; ``intervals`` keeps the input order."""

    policy: Policy
    intervals: tuple[IntervalResult, ...]
    workdays: tuple[WorkdayResult, ...]
    workweeks: tuple[WorkweekResult, ...]
    totals: Buckets

    def workday(self, day: date) -> WorkdayResult | None:
        return next((d for d in self.workdays if d.workday == day), None)

    def workweek(self, week_start: date) -> WorkweekResult | None:
        return next((w for w in self.workweeks if w.week_start == week_start), None)
