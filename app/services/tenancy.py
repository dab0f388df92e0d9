"""Tenant scoping: the one way services read tenant rows; another tenant's row is a 404."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.models import User

M = TypeVar("M")


def scoped(model: type[Any], actor: User, *, include_deleted: bool = False) -> sa.Select[Any]:
    """`SELECT model` limited to the actor's organization (and to live rows)."""
    stmt = sa.select(model).where(model.organization_id == actor.organization_id)
    if not include_deleted and hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))
    return stmt


def get_or_404(
    model: type[M],
    entity_id: uuid.UUID | str,
    actor: User,
    *,
    scope: Callable[[sa.Select[Any], User], sa.Select[Any]] | None = None,
    **kwargs: Any,
) -> M:
    """The row with that id in the actor's organization (and within `scope`, a row limit of
    the caller's role), or NotFound (also for other tenants)."""
    try:
        key = entity_id if isinstance(entity_id, uuid.UUID) else uuid.UUID(str(entity_id))
    except ValueError:
        raise NotFound() from None
    stmt = scoped(model, actor, **kwargs).where(model.id == key)  # type: ignore[attr-defined]
    if scope is not None:
        stmt = scope(stmt, actor)
    row: M | None = db.session.scalars(stmt).first()
    if row is None:
        raise NotFound(f"No such {model.__tablename__.rstrip('s').replace('_', ' ')}.")  # type: ignore[attr-defined]
    return row
