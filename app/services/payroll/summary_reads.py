"""Reading a week for its summaries, set-based: the workday boundaries, one aggregate query
per policy group (seven daily sums per employee, counts, rate), and the few entries that cross
a workday boundary, cut as the overtime engine cuts them. `weekly_summaries` prices and writes
what this reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.extensions import db
from app.models import Employee, TimeEntry
from app.models.base import utcnow
from app.services.time_tracking.work_time import (
    APPROVED_STATUSES,
    COUNTED_STATUSES,
    entry_rows,
    entry_rows_select,
    starting_within,
    to_interval,
)
from overtime import (
    Policy,
    apportion,
    rate_ratios,
    split_by_workday,
    workday_starts_at,
)

RATE_SCALE = cast(sa.Numeric, Employee.__table__.c.hourly_rate.type).scale or 0


class json_array_nonempty(FunctionElement[bool]):
    """`flags` holds at least one flag (a JSON array), on PostgreSQL and SQLite alike."""

    type = sa.Boolean()
    inherit_cache = True


@compiles(json_array_nonempty)
def _nonempty_pg(element: json_array_nonempty, compiler: Any, **kw: Any) -> str:
    return f"(jsonb_array_length({compiler.process(element.clauses, **kw)}) > 0)"


@compiles(json_array_nonempty, "sqlite")
def _nonempty_sqlite(element: json_array_nonempty, compiler: Any, **kw: Any) -> str:
    return f"(json_array_length({compiler.process(element.clauses, **kw)}) > 0)"


class Weeks:
    """The scope's employee-weeks while they are computed, as columns (one row per employee):
    tens of thousands of them go through numpy, not one object each."""

    def __init__(self, columns: Sequence[Sequence[Any]], rate_scale: int | None = None) -> None:
        """`aggregate`'s columns (n, employee_id, d0..d6, brk, entries, flagged, ok, rate,
        currency); rates as Decimals, or as integers `rate * 10**rate_scale`."""
        self.numbers: list[int] = list(columns[0])
        self.employee_ids: list[uuid.UUID | str] = list(columns[1])  # text from PostgreSQL
        self.days = _ints(columns[2:9]).T.reshape(-1, 7)
        self.breaks, self.entries, self.flagged, self.approved = map(_ints, columns[9:13])
        if rate_scale is None:
            self.rates: list[Any] = list(columns[13])
            self.rate_num, self.rate_den = rate_ratios(self.rates)
        else:  # exact: the column's scale
            self.rates = [None] * len(self.numbers)
            self.rate_num = _ints(columns[13])
            self.rate_den = np.full(len(self.numbers), 10**rate_scale, dtype=np.int64)
        self.currencies: list[Any] = list(columns[14])
        self._position: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.employee_ids)

    def position(self, employee_id: uuid.UUID) -> int | None:
        """Where the employee's week is (ids may be UUIDs or, from PostgreSQL, their text)."""
        if self._position is None:
            self._position = {str(e): i for i, e in enumerate(self.employee_ids)}
        return self._position.get(str(employee_id))

    def append(self, employee_id: uuid.UUID, rate: Decimal, currency: str) -> int:
        """A week made of crossing entries alone (nothing started in it): zero counts."""
        index = len(self)
        self.numbers.append(max(self.numbers, default=0) + 1)
        self.employee_ids.append(employee_id)
        self.days = np.vstack([self.days, np.zeros((1, 7), dtype=np.int64)])
        self.breaks, self.entries, self.flagged, self.approved = (
            np.append(column, 0)
            for column in (self.breaks, self.entries, self.flagged, self.approved)
        )
        num, den = rate_ratios([rate])
        self.rate_num = np.append(self.rate_num, num)
        self.rate_den = np.append(self.rate_den, den)
        self.rates.append(rate)
        self.currencies.append(currency)
        if self._position is not None:
            self._position[str(employee_id)] = index
        return index


def _ints(values: Any) -> Any:
    return np.array(values, dtype=np.int64)


@dataclass(frozen=True)
class Scope:
    """Which summaries to compute: one workweek of one policy group, all or some employees."""

    policy: Policy
    policy_id: uuid.UUID | None  # None: the organization's default policy group
    week_start: date
    employee_ids: frozenset[uuid.UUID] | None = None  # None: everyone in the group


def boundaries(week_start: date, policy: Policy) -> list[datetime]:
    return [workday_starts_at(week_start + timedelta(days=i), policy) for i in range(8)]


