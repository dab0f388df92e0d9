"""Shifts as the clock sees them: which scheduled shift a punch belongs to, and its flags."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import Employee, Shift

# A clock-in this long before a shift's start still belongs to it (people arrive early).
EARLY_ARRIVAL = timedelta(hours=2)


def scheduled_shift(employee: Employee, at: datetime) -> Shift | None:
    """The employee's live shift that a punch at `at` belongs to, nearest start first."""
    stmt = (
        sa.select(Shift)
        .where(
            Shift.employee_id == employee.id,
            Shift.deleted_at.is_(None),
            Shift.status.in_(("scheduled", "in_progress")),
            Shift.starts_at <= at + EARLY_ARRIVAL,
            Shift.ends_at > at,
        )
        .order_by(Shift.starts_at)
        .limit(1)
    )
    shift: Shift | None = db.session.scalars(stmt).first()
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
