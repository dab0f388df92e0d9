"""Overtime policies: the organization's default (`/settings/overtime`), named ones that
employees may carry (`overtime_policy_id`), and the `overtime.Policy` each employee is under.

Only `rule` is required; thresholds and multipliers default to the rule's (`Policy.for_rule`):
FLSA weekly 40 h; California daily 8 h, double time 12 h, weekly 40 h and the seventh day;
`workweek_start_day` Monday, `workday_start` midnight, and `timezone` the organization's (kept
as "the organization's", so moving the organization moves the policy). An organization that
never saved settings is under FLSA: the product's payroll formats are American.
"""

from __future__ import annotations

import uuid
from datetime import time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import Employee, Organization, OvertimePolicy, User
from app.services.tenancy import get_or_404, scoped
from overtime import Policy, Rule

DEFAULT_RULE: Rule = "flsa"
POLICY_FIELDS = (
    "timezone",
    "workweek_start_day",
    "workday_start",
    "daily_overtime_after_hours",
    "daily_double_time_after_hours",
    "weekly_overtime_after_hours",
    "seventh_day_rule",
    "overtime_multiplier",
    "double_time_multiplier",
    "alert_threshold_percent",
)


class PolicyInUse(Conflict):
    code, default_message = "POLICY_IN_USE", "Employees are still under this policy."


def organization_timezone(organization_id: uuid.UUID) -> str:
    org = db.session.get(Organization, organization_id)
    return org.timezone if org else "UTC"


def build_policy(row: OvertimePolicy | None, org_timezone: str) -> Policy:
    """The engine's `Policy` for a stored row (None: the defaults of `DEFAULT_RULE`)."""
    if row is None:
        return Policy.for_rule(DEFAULT_RULE, timezone=org_timezone)
    return Policy(
        rule=row.rule,  # type: ignore[arg-type]
        timezone=row.timezone or org_timezone,
        workweek_start_day=row.workweek_start_day,
        workday_start=row.workday_start,
        daily_overtime_after_hours=row.daily_overtime_after_hours,
        daily_double_time_after_hours=row.daily_double_time_after_hours,
        weekly_overtime_after_hours=row.weekly_overtime_after_hours,
        seventh_day_rule=row.seventh_day_rule,
        overtime_multiplier=row.overtime_multiplier,
        double_time_multiplier=row.double_time_multiplier,
        alert_threshold_percent=Decimal(row.alert_threshold_percent),
    )


def validated_policy(data: dict[str, Any], org_timezone: str) -> Policy:
    """The policy `data` asks for, rule defaults filled in; the engine's checks as a 422."""
    values = {k: data.get(k) for k in POLICY_FIELDS}
    values["timezone"] = data.get("timezone") or org_timezone
    if values["alert_threshold_percent"] is not None:
        values["alert_threshold_percent"] = Decimal(values["alert_threshold_percent"])
    try:
        return Policy.for_rule(data["rule"], **values)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(str(exc), errors={"rule": [str(exc)]}) from None


def _store(row: OvertimePolicy, data: dict[str, Any], policy: Policy) -> None:
    row.rule = policy.rule
    row.timezone = data.get("timezone")  # None keeps following the organization
    row.workweek_start_day = policy.workweek_start_day
    row.workday_start = policy.workday_start
    row.daily_overtime_after_hours = policy.daily_overtime_after_hours
    row.daily_double_time_after_hours = policy.daily_double_time_after_hours
    row.weekly_overtime_after_hours = policy.weekly_overtime_after_hours
    row.seventh_day_rule = policy.seventh_day_rule
    row.overtime_multiplier = policy.overtime_multiplier
    row.double_time_multiplier = policy.double_time_multiplier
    row.alert_threshold_percent = int(policy.alert_threshold_percent)


def view(row: OvertimePolicy | None, organization_id: uuid.UUID) -> dict[str, Any]:
    """A policy as the API shows it (the effective values, defaults and timezone resolved)."""
    policy = build_policy(row, organization_timezone(organization_id))
    result: dict[str, Any] = {
        "id": row.id if row else None,
        "name": row.name if row else "Default",
        "is_default": row.is_default if row else True,
        "rule": policy.rule,
        "timezone": policy.timezone,
        "timezone_is_organization": row is None or row.timezone is None,
    }
    for name in POLICY_FIELDS[1:]:
        result[name] = getattr(policy, name)
    result["workday_start"] = policy.workday_start.strftime("%H:%M")
    result["alert_threshold_percent"] = int(policy.alert_threshold_percent)
    return result


def default_row(organization_id: uuid.UUID) -> OvertimePolicy | None:
    stmt = sa.select(OvertimePolicy).where(
        OvertimePolicy.organization_id == organization_id,
        OvertimePolicy.is_default.is_(True),
        OvertimePolicy.deleted_at.is_(None),
    )
    row: OvertimePolicy | None = db.session.scalars(stmt).first()
    return row