def group_filter(
    column: Any, organization_id: uuid.UUID, scope: Scope, named: list[uuid.UUID]
) -> Any:
    """`column` (an employee id of the organization) is in the scope's policy group (and its
    list, when given)."""
    e = Employee
    conditions = []
    if scope.policy_id is not None or named:  # else the group is the whole organization
        members = sa.select(e.id).where(e.organization_id == organization_id)
        if scope.policy_id is not None:
            members = members.where(e.overtime_policy_id == scope.policy_id)
        else:  # the default group: no policy, or one that is no longer live
            members = members.where(
                sa.or_(e.overtime_policy_id.is_(None), e.overtime_policy_id.not_in(named))
            )
        conditions.append(column.in_(members))
    if scope.employee_ids is not None:
        conditions.append(column.in_(sorted(scope.employee_ids)))
    return sa.and_(sa.true(), *conditions)


def _next_boundary(bounds: list[datetime]) -> Any:
    """The end of the workday of the week an entry starts in (for entries starting in it)."""
    t = TimeEntry
    return sa.case(
        *((t.paid_started_at < bounds[i + 1], bounds[i + 1]) for i in range(6)),
        else_=bounds[7],
    )


def aggregate_week(
    organization_id: uuid.UUID, scope: Scope, bounds: list[datetime], named: list[uuid.UUID]
) -> sa.Select[Any]:
    """Per employee (numbered `n` from 1): the worked seconds of each workday from entries
    inside one workday, the break seconds of those, the week's entry, flagged and approved
    counts, rate and currency."""
    t = TimeEntry

    def total(column: Any, *where: Any) -> Any:
        # FILTER: the transition function only runs for the rows that count
        return sa.func.coalesce(sa.func.sum(column).filter(sa.and_(*where)), 0)

    day_sums = [
        total(t.worked_seconds, t.paid_started_at < bounds[i + 1], t.paid_ended_at <= bounds[i + 1])
        if i == 0
        else total(
            t.worked_seconds,
            t.paid_started_at >= bounds[i],
            t.paid_started_at < bounds[i + 1],
            t.paid_ended_at <= bounds[i + 1],
        )
        for i in range(7)
    ]
    agg = (
        sa.select(
            t.employee_id,
            *(day.label(f"d{i}") for i, day in enumerate(day_sums)),
            total(t.break_seconds, t.paid_ended_at <= _next_boundary(bounds)).label("brk"),
            sa.func.count().label("entries"),
            sa.func.count().filter(json_array_nonempty(t.flags)).label("flagged"),
            sa.func.count().filter(t.status.in_(APPROVED_STATUSES)).label("ok"),
        )
        .where(
            t.organization_id == organization_id,
            t.deleted_at.is_(None),
            t.status.in_(COUNTED_STATUSES),
            starting_within(bounds[0], bounds[7]),
            group_filter(t.employee_id, organization_id, scope, named),
        )
        .group_by(t.employee_id)
        .subquery()
    )
    return sa.select(
        sa.func.row_number().over().label("n"),
        agg,
        Employee.hourly_rate,
        Employee.currency,
    ).join(Employee, Employee.id == agg.c.employee_id)


def add_crossing(
    organization_id: uuid.UUID,
    scope: Scope,
    bounds: list[datetime],
    named: list[uuid.UUID],
    weeks: Weeks,
) -> list[int]:
    """Entries cut by a workday boundary: split as the engine does, then added by day (the
    aggregate already counted those starting in the week); the positions of weeks added."""
    t = TimeEntry
    rows = entry_rows(
        entry_rows_select(with_flags=False).where(
            t.organization_id == organization_id,
            t.deleted_at.is_(None),
            t.status.in_(COUNTED_STATUSES),
            t.paid_started_at < bounds[7],
            t.paid_ended_at > bounds[0],
            sa.or_(t.paid_started_at < bounds[0], t.paid_ended_at > _next_boundary(bounds)),
            group_filter(t.employee_id, organization_id, scope, named),
        )
    )
    missing = sorted(e for e in rows if weeks.position(e) is None)
    added = []
    if missing:
        rates = db.session.execute(
            sa.select(Employee.id, Employee.hourly_rate, Employee.currency).where(
                Employee.id.in_(missing)
            )
        )
        added = [weeks.append(employee_id, rate, currency) for employee_id, rate, currency in rates]
    now = utcnow()
    for employee_id, entries in rows.items():
        index = weeks.position(employee_id)
        assert index is not None
        for entry in entries:
            interval = to_interval(entry, now)
            if interval is None:
                continue
            spans = list(split_by_workday(interval.start_utc, interval.end_utc, scope.policy))
            lengths = [int((s.ends_at - s.starts_at).total_seconds()) for s in spans]
            shares = apportion(interval.unpaid_break_seconds, lengths)
            for span, length, brk in zip(spans, lengths, shares, strict=True):
                day = (span.workday - scope.week_start).days
                if 0 <= day < 7:
                    weeks.days[index, day] += length - brk
                    weeks.breaks[index] += brk
    return added
