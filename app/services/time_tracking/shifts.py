"""Shifts: scheduling one (overlaps refused, half-open), who sees and edits which, the missed
ones, and shifts as the clock sees them (which shift a punch belongs to, and its flags).

Generating shifts from a template over a date range lives in `shift_generation` beside it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.errors import Conflict, Forbidden, InUse, NotFound, ValidationFailed
from app.extensions import db
from app.models import Employee, Shift, ShiftTemplate, TimeEntry, User
from app.models.base import utcnow
from app.services import resources
from app.services.identity.employees import (
    SEES_EVERYONE,
    can_manage,
    get_visible,
    visible_employees,
)
from app.services.tenancy import get_or_404, scoped
from app.services.timezones import window_conditions

# A clock-in this long before a shift's start still belongs to it (people arrive early).
EARLY_ARRIVAL = timedelta(hours=2)
# 24 hours of wall-clock time are 25 real ones on the night clocks fall back.
MAX_SHIFT_LENGTH = timedelta(hours=25)
TEMPLATE_RULES = ("unpaid_break_minutes", "paid_break_minutes", "grace_minutes", "geofence_id")


class ShiftOverlap(Conflict):
    code, default_message = "SHIFT_OVERLAP", "This overlaps another shift of the employee."


class epoch_seconds(FunctionElement[float]):
    """Seconds since 1970 of a UTC timestamp column, on PostgreSQL and SQLite alike."""

    type = sa.Float()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_default(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


# --- the clock's view ----------------------------------------------------------------------


# The id of an employee's live shift that a punch at :at belongs to, nearest start first, as a
# prebuilt subquery (the clock reads it with the rest of a punch's context). Parameters:
# `scheduled_shift_params`.
SCHEDULED_SHIFT_ID = (
    sa.select(Shift.id)
    .where(
        Shift.employee_id == sa.bindparam("employee_id"),
        Shift.deleted_at.is_(None),
        Shift.status.in_(("scheduled", "in_progress")),
        Shift.starts_at <= sa.bindparam("arrival_limit"),
        Shift.ends_at > sa.bindparam("at"),
    )
    .order_by(Shift.starts_at)
    .limit(1)
    .scalar_subquery()
)


def scheduled_shift_params(employee_id: uuid.UUID, at: datetime) -> dict[str, Any]:
    return {"employee_id": employee_id, "at": at, "arrival_limit": at + EARLY_ARRIVAL}


def scheduled_shift(employee: Employee, at: datetime) -> Shift | None:
    """The employee's live shift that a punch at `at` belongs to."""
    stmt = sa.select(Shift).where(Shift.id == SCHEDULED_SHIFT_ID)
    shift: Shift | None = db.session.scalars(stmt, scheduled_shift_params(employee.id, at)).first()
    return shift


def punch_flags(shift: Shift | None, kind: str, at: datetime) -> list[str]:
    """`LATE` for a clock-in after start + grace, `EARLY_LEAVE` for a clock-out before
    end - grace; nothing without a shift."""
    if shift is None:
        return []
    grace = timedelta(minutes=shift.grace_minutes)
    if kind == "in" and at > shift.starts_at + grace:
        return ["LATE"]
    if kind == "out" and at < shift.ends_at - grace:
        return ["EARLY_LEAVE"]
    return []


# --- who sees and schedules whom ------------------------------------------------------------


def visible_shifts(actor: User) -> sa.Select[Any]:
    """All for owner/admin/payroll; a manager's reports' and own; an employee's own."""
    stmt = scoped(Shift, actor)
    if actor.role in SEES_EVERYONE:
        return stmt
    return stmt.where(
        Shift.employee_id.in_(visible_employees(actor).with_only_columns(Employee.id))
    )


def get_visible_shift(actor: User, shift_id: uuid.UUID) -> Shift:
    shift = get_or_404(Shift, shift_id, actor)
    if db.session.scalar(visible_shifts(actor).where(Shift.id == shift.id)) is None:
        raise NotFound("No such shift.")
    return mark_missed([shift])[0]


