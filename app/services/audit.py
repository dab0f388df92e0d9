"""The audit trail: every flushed change to an audited model becomes an `audit_logs` row.

A session listener does it, so no write path can forget: it runs after each flush, reads the
attribute history SQLAlchemy still holds, and inserts the rows on the same connection, inside
the same transaction as the change (a rolled-back write leaves no audit row either).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any, cast

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from app.models import AuditLog, Base
from app.models.base import utcnow


@dataclass(frozen=True)
class AuditContext:
    """Who is acting and from where; the API sets one per request, jobs act as the system."""

    user_id: uuid.UUID | None = None
    user_email: str | None = None
    session_id: str | None = None
    ip_address: str | None = None
    user_agent: str | None = None
    request_path: str | None = None
    http_method: str | None = None
    source: str = "system"


SYSTEM = AuditContext()
AUDIT_TABLE = cast(sa.Table, AuditLog.__table__)


def current_context() -> AuditContext:
    return getattr(g, "audit_context", SYSTEM) if has_app_context() else SYSTEM


def set_context(ctx: AuditContext) -> None:
    g.audit_context = ctx


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _columns(obj: Base) -> list[sa.orm.ColumnProperty[Any]]:
    return [p for p in sa.inspect(obj).mapper.column_attrs if p.key not in obj.__audit_exclude__]


def _values(obj: Base) -> dict[str, Any]:
    return {p.columns[0].name: _jsonable(getattr(obj, p.key)) for p in _columns(obj)}


def _changes(obj: Base) -> tuple[dict[str, Any], dict[str, Any]]:
    state = sa.inspect(obj)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for prop in _columns(obj):
        history = state.attrs[prop.key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before == after:
            continue
        name = prop.columns[0].name
        old[name], new[name] = _jsonable(before), _jsonable(after)
    return old, new


def _who(ctx: AuditContext) -> dict[str, Any]:
    """An audit row's actor and request columns, and its time."""
    return {
        "user_id": ctx.user_id,
        "user_email": ctx.user_email,
        "session_id": ctx.session_id,
        "ip_address": ctx.ip_address,
        "user_agent": ctx.user_agent,
        "request_path": ctx.request_path,
        "http_method": ctx.http_method,
        "source": ctx.source,
        "metadata": {},
        "timestamp": utcnow(),
    }


def _row(
    obj: Base,
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    ctx: AuditContext,
) -> dict[str, Any]:
    organization_id = getattr(obj, "organization_id", None)
    if obj.__tablename__ == "organizations":
        organization_id = obj.id  # type: ignore[attr-defined]
    keys = (organization_id, getattr(obj, "workspace_id", None), obj.id)  # type: ignore[attr-defined]
    return _entry(obj.__tablename__, keys, action, old, new, _who(ctx))


def _entry(
    entity_type: str,
    keys: tuple[Any, Any, Any],
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    who: dict[str, Any],
) -> dict[str, Any]:
    """An audit row of the entity `keys` = (organization id, workspace id, id)."""
    return {
        "id": uuid.uuid4(),
        "organization_id": keys[0],
        "workspace_id": keys[1],
        "entity_type": entity_type,
        "entity_id": keys[2],
        "action": action,
        "old_values": old,
        "new_values": new,
        "changes": sorted((new or old or {}).keys()),
        **who,
    }


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    ctx = current_context()
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Base) and obj.__audited__:
            rows.append(_row(obj, "CREATE", None, _values(obj), ctx))
    for obj in session.dirty:
        if not (isinstance(obj, Base) and obj.__audited__) or not session.is_modified(obj):
            continue
        old, new = _changes(obj)
        if not new:
            continue
        became_deleted = "deleted_at" in new and old.get("deleted_at") is None
        rows.append(_row(obj, "DELETE" if became_deleted else "UPDATE", old, new, ctx))
    for obj in session.deleted:
        if isinstance(obj, Base) and obj.__audited__:
            rows.append(_row(obj, "DELETE", _values(obj), None, ctx))
    if rows:
        session.connection().execute(sa.insert(AUDIT_TABLE), rows)


def install(session_factory: Any) -> None:
    """Attach the listener to the app's session class (idempotent)."""
    if not event.contains(session_factory, "after_flush", _after_flush):
        event.listen(session_factory, "after_flush", _after_flush)


def record(
    action: str, entity: Base, *, reason: str | None = None, metadata: dict[str, Any] | None = None
) -> None:
    """An explicit audit row for what is not a column change (LOGIN, LOGOUT, EXPORT, IMPORT)."""
    from app.extensions import db

    row = _row(entity, action, None, None, current_context())
    row["reason"] = reason
    row["metadata"] = metadata or {}
    row["changes"] = None
    db.session.connection().execute(sa.insert(AUDIT_TABLE), [row])


def _converter(column: Any) -> Any:
    """What `_jsonable` does to a non-null value of this column, decided once per column."""
    kind = column.type
    kind = getattr(kind, "impl", kind) if isinstance(kind, sa.types.TypeDecorator) else kind
    if isinstance(kind, sa.Uuid | sa.Numeric):
        return str
    if isinstance(kind, sa.DateTime | sa.Date | sa.Time):
        return lambda value: value.isoformat()
    return None


