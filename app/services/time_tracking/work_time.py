"""Worked time as the overtime engine takes it, loaded set-based for many employees at once.

`load_entries` reads the plain columns of every entry of an organization in a window in one
query (no ORM objects), grouped by employee; `to_interval` turns a row into the engine's
`WorkInterval`: the paid span, whole seconds, minus the unpaid break. An open entry counts as
ending now, minus its breaks so far (`open_break_seconds`, one query for all of them).

Whole seconds: punches carry microseconds, the engine takes whole seconds. An interval starts
at its paid start truncated to the second and lasts the entry's own `duration_seconds` (itself
truncated), so an interval's worked seconds are exactly the entry's `worked_seconds` and two
entries that touch (a task switch) never overlap.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

import sqlalchemy as sa

from app.extensions import db
from app.models import Break, TimeEntry
from overtime import WorkInterval

# Closed entries that are worked time (rejected and draft ones are not, until resubmitted).
COUNTED_STATUSES = ("submitted", "approved", "exported", "paid")
APPROVED_STATUSES = ("approved", "exported", "paid")


class EntryRow(NamedTuple):
    """One entry's plain columns (a tuple: exports load tens of thousands of them)."""

    id: uuid.UUID
    employee_id: uuid.UUID
    status: str
    started_at: datetime  # the paid start
    ended_at: datetime | None  # the paid end (None while open)
    duration_seconds: int
    break_seconds: int
    worked_seconds: int
    flags: tuple[str, ...]  # empty when loaded `with_flags=False`
    shift_id: uuid.UUID | None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def starting_within(start: datetime, end: datetime) -> sa.ColumnElement[bool]:
    """Entries whose paid start is in [start, end). The condition on the end is implied (an
    entry ends after it starts, or is open) but it is what lets PostgreSQL find a period's
    entries by `ix_time_entries_org_paid_ended_at` instead of every entry the organization
    ever had."""
    t = TimeEntry
    return sa.and_(
        t.paid_started_at >= start,
        t.paid_started_at < end,
        sa.or_(t.paid_ended_at >= start, t.paid_ended_at.is_(None)),
    )


def whole_second(at: datetime) -> datetime:
    return at.replace(microsecond=0)


def entry_rows_select(*, with_flags: bool = True) -> sa.Select[Any]:
    """The columns of `EntryRow`, by employee in time order; callers add the conditions
    (`with_flags=False` spares decoding a JSON array per row when nobody reads the flags)."""
    t = TimeEntry
    stmt = sa.select(
        t.id,
        t.employee_id,
        t.status,
        t.paid_started_at,
        t.paid_ended_at,
        t.duration_seconds,
        t.break_seconds,
        t.worked_seconds,
        t.flags if with_flags else sa.null(),
        t.shift_id,
    )
    return cast(sa.Select[Any], stmt.order_by(t.employee_id, t.paid_started_at, t.id))


def entry_rows(stmt: sa.Select[Any]) -> dict[uuid.UUID, list[EntryRow]]:
    """Run an `entry_rows_select` statement: its rows by employee."""
    rows: dict[uuid.UUID, list[EntryRow]] = defaultdict(list)
    # Core, not the ORM session's execute: plain rows, without the ORM's per-row loading.
    for r in db.session.connection().execute(stmt).all():
        rows[r[1]].append(EntryRow._make((*r[:8], tuple(r[8] or ()), r[9])))
    return rows


def load_entries(
    organization_id: uuid.UUID,
    start: datetime,
    end: datetime,
    *,
    statuses: Iterable[str] = COUNTED_STATUSES,
    employee_ids: Iterable[uuid.UUID] | sa.Select[Any] | None = None,
    entry_ids: sa.Select[Any] | None = None,
    with_flags: bool = True,
) -> dict[uuid.UUID, list[EntryRow]]:
    """Entries overlapping [start, end) with those statuses, by employee, in time order."""
    t = TimeEntry
    stmt = entry_rows_select(with_flags=with_flags).where(
        t.organization_id == organization_id,
        t.deleted_at.is_(None),
        t.status.in_(list(statuses)),
        t.paid_started_at < end,
        sa.or_(t.paid_ended_at.is_(None), t.paid_ended_at > start),
    )
    if employee_ids is not None:
        who = employee_ids if isinstance(employee_ids, sa.Select) else list(employee_ids)
        stmt = stmt.where(t.employee_id.in_(who))
    if entry_ids is not None:
        stmt = stmt.where(t.id.in_(entry_ids))
    return dict(entry_rows(stmt))


def open_break_seconds(entry_ids: Iterable[uuid.UUID], now: datetime) -> dict[uuid.UUID, int]:
    """Unpaid break seconds so far of open entries (a break still running counts up to now)."""
    ids = list(entry_ids)
    if not ids:
        return {}
    stmt = sa.select(Break.time_entry_id, Break.started_at, Break.ended_at).where(
        Break.time_entry_id.in_(ids), Break.paid.is_(False)
    )
    seconds: dict[uuid.UUID, int] = defaultdict(int)
    for entry_id, started, ended in db.session.execute(stmt):
        seconds[entry_id] += max(0, int(((ended or now) - started).total_seconds()))
    return dict(seconds)


def to_interval(
    row: EntryRow, now: datetime, open_breaks: dict[uuid.UUID, int] | None = None
) -> WorkInterval | None:
    """The row as a `WorkInterval` (None for an entry with nothing to count)."""
    start = whole_second(row.started_at)
    if row.is_open:
        duration = max(0, int((whole_second(now) - start).total_seconds()))
        unpaid = min(duration, (open_breaks or {}).get(row.id, 0))
    else:
        if row.ended_at is None:
            return None
        duration = row.duration_seconds
        unpaid = min(duration, row.break_seconds)
    return WorkInterval(start, start + timedelta(seconds=duration), unpaid, str(row.id))


def intervals_of(
    rows: Iterable[EntryRow], now: datetime, open_breaks: dict[uuid.UUID, int] | None = None
) -> list[WorkInterval]:
    return [i for r in rows if (i := to_interval(r, now, open_breaks)) is not None]
