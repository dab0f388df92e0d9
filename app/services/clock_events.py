"""Reading the punch log (`GET /clock-events`): managers see their reports', admins all."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.models import ClockEvent, Employee, User
from app.services.employees import visible_employees
from app.services.tenancy import scoped
from app.services.timezones import window_conditions


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    stmt = scoped(ClockEvent, actor)
    if actor.role == "manager":
        stmt = stmt.where(
            ClockEvent.employee_id.in_(visible_employees(actor).with_only_columns(Employee.id))
        )
    for field in ("employee_id", "decision", "type"):
        if field in filters:
            stmt = stmt.where(getattr(ClockEvent, field) == filters[field])
    stmt = stmt.where(*window_conditions(ClockEvent.occurred_at, filters, actor.organization_id))
    return stmt.order_by(ClockEvent.received_at.desc(), ClockEvent.id)
