"""`POST /shifts/generate`: a template's wall-clock times laid over a date range for several
employees, in the template's timezone (else the organization's).

Times are local wall-clock times, so a 22:00-06:00 night shift is 7 hours on the night the
clocks spring forward and 9 on the night they fall back. A start or end inside the hour the
clocks skip moves forward by the gap (02:30 → 03:30); one inside the hour that repeats is its
first occurrence. A shift belongs to the day it starts on (`days_of_week`, 0 = Monday).
Existing identical shifts (same employee, start and end, even cancelled ones) are skipped; any
other overlap refuses the whole request with 409 `SHIFT_OVERLAP`, listing the conflicts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.models import Employee, Shift, ShiftTemplate, User
from app.services.tenancy import get_or_404
from app.services.time_tracking.shifts import ShiftOverlap, employee_to_schedule, lock_employee
from app.services.timezones import organization_zone

MAX_DAYS = 366
MAX_CONFLICTS_SHOWN = 20
MAX_SHIFTS = 10_000  # per request; more is a batch job, not a request


@dataclass(frozen=True)
class Planned:
    employee: Employee
    starts_at: datetime
    ends_at: datetime


@dataclass
class Outcome:
    created: list[Shift]
    skipped: list[Planned]


def wall_clock_span(day: date, start: time, end: time, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC [start, end) of a shift that starts on local `day`; an end not after the start
    is on the next day."""
    end_day = day + timedelta(days=1) if end <= start else day
    starts_at = datetime.combine(day, start, tzinfo=zone).astimezone(UTC)
    ends_at = datetime.combine(end_day, end, tzinfo=zone).astimezone(UTC)
    return starts_at, ends_at


def _days(from_date: date, to_date: date, weekdays: list[int]) -> list[date]:
    if to_date < from_date:
        raise ValidationFailed(errors={"to_date": ["Must not be before from_date."]})
    if (to_date - from_date).days >= MAX_DAYS:
        raise ValidationFailed(errors={"to_date": [f"At most {MAX_DAYS} days at a time."]})
    count = (to_date - from_date).days + 1
    days = (from_date + timedelta(days=n) for n in range(count))
    return [d for d in days if d.weekday() in set(weekdays)]


def _template(actor: User, template_id: uuid.UUID) -> ShiftTemplate:
    try:
        template = get_or_404(ShiftTemplate, template_id, actor)
    except NotFound:
        raise ValidationFailed(errors={"template_id": ["No such shift template."]}) from None
    if not template.is_active:
        raise ValidationFailed(errors={"template_id": ["This template is not active."]})
    return template


def _employees(actor: User, employee_ids: list[uuid.UUID]) -> list[Employee]:
    return [employee_to_schedule(actor, i, "employee_ids") for i in dict.fromkeys(employee_ids)]


def _existing(employee: Employee, starts_at: datetime, ends_at: datetime) -> list[Shift]:
    stmt = sa.select(Shift).where(
        Shift.employee_id == employee.id,
        Shift.deleted_at.is_(None),
        Shift.starts_at < ends_at,
        Shift.ends_at > starts_at,
    )
    return list(db.session.scalars(stmt))


def _conflict(plan: Planned, other: Shift) -> dict[str, Any]:
    return {
        "employee_id": str(plan.employee.id),
        "starts_at": plan.starts_at.isoformat(),
        "ends_at": plan.ends_at.isoformat(),
        "shift_id": str(other.id),
    }


def plan(template: ShiftTemplate, employees: list[Employee], days: list[date]) -> list[Planned]:
    zone = ZoneInfo(template.timezone) if template.timezone else None
    planned = []
    for employee in employees:
        local = zone or organization_zone(employee.organization_id)
        for day in days:
            starts_at, ends_at = wall_clock_span(day, template.start_time, template.end_time, local)
            planned.append(Planned(employee, starts_at, ends_at))
    return planned


def generate(actor: User, data: dict[str, Any]) -> Outcome:
    """Create the template's shifts for `employee_ids` from `from_date` to `to_date`."""
    template = _template(actor, data["template_id"])
    employees = _employees(actor, data["employee_ids"])
    days = _days(data["from_date"], data["to_date"], template.days_of_week or [])
    planned = plan(template, employees, days)
    if len(planned) > MAX_SHIFTS:
        raise ValidationFailed(errors={"to_date": [f"At most {MAX_SHIFTS} shifts at a time."]})
    outcome = Outcome(created=[], skipped=[])
    conflicts: list[dict[str, Any]] = []
    to_create: list[Planned] = []
    for employee in employees:
        lock_employee(employee.id)
        mine = [p for p in planned if p.employee.id == employee.id]
        if not mine:
            continue
        window = _existing(employee, mine[0].starts_at, mine[-1].ends_at)
        for item in mine:
            meeting = [
                s for s in window if s.starts_at < item.ends_at and s.ends_at > item.starts_at
            ]
            if any(s.starts_at == item.starts_at and s.ends_at == item.ends_at for s in meeting):
                outcome.skipped.append(item)
                continue
            live = [s for s in meeting if s.status != "cancelled"]
            conflicts += [_conflict(item, s) for s in live]
            to_create.append(item)
    if conflicts:
        raise ShiftOverlap(
            f"{len(conflicts)} generated shift(s) overlap existing shifts.",
            details={"conflicts": conflicts[:MAX_CONFLICTS_SHOWN], "count": len(conflicts)},
        )
    zone_name = template.timezone or str(organization_zone(actor.organization_id))
    for item in to_create:
        shift = Shift(
            id=uuid.uuid4(),
            organization_id=actor.organization_id,
            workspace_id=item.employee.workspace_id,
            created_by=actor.id,
            employee_id=item.employee.id,
            template_id=template.id,
            geofence_id=template.geofence_id,
            starts_at=item.starts_at,
            ends_at=item.ends_at,
            unpaid_break_minutes=template.unpaid_break_minutes,
            paid_break_minutes=template.paid_break_minutes,
            grace_minutes=template.grace_minutes,
            timezone=zone_name,
            status="scheduled",
        )
        db.session.add(shift)
        outcome.created.append(shift)
    db.session.flush()
    return outcome