def record_created(model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """The `CREATE` audit rows of rows inserted set-based (a bulk import), not through the
    session: what the flush listener writes for ORM inserts (the same values, made JSON-able
    per column rather than per value: tens of thousands of rows). `rows` hold every inserted
    value, keyed by attribute."""
    from app.services import bulk

    if not model.__audited__ or not rows:
        return
    columns = [
        (p.key, p.columns[0].name, _converter(p.columns[0]))
        for p in sa.inspect(model).column_attrs
        if p.key not in model.__audit_exclude__
    ]
    who = _who(current_context())
    entries = []
    for row in rows:
        new = {}
        for key, name, convert in columns:
            value = row.get(key)
            new[name] = convert(value) if convert is not None and value is not None else value
        keys = (row.get("organization_id"), row.get("workspace_id"), row["id"])
        entries.append(_entry(model.__tablename__, keys, "CREATE", None, new, who))
    bulk.insert_rows(AUDIT_TABLE, entries)


def _sqlite_uuid4() -> sa.ColumnElement[Any]:
    """A random version-4 UUID as 32 hex digits (how `sa.Uuid` stores one on SQLite)."""
    h = sa.func.lower(sa.func.hex(sa.func.randomblob(16)))
    variant = sa.func.substr("89ab", 1 + sa.func.abs(sa.func.random()) % 4, 1)
    return (
        sa.func.substr(h, 1, 12)
        + sa.literal("4")
        + sa.func.substr(h, 14, 3)
        + variant
        + sa.func.substr(h, 18, 15)
    )


def bulk_update(model: type[Base], where: Any, old: dict[str, Any], new: dict[str, Any]) -> int:
    """`UPDATE model SET new WHERE where`, plus the `UPDATE` audit row of every row it changes,
    set-based and in the same transaction; how many rows changed.

    A set-based UPDATE bypasses the flush listener, so this writes what the listener would
    have: one row per entity with `old` / `new` / `changes`. `old` is what `where` guarantees
    the rows held before (its predicate fixes those columns), so it is the same for every row.
    `new` may also set columns left out of the audit (`updated_at`). On PostgreSQL one
    statement does both (`WITH changed AS (UPDATE ... RETURNING) INSERT ... SELECT`), so the
    audited rows are exactly the updated ones. SQLite has no data-modifying WITH: the audit
    rows are inserted from the same predicate just before the UPDATE; the INSERT takes the
    database's single write lock, so no other writer can change which rows match in between.
    """
    from app.extensions import db

    table = cast(sa.Table, model.__table__)
    audited = {k: v for k, v in new.items() if k not in model.__audit_exclude__}
    old_values = {k: _jsonable(old.get(k)) for k in audited}
    new_values = {k: _jsonable(v) for k, v in audited.items()}
    ctx = current_context()
    a = AUDIT_TABLE.c
    constants = {
        "entity_type": model.__tablename__,
        "action": "UPDATE",
        "old_values": old_values,
        "new_values": new_values,
        "changes": sorted(new_values),
        **_who(ctx),
    }
    literals = [
        sa.literal(v, a[k].type) if v is not None else sa.null() for k, v in constants.items()
    ]
    names = ["id", "organization_id", "workspace_id", "entity_id", *constants]
    keys = [
        table.c.get(name, sa.null().label(name))
        for name in ("organization_id", "workspace_id", "id")
    ]
    update = sa.update(table).where(where).values(**new)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        changed = update.returning(*keys).cte("changed")
        rows = sa.select(sa.func.gen_random_uuid(), *(changed.c[k.name] for k in keys), *literals)
        insert = sa.insert(AUDIT_TABLE).from_select(names, rows).add_cte(changed)
        # without preserve_rowcount SQLAlchemy reports -1 for this INSERT ... SELECT
        result = connection.execute(insert.execution_options(preserve_rowcount=True))
        return int(result.rowcount)
    rows = sa.select(_sqlite_uuid4(), *keys, *literals).where(where)
    connection.execute(sa.insert(AUDIT_TABLE).from_select(names, rows))
    return int(connection.execute(update).rowcount or 0)


def bulk_delete(model: type[Base], where: Any) -> int:
    """`DELETE FROM model WHERE where`, plus the `DELETE` audit row (old values: the whole row)
    of every row it removes, in the same transaction; how many rows went. For small sets (a
    person's or a site's assignments): `DELETE ... RETURNING` the rows, then one multi-row
    INSERT, so the audited rows are exactly the deleted ones on PostgreSQL and SQLite."""
    from app.extensions import db

    table = cast(sa.Table, model.__table__)
    # An ORM-enabled DELETE, so that instances of the deleted rows already in the session
    # leave it too (a stale one would clash with a new row of the same key).
    gone = (
        db.session.execute(
            sa.delete(model).where(where).returning(*table.c),
            execution_options={"synchronize_session": "fetch"},
        )
        .mappings()
        .all()
    )
    connection = db.session.connection()
    ctx = current_context()
    rows = []
    for values in gone:
        entity = model(**{c.key: values[c.name] for c in table.c})
        rows.append(_row(entity, "DELETE", _values(entity), None, ctx))
    if rows:
        connection.execute(sa.insert(AUDIT_TABLE), rows)
    return len(gone)