def can_schedule(actor: User, employee: Employee) -> bool:
    """Owner/admin anyone; a manager their reports and themselves."""
    own = actor.employee
    is_self = own is not None and own.id == employee.id
    return can_manage(actor, employee) or (actor.role == "manager" and is_self)


def employee_to_schedule(
    actor: User, employee_id: uuid.UUID, field: str = "employee_id"
) -> Employee:
    """The employee a body names, if the actor may schedule them (one they cannot see is a 422
    on that field: the body is wrong, not the URL)."""
    try:
        employee = get_visible(actor, employee_id)
    except NotFound:
        raise ValidationFailed(errors={field: [f"No such employee: {employee_id}."]}) from None
    if not can_schedule(actor, employee):
        raise Forbidden("You can schedule only your reports and yourself.")
    return employee


def lock_employee(employee_id: uuid.UUID) -> None:
    """Serialise schedule writes of one employee (overlap checks then inserts)."""
    db.session.execute(sa.select(Employee.id).where(Employee.id == employee_id).with_for_update())


def live_shifts_between(
    employee_id: uuid.UUID, starts_at: datetime, ends_at: datetime
) -> list[Shift]:
    """Live, not cancelled shifts of the employee meeting [starts_at, ends_at) (half-open)."""
    stmt = sa.select(Shift).where(
        Shift.employee_id == employee_id,
        Shift.deleted_at.is_(None),
        Shift.status != "cancelled",
        Shift.starts_at < ends_at,
        Shift.ends_at > starts_at,
    )
    return list(db.session.scalars(stmt.order_by(Shift.starts_at)))


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed(errors={"ends_at": ["Must be after starts_at."]})
    if ends_at - starts_at > MAX_SHIFT_LENGTH:
        raise ValidationFailed(errors={"ends_at": ["A shift is at most 25 hours long."]})


def _check_free(
    employee_id: uuid.UUID, starts_at: datetime, ends_at: datetime, except_id: uuid.UUID | None
) -> None:
    lock_employee(employee_id)
    for other in live_shifts_between(employee_id, starts_at, ends_at):
        if other.id != except_id:
            raise ShiftOverlap(
                details={
                    "shift_id": str(other.id),
                    "starts_at": other.starts_at.isoformat(),
                    "ends_at": other.ends_at.isoformat(),
                }
            )


def _template(actor: User, template_id: uuid.UUID) -> ShiftTemplate:
    try:
        return get_or_404(ShiftTemplate, template_id, actor)
    except NotFound:
        raise ValidationFailed(errors={"template_id": ["No such shift template."]}) from None


# --- writes -------------------------------------------------------------------------------


def create_shift(actor: User, data: dict[str, Any]) -> Shift:
    """One shift; a template given lends its breaks, grace, geofence and timezone."""
    employee = employee_to_schedule(actor, data["employee_id"])
    values = dict(data)
    if data.get("template_id"):
        template = _template(actor, data["template_id"])
        for field in TEMPLATE_RULES:
            values.setdefault(field, getattr(template, field))
        values.setdefault("timezone", template.timezone)
    resources.check_references(Shift, actor, values)
    _check_times(values["starts_at"], values["ends_at"])
    _check_free(employee.id, values["starts_at"], values["ends_at"], None)
    return resources.create(Shift, actor, values)


def update_shift(actor: User, shift: Shift, data: dict[str, Any]) -> Shift:
    """Move, reassign, cancel or un-cancel a shift; overlaps refused as on creation."""
    if not can_schedule(actor, db.session.get(Employee, shift.employee_id)):  # type: ignore[arg-type]
        raise Forbidden("You can schedule only your reports and yourself.")
    if "employee_id" in data and data["employee_id"] != shift.employee_id:
        employee_to_schedule(actor, data["employee_id"])
    if "template_id" in data and data["template_id"] is not None:
        _template(actor, data["template_id"])
    starts_at = data.get("starts_at", shift.starts_at)
    ends_at = data.get("ends_at", shift.ends_at)
    _check_times(starts_at, ends_at)
    status = data.get("status", shift.status)
    if status != "cancelled":
        _check_free(data.get("employee_id", shift.employee_id), starts_at, ends_at, shift.id)
    return resources.update(shift, actor, data)


