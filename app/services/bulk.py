"""Set-based writes the ORM does not express portably: INSERT ... ON CONFLICT on PostgreSQL and
SQLite alike (both dialects spell it the same way, SQLAlchemy just has one `insert` per dialect).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db

CHUNK = 500  # rows per multi-row INSERT (SQLite allows 32766 bound parameters per statement)


def _insert(table: sa.Table) -> Any:
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_ignore(
    table: sa.Table, rows: Sequence[dict[str, Any]], conflict: Sequence[str]
) -> list[Any]:
    """Insert the rows that do not collide on `conflict`; the ids of those inserted."""
    if not rows:
        return []
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


def upsert(
    table: sa.Table,
    rows: Sequence[dict[str, Any]],
    conflict: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert the rows, or update `update` columns of those that collide on `conflict`."""
    if not rows:
        return
    stmt = _insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(conflict), set_={name: stmt.excluded[name] for name in update}
    )
    db.session.execute(stmt, list(rows))
