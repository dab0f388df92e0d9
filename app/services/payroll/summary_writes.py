"""Weekly summaries on PostgreSQL: the week's aggregate stays in the database, Python sees arrays.

Fetching ten thousand aggregated rows costs more than computing them (a Python object per value),
and so does sending ten thousand rows back. So on PostgreSQL, `weekly_summaries.compute`:

1. runs its aggregate into a temporary table (one row per employee, numbered `n`), in the
   database;
2. reads it back as one row of arrays (`array_agg` per column, binary: one value per column);
3. adds the crossing entries' weeks it found (`add`: few rows), and allocates and prices every
   week in Python (numpy);
4. writes with one `INSERT ... SELECT` that joins the temporary table with the computed
   columns, sent as arrays (`unnest ... WITH ORDINALITY`, ordinality = `n`):
   `ON CONFLICT DO UPDATE ... WHERE` something changed, so an unchanged summary is not
   rewritten; then one `DELETE` of the scope's rows nobody has any more.

On SQLite, `compute` fetches the aggregate's rows and goes through `bulk.replace_scope`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import sqlalchemy as sa

from app.extensions import db
from app.models import TimeSummaryWeekly

if TYPE_CHECKING:
    from app.services.payroll.summary_reads import Weeks
    from app.services.payroll.weekly_summaries import _Priced

TABLE = cast(sa.Table, TimeSummaryWeekly.__table__)
STAGED = (  # the aggregate's columns, in order, and their types in the temporary table
    ("n", "bigint"),
    ("employee_id", "uuid"),
    *((f"d{i}", "bigint") for i in range(7)),
    ("brk", "bigint"),
    ("entries", "bigint"),
    ("flagged", "bigint"),
    ("ok", "bigint"),
    ("hourly_rate", "numeric"),
    ("currency", "text"),
)
COMPUTED = (  # sent back as arrays, in `Weeks` order sorted by n
    "regular",
    "overtime",
    "double_time",
    "brk",
    "regular_pay",
    "overtime_pay",
    "double_time_pay",
)
UPDATED = (
    "regular_seconds",
    "overtime_seconds",
    "double_time_seconds",
    "break_seconds",
    "worked_seconds",
    "hourly_rate",
    "regular_pay",
    "overtime_pay",
    "double_time_pay",
    "gross_pay",
    "currency",
    "entries",
    "flagged_entries",
    "approved",
)


def _array(values: Any) -> str:
    """An int8[] literal: PostgreSQL parses it faster than psycopg adapts a list of ints."""
    return "{" + ",".join(map(str, values.tolist())) + "}"


class Staged:
    """The aggregate in a temporary table for the duration of a `with` block."""

    def __init__(self, aggregate: sa.Select[Any]) -> None:
        self.aggregate = aggregate
        # One name, not one per run: the statements that name it are then the same text each
        # time, so SQLAlchemy compiles them once per process (~10 ms a run otherwise). Temporary
        # tables are per session; a table left behind by a failed run is dropped first.
        self.name = "summary_weeks"
        self.table = sa.table(self.name, *(sa.column(name) for name, _type in STAGED))
        self.connection = db.session.connection()

    def __enter__(self) -> Staged:
        columns = ", ".join(f"{name} {type_}" for name, type_ in STAGED)
        self.connection.exec_driver_sql(
            f"DROP TABLE IF EXISTS pg_temp.{self.name};"
            f" CREATE TEMP TABLE {self.name} ({columns}) ON COMMIT DROP"
        )
        names = [name for name, _type in STAGED]
        self.connection.execute(sa.insert(self.table).from_select(names, self.aggregate))
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.connection.exec_driver_sql(f"DROP TABLE {self.name}")

    def columns(self, rate_scale: int) -> list[Sequence[Any]]:
        """The staged rows as columns (lists), in `STAGED` order, except that employee ids come
        as text, rates as integers (`rate * 10**rate_scale`: exact, the column's scale) and
        currencies as None (the INSERT takes them from the table)."""
        # Employee ids as text: a str is not tracked by Python's garbage collector, a UUID is,
        # and 10,000 new tracked objects were enough to set off a full collection of the
        # process's heap in the middle of a run (~100 ms measured in the benchmark).
        arrays = ", ".join(
            f"array_agg({name}::text)" if type_ == "uuid" else f"array_agg({name})"
            for name, type_ in STAGED
            if name not in ("hourly_rate", "currency")
        )
        arrays += f", array_agg(CAST(hourly_rate * {10**rate_scale} AS int8))"
        raw = self.connection.connection.driver_connection
        with raw.cursor(binary=True) as cursor:  # type: ignore[union-attr]
            cursor.execute(f"SELECT {arrays} FROM {self.name}")
            row = cursor.fetchone()
        assert row is not None
        columns = [column or [] for column in row]
        return [*columns, [None] * len(columns[0])]

    def add(self, positions: list[int], weeks: Weeks) -> None:
        """Stage the weeks `weeks` gained at these positions (crossing entries alone)."""
        if not positions:
            return
        self.connection.execute(
            sa.insert(self.table),
            [
                {
                    "n": weeks.numbers[i],
                    "employee_id": weeks.employee_ids[i],
                    **{f"d{d}": 0 for d in range(7)},
                    "brk": 0,
                    "entries": 0,
                    "flagged": 0,
                    "ok": 0,
                    "hourly_rate": weeks.rates[i],
                    "currency": weeks.currencies[i],
                }
                for i in positions
            ],
        )

    def write(
        self,
        organization_id: uuid.UUID,
        week_start: date,
        weeks: Weeks,
        priced: _Priced,
        computed_at: datetime,
        in_scope: Any,
    ) -> None:
        """Upsert the scope's summaries from the staged weeks and the computed columns, then
        delete the scope's rows that were not staged."""
        order = np.argsort(np.array(weeks.numbers, dtype=np.int64), kind="stable")
        values = {
            "regular": priced.regular,
            "overtime": priced.overtime,
            "double_time": priced.double_time,
            "brk": weeks.breaks,
            "regular_pay": priced.regular_pay,
            "overtime_pay": priced.overtime_pay,
            "double_time_pay": priced.double_time_pay,
        }
        params: dict[str, Any] = {name: _array(values[name][order]) for name in COMPUTED}
        params.update(organization_id=organization_id, week_start=week_start, at=computed_at)
        arrays = ", ".join(f"CAST(:{name} AS int8[])" for name in COMPUTED)
        updated = ", ".join(UPDATED)
        changed = " OR ".join(
            f"{TABLE.name}.{name} IS DISTINCT FROM excluded.{name}" for name in UPDATED
        )
        # Only new and changed rows reach the INSERT (one hash join against the stored rows):
        # probing the unique index and comparing in ON CONFLICT costs ~5 µs a row even when
        # nothing changes. ON CONFLICT stays for rows written concurrently.
        self.connection.execute(
            sa.text(
                f"""
                INSERT INTO {TABLE.name} (
                    id, organization_id, employee_id, week_start, {updated}, computed_at
                )
                SELECT gen_random_uuid(), :organization_id, new.employee_id, :week_start,
                    {", ".join(f"new.{name}" for name in UPDATED)}, :at
                FROM (
                    SELECT w.employee_id,
                        c.regular AS regular_seconds,
                        c.overtime AS overtime_seconds,
                        c.double_time AS double_time_seconds,
                        c.brk AS break_seconds,
                        c.regular + c.overtime + c.double_time AS worked_seconds,
                        w.hourly_rate,
                        c.regular_pay * 0.01 AS regular_pay,
                        c.overtime_pay * 0.01 AS overtime_pay,
                        c.double_time_pay * 0.01 AS double_time_pay,
                        (c.regular_pay + c.overtime_pay + c.double_time_pay) * 0.01 AS gross_pay,
                        w.currency,
                        w.entries,
                        w.flagged AS flagged_entries,
                        w.entries > 0 AND w.ok = w.entries AS approved
                    FROM unnest({arrays}) WITH ORDINALITY AS c({", ".join(COMPUTED)}, n)
                    JOIN {self.name} AS w ON w.n = c.n
                ) AS new
                LEFT JOIN {TABLE.name} AS old
                    ON old.employee_id = new.employee_id AND old.week_start = :week_start
                WHERE old.employee_id IS NULL
                    OR ({", ".join(f"old.{name}" for name in UPDATED)})
                    IS DISTINCT FROM ({", ".join(f"new.{name}" for name in UPDATED)})
                ON CONFLICT (employee_id, week_start) DO UPDATE SET
                    {", ".join(f"{name} = excluded.{name}" for name in UPDATED)},
                    computed_at = excluded.computed_at
                WHERE {changed}
                """
            ),
            params,
        )
        # NOT IN (a hashed subplan), not NOT EXISTS: the summaries' statistics are stale in
        # this transaction (the table may have just received its rows), and an anti-join
        # planned for one row becomes a nested loop over the staged table: seconds, not ms.
        staged = sa.select(self.table.c.employee_id)
        self.connection.execute(
            sa.delete(TABLE).where(in_scope, TABLE.c.employee_id.not_in(staged))
        )
