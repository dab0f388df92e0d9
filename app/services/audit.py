"""The audit trail: every flushed change to an audited model becomes an `audit_logs` row.

A session listener does it, so no write path can forget: it runs after each flush, reads the
attribute history SQLAlchemy still holds, and inserts the rows on the same connection, inside
the same transaction as the change (a rolled-back write leaves no audit row either).
"""

from __future__ import annotations

import uuid
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
    return {
        "id": uuid.uuid4(),
        "organization_id": organization_id,
        "workspace_id": getattr(obj, "workspace_id", None),
        "entity_type": obj.__tablename__,
        "entity_id": obj.id,  # type: ignore[attr-defined]
        "action": action,
        "old_values": old,
        "new_values": new,
        "changes": sorted((new or old or {}).keys()),
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
