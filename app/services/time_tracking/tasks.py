"""Tasks: what people do on site. Assignment, subtasks, the status machine, and the actual
hours derived from the time entries booked to a task.

    pending ──▶ in_progress ◀──▶ on_hold          any open status ──▶ completed | cancelled
    completed | cancelled ──▶ in_progress         (a manager only: final for employees)

Cancelling is a manager's decision too. A status may be "changed" to itself while the task is
open, to report `progress_percent`; completing sets it to 100.
"""

from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from app.errors import (
    Forbidden,
    InUse,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from app.extensions import db
from app.models import Employee, Task, TimeEntry, User
from app.models.base import utcnow
from app.services import resources
from app.services.identity.employees import (
    SEES_EVERYONE,
    get_visible,
    is_report_of,
    visible_employees,
)
from app.services.tenancy import get_or_404, scoped
from app.services.timezones import local_date, organization_zone

OPEN = ("pending", "in_progress", "on_hold")
FINAL = ("completed", "cancelled")
TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"in_progress", "on_hold", "completed", "cancelled"}),
    "in_progress": frozenset({"on_hold", "completed", "cancelled"}),
    "on_hold": frozenset({"in_progress", "completed", "cancelled"}),
    "completed": frozenset({"in_progress"}),
    "cancelled": frozenset({"in_progress"}),
}
MAX_DEPTH = 20  # parent links followed when checking for a cycle
HUNDREDTH = Decimal("0.01")


def _own_id(actor: User) -> uuid.UUID | None:
    return actor.employee.id if actor.employee is not None else None


def visible_tasks(actor: User) -> sa.Select[Any]:
    """All for owner/admin/payroll; for a manager the tasks of their reports and their own,
    the unassigned ones and those they created; for an employee their own."""
    stmt = scoped(Task, actor)
    if actor.role in SEES_EVERYONE:
        return stmt
    own = _own_id(actor)
    if actor.role == "manager":
        team = visible_employees(actor).with_only_columns(Employee.id)
        return stmt.where(
            sa.or_(
                Task.assigned_to.in_(team),
                Task.assigned_to.is_(None),
                Task.created_by == actor.id,
            )
        )
    return stmt.where(Task.assigned_to == own) if own else stmt.where(sa.false())


def get_visible_task(actor: User, task_id: uuid.UUID) -> Task:
    task = get_or_404(Task, task_id, actor)
    if db.session.scalar(visible_tasks(actor).where(Task.id == task.id)) is None:
        raise NotFound("No such task.")
    return mark_actual_hours([task])[0]


def directs(actor: User, task: Task) -> bool:
    """Owner/admin any task; a manager the unassigned ones, their own and their reports'."""
    if actor.role in ("owner", "admin"):
        return True
    if actor.role != "manager":
        return False
    if task.assigned_to is None or task.assigned_to == _own_id(actor):
        return True
    assignee = db.session.get(Employee, task.assigned_to)
    return assignee is not None and is_report_of(actor, assignee)


def _check_assignee(actor: User, employee_id: uuid.UUID | None) -> None:
    if employee_id is None:
        return
    try:
        employee = get_visible(actor, employee_id)
    except NotFound:
        raise ValidationFailed(errors={"assigned_to": ["No such employee."]}) from None
    own = employee.id == _own_id(actor)
    if actor.role == "manager" and not own and not is_report_of(actor, employee):
        raise Forbidden("You can assign tasks only to your reports and yourself.")


def _check_parent(actor: User, task: Task | None, parent_id: uuid.UUID | None) -> None:
    if parent_id is None:
        return
    try:
        parent = get_visible_task(actor, parent_id)
    except NotFound:
        raise ValidationFailed(errors={"parent_task_id": ["No such task."]}) from None
    current: Task | None = parent
    for _ in range(MAX_DEPTH):
        if current is None:
            return
        if task is not None and current.id == task.id:
            raise ValidationFailed(errors={"parent_task_id": ["That would make a loop."]})
        current = db.session.get(Task, current.parent_task_id) if current.parent_task_id else None
    raise ValidationFailed(errors={"parent_task_id": [f"At most {MAX_DEPTH} levels deep."]})


