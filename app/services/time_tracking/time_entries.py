"""Reading time entries: who sees which, and the filters of GET /time-entries."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.models import Employee, TimeEntry, User
from app.services.identity.employees import visible_employees
from app.services.tenancy import get_or_404, scoped
from app.services.timezones import window_conditions


def visible_entries(actor: User) -> sa.Select[Any]:
    """Own entries for employees, reports' (and own) for managers, all for owner/admin/payroll."""
    stmt = scoped(TimeEntry, actor)
    if actor.role in ("owner", "admin", "payroll"):
        return stmt
    employee_ids = visible_employees(actor).with_only_columns(Employee.id)
    return stmt.where(TimeEntry.employee_id.in_(employee_ids))


def get_visible_entry(actor: User, entry_id: uuid.UUID | str) -> TimeEntry:
    entry = get_or_404(TimeEntry, entry_id, actor)
    if db.session.scalar(visible_entries(actor).where(TimeEntry.id == entry.id)) is None:
        raise NotFound("No such time entry.")
    return entry


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    stmt = visible_entries(actor)
    for field in ("employee_id", "status", "task_id"):
        if field in filters:
            stmt = stmt.where(getattr(TimeEntry, field) == filters[field])
    stmt = stmt.where(*window_conditions(TimeEntry.started_at, filters, actor.organization_id))
    if "flagged" in filters:
        # flags is a JSON list: "[]" is the unflagged value on every dialect.
        empty = sa.cast(TimeEntry.flags, sa.String) == "[]"
        stmt = stmt.where(sa.not_(empty) if filters["flagged"] else empty)
    return stmt.order_by(TimeEntry.started_at.desc(), TimeEntry.id)
