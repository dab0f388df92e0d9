"""Workdays and workweeks in the policy's timezone, and splitting instants ranges at their edges.

Definitions (all instants are UTC-aware datetimes; all arithmetic is done in UTC, because Python
subtracts and compares two datetimes sharing one ``ZoneInfo`` by wall clock, which is wrong
across a DST change):

- Workday ``D`` (a local date) begins at the first instant whose wall clock in the policy's
  timezone reads ``D`` at ``workday_start``, and ends where workday ``D + 1`` begins. So a
  midnight-to-midnight day is 23 h long on the spring-forward date and 25 h on the fall-back one.
- If ``workday_start`` does not exist on ``D`` (it falls in the hour skipped by spring-forward,
  e.g. 02:30 in Los Angeles), the workday begins when the clocks jump, the first instant at which
  the wall clock has passed the start. If it occurs twice (fall-back), the first occurrence wins.
- A workday belongs to the workweek of its *date*: the week starting on the latest date on or
  before ``D`` whose weekday is ``workweek_start_day``. A workweek is identified by that date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from overtime.policy import Policy

ONE_DAY = timedelta(days=1)


class WorkdaySpan(NamedTuple):
    """The part ``[starts_at, ends_at)`` of a range that lies in workday ``workday``."""

    workday: date
    starts_at: datetime
    ends_at: datetime


def _local_naive(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


@lru_cache(maxsize=8192)
def _workday_start(day: date, tz: ZoneInfo, start: time) -> datetime:
    wall = datetime.combine(day, start)
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if _local_naive(first, tz) == wall:
        # The wall time exists; for an ambiguous one zoneinfo's fold=0 is the earlier instant.
        return first
    # The wall time was skipped. PEP 495 maps fold=1 before the gap and fold=0 after it; the
    # transition lies between, and "wall clock >= start" is monotonic there, so bisect on seconds.
    before = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, before), max(first, before)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) // 2
        middle = middle.replace(microsecond=0)
        if _local_naive(middle, tz) >= wall:
            high = middle
        else:
            low = middle
    return high


def workday_starts_at(day: date, policy: Policy) -> datetime:
    """The UTC instant at which workday ``day`` begins (see the module docstring)."""
    return _workday_start(day, policy.tz, policy.workday_start)


def workday_of(instant: datetime, policy: Policy) -> date:
    """The workday (a local date) that contains ``instant``."""
    at = to_utc(instant)
    day = at.astimezone(policy.tz).date()
    # The local date is a guess off by at most one: before the workday start it is yesterday's.
    while at < workday_starts_at(day, policy):
        day -= ONE_DAY
    while at >= workday_starts_at(day + ONE_DAY, policy):
        day += ONE_DAY
    return day


def week_start_of(workday: date, policy: Policy) -> date:
    """The first workday of the workweek that contains ``workday``."""
    return workday - timedelta(days=(workday.weekday() - policy.workweek_start_day) % 7)


def workweek_days(week_start: date) -> tuple[date, ...]:
    """The seven workday dates of the workweek beginning on ``week_start``."""
    return tuple(week_start + timedelta(days=i) for i in range(7))


def split_by_workday(
    starts_at: datetime, ends_at: datetime, policy: Policy
) -> Iterator[WorkdaySpan]:
    """Cut ``[starts_at, ends_at)`` at workday boundaries; empty pieces are not yielded."""
    cursor, end = to_utc(starts_at), to_utc(ends_at)
    if end < cursor:
        raise ValueError("ends_at is before starts_at")
    day = workday_of(cursor, policy)
    while cursor < end:
        boundary = workday_starts_at(day + ONE_DAY, policy)
        piece_end = min(end, boundary)
        # A skipped date (Samoa, 2011-12-30) is a zero-length workday: nothing lies in it.
        if piece_end > cursor:
            yield WorkdaySpan(day, cursor, piece_end)
        cursor = piece_end
        day += ONE_DAY


def to_utc(instant: datetime) -> datetime:
    """``instant`` as a UTC datetime; naive datetimes are refused (they have no instant)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: an aware datetime is required")
    return instant.astimezone(UTC)