def create_task(actor: User, data: dict[str, Any]) -> Task:
    """A new `pending` task, assigned by the actor when it names an assignee."""
    _check_assignee(actor, data.get("assigned_to"))
    _check_parent(actor, None, data.get("parent_task_id"))
    values = {**data, "status": "pending", "progress_percent": 0}
    if data.get("assigned_to"):
        values["assigned_by"] = _own_id(actor)
    return resources.create(Task, actor, values)


def update_task(actor: User, task: Task, data: dict[str, Any]) -> Task:
    """Change a task's details (its status moves through `change_status`)."""
    if not directs(actor, task):
        raise Forbidden("Only a manager of the assignee can change this task.")
    if "assigned_to" in data and data["assigned_to"] != task.assigned_to:
        _check_assignee(actor, data["assigned_to"])
        data = {**data, "assigned_by": _own_id(actor)}
    if "parent_task_id" in data:
        if data["parent_task_id"] == task.id:
            raise ValidationFailed(errors={"parent_task_id": ["A task is not its own parent."]})
        _check_parent(actor, task, data["parent_task_id"])
    return resources.update(task, actor, data)


def change_status(actor: User, task: Task, status: str, progress: int | None) -> Task:
    """Move a task through its status machine (see the module docstring)."""
    manager = directs(actor, task)
    if not manager and task.assigned_to != _own_id(actor):
        raise Forbidden("Only the assignee or their manager can move this task.")
    old = task.status
    same = status == old
    if (same and old in FINAL) or (not same and status not in TRANSITIONS[old]):
        raise InvalidTransition(f"A {old} task cannot become {status}.", details={"from": old})
    if old in FINAL and not manager:
        raise InvalidTransition(
            f"A {old} task is final; only a manager can reopen it.", details={"from": old}
        )
    if status == "cancelled" and not manager:
        raise Forbidden("Only a manager can cancel a task.")
    task.status = status
    if status == "completed":
        task.progress_percent = 100
        task.completed_date = local_date(utcnow(), organization_zone(task.organization_id))
    else:
        task.completed_date = None
        if progress is not None:
            task.progress_percent = progress
    db.session.flush()
    return task


def worked_seconds_by_task(task_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Worked seconds of the live time entries booked to each task."""
    if not task_ids:
        return {}
    stmt = (
        sa.select(TimeEntry.task_id, sa.func.coalesce(sa.func.sum(TimeEntry.worked_seconds), 0))
        .where(TimeEntry.task_id.in_(task_ids), TimeEntry.deleted_at.is_(None))
        .group_by(TimeEntry.task_id)
    )
    return {task_id: int(total) for task_id, total in db.session.execute(stmt) if task_id}


def hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / Decimal(3600)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def mark_actual_hours(tasks: list[Task]) -> list[Task]:
    """Set the read-only `actual_hours` the schema shows, with one query for the page."""
    totals = worked_seconds_by_task([t.id for t in tasks])
    for task in tasks:
        task.actual_hours = hours(totals.get(task.id, 0))  # type: ignore[attr-defined]
    return tasks


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    """Tasks by `assigned_to` (an id or `me`), `status`, `priority`, `parent_task_id`, `q`."""
    stmt = visible_tasks(actor)
    if "assigned_to" in filters:
        wanted = _own_id(actor) if filters["assigned_to"] == "me" else filters["assigned_to"]
        stmt = stmt.where(Task.assigned_to == wanted) if wanted else stmt.where(sa.false())
    for field in ("status", "priority", "parent_task_id"):
        if field in filters:
            stmt = stmt.where(getattr(Task, field) == filters[field])
    if q := filters.get("q"):
        stmt = stmt.where(sa.func.lower(Task.title).like(f"%{q.lower()}%"))
    return stmt.order_by(Task.due_date.is_(None), Task.due_date, Task.created_at, Task.id)


def delete_task(actor: User, task: Task) -> None:
    """Soft-delete a task with no time booked and no live subtasks (cancel it otherwise)."""
    if not directs(actor, task):
        raise Forbidden("Only a manager of the assignee can delete this task.")
    booked = db.session.scalar(
        sa.select(TimeEntry.id)
        .where(TimeEntry.task_id == task.id, TimeEntry.deleted_at.is_(None))
        .limit(1)
    )
    child = db.session.scalar(
        sa.select(Task.id).where(Task.parent_task_id == task.id, Task.deleted_at.is_(None)).limit(1)
    )
    if booked is not None or child is not None:
        raise InUse("Time is booked on this task or it has subtasks; cancel it instead.")
    resources.soft_delete(task)
