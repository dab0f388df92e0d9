"""Employees: the person behind a user, their pay, manager and department; who sees whom."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from app.errors import Conflict, Forbidden, NotFound, RoleNotAssignable, ValidationFailed
from app.extensions import db
from app.models import Department, Employee, User
from app.services.identity import users
from app.services.identity.auth import normalise_email
from app.services.identity.passwords import check_strength
from app.services.overtime import overtime_settings
from app.services.tenancy import get_or_404, scoped
from app.services.time_tracking import sites

SEES_EVERYONE = frozenset({"owner", "admin", "payroll"})
USER_FIELDS = ("first_name", "last_name", "phone")


def report_ids(manager_id: uuid.UUID) -> sa.CTE:
    """Ids of everyone below `manager_id`, directly or transitively (cycle-safe UNION)."""
    base = sa.select(Employee.id).where(
        Employee.manager_id == manager_id, Employee.deleted_at.is_(None)
    )
    tree = base.cte("reports", recursive=True)
    below = sa.select(Employee.id).where(
        Employee.manager_id == tree.c.id, Employee.deleted_at.is_(None)
    )
    return tree.union(below)


def visible_employees(actor: User) -> sa.Select[Any]:
    """Everyone for owner/admin/payroll; a manager's reports and self; an employee's self."""
    stmt = scoped(Employee, actor)
    if actor.role in SEES_EVERYONE:
        return stmt
    own = actor.employee
    if own is None:
        return stmt.where(sa.false())
    if actor.role == "manager":
        tree = report_ids(own.id)
        return stmt.where(sa.or_(Employee.id == own.id, Employee.id.in_(sa.select(tree.c.id))))
    return stmt.where(Employee.id == own.id)


def get_visible(actor: User, employee_id: uuid.UUID | str) -> Employee:
    employee = get_or_404(Employee, employee_id, actor)
    visible = db.session.scalar(
        visible_employees(actor).where(Employee.id == employee.id).with_only_columns(Employee.id)
    )
    if visible is None:
        raise NotFound("No such employee.")
    return employee


def is_report_of(actor: User, employee: Employee) -> bool:
    own = actor.employee
    if own is None:
        return False
    tree = report_ids(own.id)
    return db.session.scalar(sa.select(tree.c.id).where(tree.c.id == employee.id)) is not None


def can_manage(actor: User, employee: Employee) -> bool:
    if actor.role in ("owner", "admin"):
        return True
    return actor.role == "manager" and is_report_of(actor, employee)


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    stmt = visible_employees(actor).join(Employee.user)
    if "manager_id" in filters:
        stmt = stmt.where(Employee.manager_id == filters["manager_id"])
    if "status" in filters:
        stmt = stmt.where(Employee.status == filters["status"])
    if "department_id" in filters:
        stmt = stmt.where(Employee.department_id == filters["department_id"])
    if q := filters.get("q"):
        like = f"%{q.lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.first_name + " " + User.last_name).like(like),
                sa.func.lower(User.email).like(like),
                sa.func.lower(Employee.employee_number).like(like),
            )
        )
    return stmt.order_by(Employee.employee_number, Employee.id)


def _department(actor: User, name: str | None) -> uuid.UUID | None:
    """The department with that name, created on first use so forms can type a name."""
    if not name:
        return None
    stmt = scoped(Department, actor).where(sa.func.lower(Department.name) == name.lower())
    department: Department | None = db.session.scalars(stmt).first()
    if department is None:
        department = Department(
            organization_id=actor.organization_id,
            workspace_id=actor.workspace_id,
            name=name,
            created_by=actor.id,
        )
        db.session.add(department)
        db.session.flush()
    return department.id


def _check_manager(actor: User, manager_id: uuid.UUID | None, employee: Employee | None) -> None:
    if manager_id is None:
        return
    try:
        manager = get_or_404(Employee, manager_id, actor)
    except NotFound:
        raise ValidationFailed(errors={"manager_id": ["No such employee."]}) from None
    if (
        actor.role == "manager"
        and manager.id != getattr(actor.employee, "id", None)
        and not is_report_of(actor, manager)
    ):
        raise ValidationFailed(errors={"manager_id": ["Not you or one of your reports."]})
    if employee is not None:
        tree = report_ids(employee.id)
        below = db.session.scalar(sa.select(tree.c.id).where(tree.c.id == manager.id))
        if manager.id == employee.id or below is not None:
            raise ValidationFailed(errors={"manager_id": ["That would make a reporting loop."]})


def _number_taken(actor: User, number: str, except_id: uuid.UUID | None = None) -> bool:
    stmt = sa.select(Employee.id).where(
        Employee.organization_id == actor.organization_id, Employee.employee_number == number
    )
    if except_id is not None:
        stmt = stmt.where(Employee.id != except_id)
    return db.session.scalar(stmt) is not None


def create_employee(actor: User, data: dict[str, Any]) -> Employee:
    """A new employee and the user they log in with (or link a same-organization user)."""
    if _number_taken(actor, data["employee_number"]):
        raise Conflict(
            "This employee number is already used.", errors={"employee_number": ["Taken."]}
        )
    if actor.role == "manager":
        data.setdefault("manager_id", actor.employee.id if actor.employee else None)
    _check_manager(actor, data.get("manager_id"), None)
    overtime_settings.check_reference(actor, data.get("overtime_policy_id"))
    email = normalise_email(data["email"])
    if "password" in data:  # before the lookup: a weak password is 422 for any e-mail
        check_strength(
            data["password"], user_inputs=(email, data.get("first_name"), data.get("last_name"))
        )
    user = db.session.scalars(
        sa.select(User).where(User.email == email, User.deleted_at.is_(None))
    ).first()
    if user is not None:
        if user.organization_id != actor.organization_id or user.employee is not None:
            raise Conflict(
                "An account with this e-mail already exists.", errors={"email": ["Taken."]}
            )
    else:
        if "password" not in data:
            raise ValidationFailed(errors={"password": ["Required for a new account."]})
        user = users.create_user(
            actor,
            {
                "email": email,
                "password": data["password"],
                "role": data.get("role", "employee"),
                **{f: data[f] for f in ("first_name", "last_name", "phone") if f in data},
            },
        )
    employee = Employee(
        organization_id=actor.organization_id,
        workspace_id=actor.workspace_id,
        user_id=user.id,
        created_by=actor.id,
        employee_number=data["employee_number"],
        hourly_rate=data["hourly_rate"],
        currency=data.get("currency") or actor_currency(actor),
        manager_id=data.get("manager_id"),
        department_id=_department(actor, data.get("department")),
        **{
            f: data[f]
            for f in ("timezone", "overtime_policy_id", "position", "hire_date", "status")
            if f in data
        },
    )
    db.session.add(employee)
    db.session.flush()
    if data.get("geofence_ids"):
        sites.set_employee_geofences(actor, employee, data["geofence_ids"])
    db.session.refresh(user)
    return employee


def actor_currency(actor: User) -> str:
    from app.models import Organization

    org = db.session.get(Organization, actor.organization_id)
    return org.currency if org else "USD"


def update_employee(actor: User, employee: Employee, data: dict[str, Any]) -> Employee:
    if not can_manage(actor, employee):
        raise Forbidden("You can change only your reports.")
    if "employee_number" in data and _number_taken(actor, data["employee_number"], employee.id):
        raise Conflict(
            "This employee number is already used.", errors={"employee_number": ["Taken."]}
        )
    if "manager_id" in data:
        _check_manager(actor, data["manager_id"], employee)
    if "overtime_policy_id" in data:
        overtime_settings.check_reference(actor, data["overtime_policy_id"])
    user_changes = {f: data.pop(f) for f in (*USER_FIELDS, "email", "role") if f in data}
    if "geofence_ids" in data:
        sites.set_employee_geofences(actor, employee, data.pop("geofence_ids"))
    if "department" in data:
        employee.department_id = _department(actor, data.pop("department"))
    for field, value in data.items():
        setattr(employee, field, value)
    if employee.status in ("inactive", "terminated"):
        user_changes["status"] = "inactive"
    elif "status" in data:
        user_changes["status"] = "active"
    if user_changes:
        if actor.role == "manager" and "role" in user_changes:
            raise RoleNotAssignable("Managers cannot change roles.")
        if employee.user.id == actor.id and set(user_changes) & {"role", "status"}:
            raise Forbidden("You cannot change your own role or status.")
        users.update_user(actor, employee.user, user_changes)
    db.session.flush()
    return employee
