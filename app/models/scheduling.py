"""Planned work: shift templates, the shifts generated from them, and tasks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    CreatedBy,
    JSONType,
    SoftDelete,
    Timestamps,
    UUIDPk,
    WorkspaceScoped,
    check_in,
)

SHIFT_STATUSES = ("scheduled", "in_progress", "completed", "missed", "cancelled")
TASK_STATUSES = ("pending", "in_progress", "on_hold", "completed", "cancelled")
TASK_PRIORITIES = ("low", "medium", "high", "urgent")


class ShiftTemplate(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "shift_templates"
    __table_args__ = (
        sa.CheckConstraint("unpaid_break_minutes >= 0", name="unpaid_break_non_negative"),
        sa.CheckConstraint("paid_break_minutes >= 0", name="paid_break_non_negative"),
        sa.CheckConstraint("grace_minutes >= 0", name="grace_non_negative"),
    )

    name: Mapped[str] = mapped_column(sa.String(255))
    start_time: Mapped[time] = mapped_column()  # local wall-clock time in `timezone`
    end_time: Mapped[time] = mapped_column()  # earlier than start_time: ends the next day
    days_of_week: Mapped[list[int]] = mapped_column(JSONType, default=list)  # 0 = Monday
    unpaid_break_minutes: Mapped[int] = mapped_column(default=0)
    paid_break_minutes: Mapped[int] = mapped_column(default=0)
    grace_minutes: Mapped[int] = mapped_column(default=0)
    geofence_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("geofences.id"), default=None
    )
    timezone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # Overrides of the organization's /settings/time for shifts made from this template.
    rounding: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    auto_break: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    is_active: Mapped[bool] = mapped_column(default=True)


class Shift(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "shifts"
    __table_args__ = (
        check_in("status", SHIFT_STATUSES, "status"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_shifts_employee_starts_at", "employee_id", "starts_at"),
    )

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("employees.id"))
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("shift_templates.id"), default=None, index=True
    )
    geofence_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("geofences.id"), default=None
    )
    task_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tasks.id"), default=None)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    # Copied from the template when the shift is made, so editing a template never rewrites
    # the rules of shifts already worked.
    unpaid_break_minutes: Mapped[int] = mapped_column(default=0)
    paid_break_minutes: Mapped[int] = mapped_column(default=0)
    grace_minutes: Mapped[int] = mapped_column(default=0)
    timezone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    status: Mapped[str] = mapped_column(sa.String(20), default="scheduled")
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class Task(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "tasks"
    __table_args__ = (
        check_in("status", TASK_STATUSES, "status"),
        check_in("priority", TASK_PRIORITIES, "priority"),
        sa.CheckConstraint(
            "progress_percent >= 0 AND progress_percent <= 100", name="progress_range"
        ),
    )

    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    type: Mapped[str] = mapped_column(sa.String(50), default="general")
    category: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    priority: Mapped[str] = mapped_column(sa.String(10), default="medium")
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    progress_percent: Mapped[int] = mapped_column(default=0)
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
    assigned_by: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None
    )
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("departments.id"), default=None
    )
    # The customers table arrives with the CRM domain; the key is kept from day one.
    customer_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    parent_task_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("tasks.id"), default=None, index=True
    )
    geofence_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("geofences.id"), default=None
    )
    estimated_hours: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2), default=None)
    start_date: Mapped[date | None] = mapped_column(default=None)
    due_date: Mapped[date | None] = mapped_column(default=None, index=True)
    completed_date: Mapped[date | None] = mapped_column(default=None)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
