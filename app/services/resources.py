"""Generic create/read/update/soft-delete for plain tenant resources (the ERP tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Base, User
from app.models.base import utcnow
from app.services.tenancy import scoped

M = TypeVar("M")


def search(
    model: type[M],
    actor: User,
    filters: dict[str, Any],
    *,
    equal: Iterable[str] = (),
    text: Iterable[str] = (),
) -> sa.Select[Any]:
    """Tenant rows filtered by exact-match fields and a case-insensitive `q` over text columns."""
    stmt = scoped(model, actor)
    for field in equal:
        if field in filters:
            stmt = stmt.where(getattr(model, field) == filters[field])
    columns = [getattr(model, c) for c in text]
    if (q := filters.get("q")) and columns:
        like = f"%{q.lower()}%"
        stmt = stmt.where(sa.or_(*(sa.func.lower(c).like(like) for c in columns)))
    return stmt.order_by(*(columns[:1] or []), model.id)  # type: ignore[attr-defined]


def _model_for_table(table: sa.Table) -> type[Any] | None:
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


def check_references(model: type[Any], actor: User, data: dict[str, Any]) -> None:
    """Every foreign key given must point at a live row of the actor's own organization."""
    for column in sa.inspect(model).columns:
        value = data.get(column.key)
        if value is None or not column.foreign_keys:
            continue
        target = _model_for_table(next(iter(column.foreign_keys)).column.table)
        if target is None or not hasattr(target, "organization_id"):
            continue
        found = db.session.scalar(
            scoped(target, actor).where(target.id == value).with_only_columns(target.id)
        )
        if found is None:
            raise ValidationFailed(errors={column.key: ["No such record."]})


def create(model: type[M], actor: User, data: dict[str, Any]) -> M:
    check_references(model, actor, data)
    values = {"organization_id": actor.organization_id, **data}
    columns = sa.inspect(model).columns
    if "workspace_id" in columns:
        values.setdefault("workspace_id", actor.workspace_id)
    if "created_by" in columns:
        values["created_by"] = actor.id
    obj = model(**values)
    db.session.add(obj)
    db.session.flush()
    return obj


def update(obj: M, actor: User, data: dict[str, Any]) -> M:
    check_references(type(obj), actor, data)
    for field, value in data.items():
        setattr(obj, field, value)
    db.session.flush()
    return obj


def soft_delete(obj: M) -> None:
    obj.deleted_at = utcnow()  # type: ignore[attr-defined]
    db.session.flush()
