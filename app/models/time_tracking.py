"""Worked time: time entries, their breaks, and the append-only log of every punch received."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    CreatedBy,
    JSONType,
    SoftDelete,
    TenantScoped,
    Timestamps,
    UUIDPk,
    WorkspaceScoped,
    check_in,
    utcnow,
)

ENTRY_STATUSES = ("draft", "open", "submitted", "approved", "rejected", "exported", "paid")
LOCKED_STATUSES = ("approved", "exported", "paid")
ENTRY_SOURCES = ("clock", "sync", "manual", "import")
PUNCH_TYPES = ("in", "out", "break_start", "break_end", "switch_task")
PUNCH_DECISIONS = ("accepted", "rejected", "duplicate")


class TimeEntry(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "time_entries"
    __table_args__ = (
        check_in("status", ENTRY_STATUSES, "status"),
        check_in("source", ENTRY_SOURCES, "source"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        # Exactly one open entry per employee, ever: the database decides races between
        # concurrent clock-ins, not the application.
        sa.Index(
            "uq_time_entries_one_open_per_employee",
            "employee_id",
            unique=True,
            postgresql_where=sa.text("status = 'open' AND deleted_at IS NULL"),
            sqlite_where=sa.text("status = 'open' AND deleted_at IS NULL"),
        ),
        sa.Index("ix_time_entries_employee_started_at", "employee_id", "started_at"),
        sa.Index("ix_time_entries_org_status", "organization_id", "status"),
        # A period's entries (summaries, exports, alerts) are found by when they end: every
        # entry overlapping [start, end) ends after `start`, so months of history are skipped
        # whatever the entries' length, open entries (NULL) included.
        sa.Index("ix_time_entries_org_paid_ended_at", "organization_id", "paid_ended_at"),
        # ...and by when they start: a period's entries are those starting before its end, so
        # with years of history the two ranges together bound the period from both sides.
        sa.Index("ix_time_entries_org_paid_started_at", "organization_id", "paid_started_at"),
    )

    # The composite indexes above lead with it, so it has no index of its own.
    organization_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organizations.id"))

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("employees.id"))
    entry_date: Mapped[date] = mapped_column()  # local date of started_at (site/employee tz)
    started_at: Mapped[datetime] = mapped_column()  # the punch as received, never rounded
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    paid_started_at: Mapped[datetime] = mapped_column()  # after the rounding rule
    paid_ended_at: Mapped[datetime | None] = mapped_column(default=None)
    duration_seconds: Mapped[int] = mapped_column(default=0)  # paid span
    break_seconds: Mapped[int] = mapped_column(default=0)  # unpaid break, punched or automatic
    auto_break_seconds: Mapped[int] = mapped_column(default=0)  # the automatic part of it
    worked_seconds: Mapped[int] = mapped_column(default=0)  # duration minus unpaid break
    status: Mapped[str] = mapped_column(sa.String(20), default="open")
    source: Mapped[str] = mapped_column(sa.String(20), default="clock")
    task_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("tasks.id"), default=None, index=True
    )
    shift_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("shifts.id"), default=None, index=True
    )
    geofence_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("geofences.id"), default=None
    )
    customer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # The sales order this time is billed on (its labour lines: app.services.sales.labour).
    sales_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_orders.id"), default=None, index=True
    )
    # No foreign key, like customer_id: there is no projects table (yet).
    project_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    clock_in_geo: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    clock_out_geo: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    note: Mapped[str | None] = mapped_column(sa.Text, default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)  # the work done
    is_billable: Mapped[bool] = mapped_column(default=True)
    # What the customer is billed per hour, not the employee's pay rate.
    hourly_rate: Mapped[Decimal] = mapped_column(
        sa.Numeric(8, 2), default=Decimal("0"), server_default="0"
    )
    # Computed by the database from exact seconds (rounded half-up at the cent on both backends);
    # 3600.0, not 3600: SQLite stores a whole rate as an integer and would divide in integers.
    billable_amount: Mapped[Decimal] = mapped_column(
        sa.Numeric(10, 2),
        sa.Computed(
            "CASE WHEN is_billable THEN round(worked_seconds * hourly_rate / 3600.0, 2) ELSE 0 END",
            persisted=True,
        ),
    )
    approved_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # The export that carried the entry to payroll (status `exported`, then `paid`).
    payroll_export_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("payroll_exports.id"), default=None, index=True
    )


class Break(UUIDPk, TenantScoped, Timestamps, Base):
    __tablename__ = "breaks"
    __table_args__ = (
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        sa.Index(
            "uq_breaks_one_open_per_entry",
            "time_entry_id",
            unique=True,
            postgresql_where=sa.text("ended_at IS NULL"),
            sqlite_where=sa.text("ended_at IS NULL"),
        ),
    )

    time_entry_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("time_entries.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("employees.id"))
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    paid: Mapped[bool] = mapped_column(default=False)


class ClockEvent(UUIDPk, WorkspaceScoped, Base):
    """Every punch the server received, accepted or rejected; rows are never updated or deleted."""

    __tablename__ = "clock_events"
    __audited__ = False  # it is an audit log of its own
    __table_args__ = (
        check_in("type", PUNCH_TYPES, "type"),
        check_in("decision", PUNCH_DECISIONS, "decision"),
        sa.Index("ix_clock_events_employee_occurred_at", "employee_id", "occurred_at"),
        sa.Index("ix_clock_events_employee_client_id", "employee_id", "client_id"),
        # An offline punch (client_id) is applied at most once, even when two sync batches
        # carrying it race each other.
        sa.Index(
            "uq_clock_events_accepted_client_id",
            "employee_id",
            "client_id",
            unique=True,
            postgresql_where=sa.text("decision = 'accepted' AND client_id IS NOT NULL"),
            sqlite_where=sa.text("decision = 'accepted' AND client_id IS NOT NULL"),
        ),
        sa.Index("ix_clock_events_org_received_at", "organization_id", "received_at"),
    )

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("employees.id"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    # Null only for a punch of a batch that could not be read (then `reason` is VALIDATION_ERROR
    # and `payload` holds what was sent).
    type: Mapped[str | None] = mapped_column(sa.String(20))
    client_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    occurred_at: Mapped[datetime | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    lat: Mapped[float | None] = mapped_column(sa.Float, default=None)
    lon: Mapped[float | None] = mapped_column(sa.Float, default=None)
    accuracy_m: Mapped[float | None] = mapped_column(sa.Float, default=None)
    device_id: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    mock_location: Mapped[bool] = mapped_column(default=False)
    source: Mapped[str] = mapped_column(sa.String(20), default="clock")
    payload: Mapped[dict[str, Any]] = mapped_column()  # what the device sent, as sent
    decision: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.String(64), default=None)  # error code
    geofence_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    geofence_result: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    distance_m: Mapped[float | None] = mapped_column(sa.Float, default=None)
    flags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    time_entry_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
