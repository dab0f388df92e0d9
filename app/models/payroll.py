"""Payroll: weekly summaries (computed by the workers, upserted) and payroll export runs."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    JSONType,
    Money,
    TenantScoped,
    Timestamps,
    UUIDPk,
    WorkspaceScoped,
    check_in,
    utcnow,
)

EXPORT_FORMATS = ("csv", "adp", "gusto", "quickbooks_iif", "xlsx")
EXPORT_STATUSES = ("queued", "running", "succeeded", "failed", "confirmed")


class TimeSummaryWeekly(UUIDPk, TenantScoped, Base):
    """One employee's workweek, allocated by the overtime engine; one row per employee and week,
    rewritten in place (upsert) every time the week is computed."""

    __tablename__ = "time_summary_weekly"
    __audited__ = False  # derived data, rewritten in bulk by the workers
    __table_args__ = (
        sa.UniqueConstraint("employee_id", "week_start"),
        sa.Index("ix_time_summary_weekly_org_week", "organization_id", "week_start"),
        # One check per inserted row instead of two (employee, organization): a first run
        # inserts every row of a week, and each check is ~4 µs a row.
        sa.ForeignKeyConstraint(
            ["organization_id", "employee_id"],
            ["employees.organization_id", "employees.id"],
            name="fk_time_summary_weekly_organization_id_employee_id_employees",
        ),
    )

    # Not TenantScoped's column: no index of its own (ix_..._org_week leads with it) and no
    # foreign key of its own (the composite one above implies it).
    organization_id: Mapped[uuid.UUID] = mapped_column()
    employee_id: Mapped[uuid.UUID] = mapped_column()
    week_start: Mapped[date] = mapped_column()
    regular_seconds: Mapped[int] = mapped_column(default=0)
    overtime_seconds: Mapped[int] = mapped_column(default=0)
    double_time_seconds: Mapped[int] = mapped_column(default=0)
    break_seconds: Mapped[int] = mapped_column(default=0)
    worked_seconds: Mapped[int] = mapped_column(default=0)
    hourly_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    regular_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    overtime_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    double_time_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gross_pay: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    entries: Mapped[int] = mapped_column(default=0)
    flagged_entries: Mapped[int] = mapped_column(default=0)
    approved: Mapped[bool] = mapped_column(default=False)  # every entry approved (or later)
    # When the row last changed (a recompute that finds the same numbers does not rewrite it).
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PayrollExport(UUIDPk, WorkspaceScoped, Timestamps, Base):
    """One payroll export run: the request, the job's progress and the file it produced."""

    __tablename__ = "payroll_exports"
    __table_args__ = (
        check_in("format", EXPORT_FORMATS, "format"),
        check_in("status", EXPORT_STATUSES, "status"),
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
        sa.Index("ix_payroll_exports_org_created_at", "organization_id", "created_at"),
    )

    requested_by: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    format: Mapped[str] = mapped_column(sa.String(20))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    job_id: Mapped[str] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    file_name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    media_type: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    file_path: Mapped[str | None] = mapped_column(sa.String(500), default=None)  # in EXPORT_DIR
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    row_count: Mapped[int | None] = mapped_column(default=None)
    entry_count: Mapped[int | None] = mapped_column(default=None)
    totals: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    excluded: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    confirmed_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
