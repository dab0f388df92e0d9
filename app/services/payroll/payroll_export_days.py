"""An export's week allocations from workday totals that PostgreSQL adds up, for the formats
that only show each employee's period totals (`csv`, `adp`, `gusto`).

Bringing every entry of the period (and the workweeks around it) into Python costs more than
the rest of the export; the allocations only need, per employee and workday, the worked seconds
of all the entries counted and of the settled ones (those not carried by this export). So one
query per policy group sums them per employee and workday of a calendar of whole workweeks
around the period (each entry's workday by `width_bucket` over the workday starts, the same
half-open days as `overtime.workday_of`), returned as arrays, and `overtime.allocate_weeks`
allocates every week twice at once, with and without the carried entries. An employee with an
entry crossing a workday boundary or outside the calendar is left to the per-interval path
(`compute_overtime`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from app.extensions import db
from app.models import TimeEntry
from overtime import Buckets, Policy, allocate_weeks, week_start_of, workday_starts_at


def calendar(policy: Policy, first: date, last: date) -> tuple[date, int, list[datetime]]:
    """Whole workweeks covering [first, last]: the first workday, the number of days, and the
    workday starts (one more than the days)."""
    begin = week_start_of(first, policy)
    days = ((week_start_of(last, policy) - begin).days // 7 + 1) * 7
    return (
        begin,
        days,
        [workday_starts_at(begin + timedelta(days=i), policy) for i in range(days + 1)],
    )


def bucket_totals(
    export_id: uuid.UUID,
    policy: Policy,
    days: tuple[date, date],
    entries: Any,
    employees: list[uuid.UUID] | None,
) -> dict[uuid.UUID, tuple[Buckets, Buckets] | None]:
    """Per employee of `entries` (of `employees`, None: all): the allocation of the workweeks
    with the entries this export carries and without them, or None when the per-interval path
    must decide. `entries` is the WHERE clause of the entries that count around the period,
    `days` the first and last workday to cover."""
    t = TimeEntry
    _begin, count, starts = calendar(policy, *days)
    bounds = sa.cast(
        sa.literal(starts, postgresql.ARRAY(sa.DateTime(timezone=True))),
        postgresql.ARRAY(sa.DateTime(timezone=True)),
    )
    day = sa.func.width_bucket(t.paid_started_at, bounds)
    last_second = sa.func.date_trunc("second", t.paid_started_at) + sa.func.make_interval(
        0, 0, 0, 0, 0, 0, t.duration_seconds - 1
    )
    crosses = sa.and_(t.duration_seconds > 0, sa.func.width_bucket(last_second, bounds) != day)
    carried = sa.func.coalesce(t.payroll_export_id == export_id, False)  # NULL: not carried
    per_entry = sa.select(
        t.employee_id.label("employee_id"),
        day.label("day"),
        t.worked_seconds.label("worked"),
        carried.label("carried"),
        sa.or_(crosses, day < 1, day > count).label("odd"),
    ).where(entries)
    if employees is not None:
        per_entry = per_entry.where(t.employee_id.in_(employees))
    e = per_entry.subquery()
    per_day = (
        sa.select(
            e.c.employee_id,
            sa.func.dense_rank().over(order_by=e.c.employee_id).label("n"),
            e.c.day,
            sa.func.sum(e.c.worked).label("worked"),
            sa.func.coalesce(sa.func.sum(e.c.worked).filter(~e.c.carried), 0).label("settled"),
            sa.func.bool_or(e.c.odd).label("odd"),
        )
        .group_by(e.c.employee_id, e.c.day)
        .subquery()
    )
    stmt = sa.select(
        sa.func.array_agg(sa.distinct(per_day.c.employee_id)),
        sa.func.array_agg(per_day.c.n),
        sa.func.array_agg(per_day.c.day),
        sa.func.array_agg(per_day.c.worked),
        sa.func.array_agg(per_day.c.settled),
        sa.func.array_agg(per_day.c.odd),
    )
    connection = db.session.connection()
    # the employee-days are sorted for their numbering: in memory, not in temporary files
    connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
    ids, numbers, day_of, worked, settled, odd = connection.execute(stmt).one()
    if not ids:
        return {}
    rows, columns = np.array(numbers, dtype=np.int64) - 1, np.array(day_of, dtype=np.int64)
    inside = slice(1, count + 1)

    def by_day(values: Sequence[Any], dtype: Any) -> Any:
        grid = np.zeros((len(ids), count + 2), dtype=dtype)
        grid[rows, columns] = values
        return grid

    per_interval = by_day(odd, bool).any(axis=1)
    totals = []
    for values in (worked, settled):
        allocation = allocate_weeks(by_day(values, np.int64)[:, inside].reshape(-1, 7), policy)
        totals.append([bucket.reshape(len(ids), -1).sum(axis=1) for bucket in allocation.totals()])
    (r1, o1, d1), (r0, o0, d0) = totals
    return {
        employee_id: None
        if per_interval[i]
        else (
            Buckets(int(r1[i]), int(o1[i]), int(d1[i])),
            Buckets(int(r0[i]), int(o0[i]), int(d0[i])),
        )
        for i, employee_id in enumerate(ids)
    }
