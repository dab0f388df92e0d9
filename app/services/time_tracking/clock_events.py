"""Reading the punch log (`GET /clock-events`): owners and admins see every punch, managers
their reports' and their own, everyone else only their own (a phone's user can check what
became of a punch it sent)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from app.models import ClockEvent, Employee, User
from app.services.identity.employees import visible_employees
from app.services.tenancy import scoped
from app.services.timezones import window_conditions


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    stmt = scoped(ClockEvent, actor)
    if actor.role == "manager":
        stmt = stmt.where(
            ClockEvent.employee_id.in_(visible_employees(actor).with_only_columns(Employee.id))
        )
    elif actor.role not in ("owner", "admin"):
        own = actor.employee
        stmt = stmt.where(ClockEvent.employee_id == own.id if own is not None else sa.false())
    for field in ("employee_id", "decision", "type"):
        if field in filters:
            stmt = stmt.where(getattr(ClockEvent, field) == filters[field])
    stmt = stmt.where(*window_conditions(ClockEvent.occurred_at, filters, actor.organization_id))
    return stmt.order_by(ClockEvent.received_at.desc(), ClockEvent.id)