def delete_shift(actor: User, shift: Shift) -> None:
    """Soft-delete a shift nobody has worked yet (a worked one is cancelled instead)."""
    if not can_schedule(actor, db.session.get(Employee, shift.employee_id)):  # type: ignore[arg-type]
        raise Forbidden("You can schedule only your reports and yourself.")
    worked = db.session.scalar(
        sa.select(TimeEntry.id)
        .where(TimeEntry.shift_id == shift.id, TimeEntry.deleted_at.is_(None))
        .limit(1)
    )
    if worked is not None:
        raise InUse("Time was recorded on this shift; cancel it instead.")
    resources.soft_delete(shift)


# --- reading: filters and the missed shifts ---------------------------------------------------


def missed_condition(now: datetime) -> sa.ColumnElement[bool]:
    """A scheduled shift whose start + grace has passed with no entry of the employee on it
    (linked to it, or overlapping it)."""
    worked = sa.exists().where(
        TimeEntry.employee_id == Shift.employee_id,
        TimeEntry.deleted_at.is_(None),
        sa.or_(
            TimeEntry.shift_id == Shift.id,
            sa.and_(
                TimeEntry.started_at < Shift.ends_at,
                sa.or_(TimeEntry.ended_at.is_(None), TimeEntry.ended_at > Shift.starts_at),
            ),
        ),
    )
    late_by = epoch_seconds(Shift.starts_at) + Shift.grace_minutes * 60
    return sa.and_(Shift.status == "scheduled", late_by < now.timestamp(), sa.not_(worked))


def mark_missed(shifts: list[Shift], now: datetime | None = None) -> list[Shift]:
    """Set the read-only `missed` attribute the schema shows, with one query for the page."""
    ids = [s.id for s in shifts]
    missed: set[uuid.UUID] = set()
    if ids:
        stmt = sa.select(Shift.id).where(Shift.id.in_(ids), missed_condition(now or utcnow()))
        missed = set(db.session.scalars(stmt))
    for shift in shifts:
        shift.missed = shift.id in missed  # type: ignore[attr-defined]
    return shifts


def search(actor: User, filters: dict[str, Any], *, own_only: bool = False) -> sa.Select[Any]:
    """Shifts by `employee_id`, `template_id`, `status`, `missed`, and `from`/`to` on their
    start (a date is a whole local day, inclusive)."""
    stmt = visible_shifts(actor)
    if own_only:
        own = actor.employee
        stmt = stmt.where(Shift.employee_id == (own.id if own else None))
    for field in ("employee_id", "template_id", "status"):
        if field in filters:
            stmt = stmt.where(getattr(Shift, field) == filters[field])
    stmt = stmt.where(*window_conditions(Shift.starts_at, filters, actor.organization_id))
    if "missed" in filters:
        condition = missed_condition(utcnow())
        stmt = stmt.where(condition if filters["missed"] else sa.not_(condition))
    return stmt.order_by(Shift.starts_at, Shift.id)


class ShiftTemplateService(resources.ResourceService):
    """Shift templates keep their weekdays in order (0 = Monday first)."""

    def create(self, res: Any, actor: User, data: dict[str, Any]) -> Any:
        return super().create(res, actor, _sorted_days(data))

    def update(self, res: Any, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        return super().update(res, obj, actor, _sorted_days(data))


def _sorted_days(data: dict[str, Any]) -> dict[str, Any]:
    return (
        {**data, "days_of_week": sorted(data["days_of_week"])} if "days_of_week" in data else data
    )