def get_settings(actor: User) -> dict[str, Any]:
    return view(default_row(actor.organization_id), actor.organization_id)


def put_settings(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the organization's default policy (omitted fields: the rule's defaults)."""
    policy = validated_policy(data, organization_timezone(actor.organization_id))
    row = default_row(actor.organization_id)
    if row is None:
        row = OvertimePolicy(organization_id=actor.organization_id, name="Default", is_default=True)
        row.created_by = actor.id
        db.session.add(row)
    _store(row, data, policy)
    db.session.flush()
    return view(row, actor.organization_id)


# --- named policies ------------------------------------------------------------------------


def list_policies(actor: User) -> sa.Select[Any]:
    return scoped(OvertimePolicy, actor).order_by(
        OvertimePolicy.is_default.desc(), OvertimePolicy.name, OvertimePolicy.id
    )


def create_policy(actor: User, data: dict[str, Any]) -> OvertimePolicy:
    policy = validated_policy(data, organization_timezone(actor.organization_id))
    row = OvertimePolicy(organization_id=actor.organization_id, name=data["name"])
    row.created_by = actor.id
    _store(row, data, policy)
    db.session.add(row)
    db.session.flush()
    return row


def view_policy(actor: User, policy_id: uuid.UUID) -> dict[str, Any]:
    row = get_or_404(OvertimePolicy, policy_id, actor)
    return view(row, row.organization_id)


def replace_policy(actor: User, policy_id: uuid.UUID, data: dict[str, Any]) -> OvertimePolicy:
    row = get_or_404(OvertimePolicy, policy_id, actor)
    policy = validated_policy(data, organization_timezone(actor.organization_id))
    row.name = data.get("name") or row.name
    _store(row, data, policy)
    db.session.flush()
    return row


def delete_policy(actor: User, policy_id: uuid.UUID) -> None:
    """Soft-delete a named policy nobody is under; the default one is `/settings/overtime`."""
    from app.models.base import utcnow

    row = get_or_404(OvertimePolicy, policy_id, actor)
    if row.is_default:
        raise PolicyInUse("The default policy is edited through /settings/overtime.")
    users = sa.select(sa.func.count()).where(
        Employee.overtime_policy_id == row.id, Employee.deleted_at.is_(None)
    )
    if db.session.scalar(users):
        raise PolicyInUse()
    row.deleted_at = utcnow()
    db.session.flush()


def check_reference(actor: User, policy_id: uuid.UUID | None) -> None:
    """An employee's `overtime_policy_id` must be a live policy of the same organization."""
    if policy_id is None:
        return
    found = db.session.scalar(
        scoped(OvertimePolicy, actor)
        .where(OvertimePolicy.id == policy_id)
        .with_only_columns(OvertimePolicy.id)
    )
    if found is None:
        raise ValidationFailed(errors={"overtime_policy_id": ["No such overtime policy."]})


# --- for the workers -----------------------------------------------------------------------


class PolicyBook:
    """Every policy of one organization, and which one each employee is under (two queries)."""

    def __init__(self, organization_id: uuid.UUID) -> None:
        self.organization_id = organization_id
        zone = organization_timezone(organization_id)
        rows = db.session.scalars(
            sa.select(OvertimePolicy).where(
                OvertimePolicy.organization_id == organization_id,
                OvertimePolicy.deleted_at.is_(None),
            )
        ).all()
        default = next((r for r in rows if r.is_default), None)
        self.default = build_policy(default, zone)
        self.by_id: dict[uuid.UUID, Policy] = {r.id: build_policy(r, zone) for r in rows}
        # The live policies other than the default: each is a group of its own.
        self.named: dict[uuid.UUID, Policy] = {
            r.id: self.by_id[r.id] for r in rows if not r.is_default
        }
        assigned = db.session.execute(
            sa.select(Employee.id, Employee.overtime_policy_id).where(
                Employee.organization_id == organization_id,
                Employee.overtime_policy_id.is_not(None),
            )
        ).all()
        self.assigned: dict[uuid.UUID, uuid.UUID] = {e: p for e, p in assigned if p is not None}

    def for_employee(self, employee_id: uuid.UUID) -> Policy:
        policy_id = self.assigned.get(employee_id)
        return self.by_id.get(policy_id, self.default) if policy_id else self.default

    def policies(self) -> list[Policy]:
        """Every distinct policy in use (the default first)."""
        seen = [self.default]
        for policy in self.by_id.values():
            if policy not in seen:
                seen.append(policy)
        return seen


def parse_hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def workweek_start_day(employee: Employee) -> int:
    """The first day (0 = Monday) of the employee's workweek under their overtime policy."""
    row = (
        db.session.get(OvertimePolicy, employee.overtime_policy_id)
        if employee.overtime_policy_id
        else None
    )
    if row is None or row.deleted_at is not None:
        row = default_row(employee.organization_id)
    return row.workweek_start_day if row is not None else 0
