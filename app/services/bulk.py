"""Set-based writes the ORM does not express portably: INSERT ... ON CONFLICT on PostgreSQL and
SQLite alike (both dialects spell it the same way, SQLAlchemy just has one `insert` per dialect).

- `insert_ignore`: insert the rows that do not collide; the ids of those inserted.
- `insert_rows`: insert plain rows as they are (every value given): binary `COPY` on
  PostgreSQL, an executemany INSERT on SQLite (a bulk import's new rows and their audit rows).
- `replace_scope`: make a scope of a table hold exactly the given rows: insert the new ones,
  update the changed ones (an unchanged row is not written at all), delete the rest. On
  PostgreSQL the rows go through a temporary table filled with binary `COPY` (tens of
  thousands of rows in milliseconds), then one `INSERT ... SELECT ... ON CONFLICT` and one
  `DELETE ... NOT EXISTS`; on SQLite, an executemany upsert and a delete of the leftovers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

CHUNK = 500  # rows per multi-row INSERT (SQLite allows 32766 bound parameters per statement)
# PostgreSQL's binary COPY type of each SQL type the tables use.
COPY_TYPES = {
    "UUID": "uuid",
    "DATE": "date",
    "INTEGER": "int4",
    "BIGINT": "int8",
    "BOOLEAN": "bool",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "JSONB": "jsonb",
}


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _insert(table: sa.Table) -> Any:
    return (postgresql.insert if _dialect() == "postgresql" else sqlite.insert)(table)


def insert_ignore(
    table: sa.Table, rows: Sequence[dict[str, Any]], conflict: Sequence[str]
) -> list[Any]:
    """Insert the rows that do not collide on `conflict`; the ids of those inserted."""
    inserted: list[Any] = []
    for start in range(0, len(rows), CHUNK):
        # One multi-row VALUES statement per chunk: RETURNING works with it on both databases.
        stmt = (
            _insert(table)
            .values(list(rows[start : start + CHUNK]))
            .on_conflict_do_nothing(index_elements=list(conflict))
            .returning(table.c.id)
        )
        inserted.extend(db.session.execute(stmt).scalars())
    return inserted


def insert_rows(table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts keyed by column name, all with the same keys, datetimes UTC-aware,
    JSON values already JSON-able) as they are: no default is applied and nothing returned."""
    if not rows:
        return
    if _dialect() != "postgresql":
        db.session.execute(sa.insert(table), list(rows))
        return
    names = list(rows[0])
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = db.session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([_copy_type(table.c[name]) for name in names])
            for row in rows:
                copy.write_row([row[name] for name in names])
    finally:
        cursor.close()


def replace_scope(
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    conflict: Sequence[str],
    update: Sequence[str],
    scope: Any,
    *,
    compare: Sequence[str] | None = None,
) -> None:
    """Make the rows of `table` matching `scope` (a WHERE clause) exactly `rows` (tuples in
    `columns` order, all in `scope`, datetimes UTC-aware), matched on the `conflict` columns:
    new ones inserted, the `update` columns of existing ones rewritten when one of `compare`
    (default: all of `update`) differs, the others deleted."""
    changed = list(compare if compare is not None else update)
    if _dialect() == "postgresql":
        _replace_with_copy(table, columns, rows, conflict, update, changed, scope)
    else:
        dicts = [dict(zip(columns, row, strict=True)) for row in rows]
        _replace_with_executemany(table, dicts, conflict, update, changed, scope)


def _changed(table: sa.Table, excluded: Any, compare: Sequence[str]) -> Any:
    return sa.or_(*(table.c[name].is_distinct_from(excluded[name]) for name in compare))


def _replace_with_executemany(
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    update: Sequence[str],
    compare: Sequence[str],
    scope: Any,
) -> None:
    if rows:
        stmt = _insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=list(conflict),
            set_={name: stmt.excluded[name] for name in update},
            where=_changed(table, stmt.excluded, compare),
        )
        db.session.execute(stmt, list(rows))
    keys = {tuple(row[name] for name in conflict) for row in rows}
    columns = [table.c[name] for name in conflict]
    stale = [
        k for k in db.session.execute(sa.select(*columns).where(scope)) if tuple(k) not in keys
    ]
    for start in range(0, len(stale), CHUNK):
        chunk = stale[start : start + CHUNK]
        db.session.execute(
            sa.delete(table).where(scope, sa.tuple_(*columns).in_([tuple(k) for k in chunk]))
        )


def _copy_type(column: sa.Column[Any]) -> str:
    name = column.type.compile(dialect=postgresql.dialect())
    if name.startswith("NUMERIC"):
        return "numeric"
    if name.startswith("VARCHAR") or name == "TEXT":
        return "text"
    return COPY_TYPES[name]


def _replace_with_copy(
    table: sa.Table,
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    conflict: Sequence[str],
    update: Sequence[str],
    compare: Sequence[str],
    scope: Any,
) -> None:
    staging = f"staging_{table.name}_{uuid.uuid4().hex[:12]}"
    connection = db.session.connection()
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"CREATE TEMP TABLE {staging} (LIKE {table.name}) ON COMMIT DROP")
        if rows:
            with cursor.copy(
                f"COPY {staging} ({', '.join(names)}) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types([_copy_type(table.c[name]) for name in names])
                for row in rows:
                    copy.write_row(row)
        # The target's statistics are stale within this transaction (it may have just received
        # its rows), so the planner can pick a nested-loop anti-join for the DELETE below: with
        # an index on the staging side that is a lookup, not a scan per row (quadratic).
        cursor.execute(f"CREATE INDEX ON {staging} ({', '.join(conflict)})")
        cursor.execute(f"ANALYZE {staging}")
    finally:
        cursor.close()
    source = sa.table(staging, *(sa.column(name) for name in names))
    insert = postgresql.insert(table).from_select(list(names), sa.select(*source.c))
    insert = insert.on_conflict_do_update(
        index_elements=list(conflict),
        set_={name: insert.excluded[name] for name in update},
        where=_changed(table, insert.excluded, compare),
    )
    connection.execute(insert)
    match = sa.and_(*(source.c[name] == table.c[name] for name in conflict))
    connection.execute(
        sa.delete(table).where(scope, ~sa.exists(sa.select(sa.literal(1)).where(match)))
    )
    connection.exec_driver_sql(f"DROP TABLE {staging}")
