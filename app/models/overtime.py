"""Overtime: the policies (`/settings/overtime` and per-employee), the alerts the workers raise,
and the organization's optional alert webhook."""

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
    SoftDelete,
    TenantScoped,
    Timestamps,
    UUIDPk,
    check_in,
    utcnow,
)

OVERTIME_RULES = ("flsa", "california", "custom", "none")
ALERT_KINDS = (
    "APPROACHING_WEEKLY_OVERTIME",
    "WEEKLY_OVERTIME",
    "DAILY_OVERTIME",
    "DOUBLE_TIME",
    "SEVENTH_DAY",
    "SHORT_REST",
    "MISSED_CLOCK_OUT",
)
ALERT_PERIODS = ("workday", "workweek")
Hours = sa.Numeric(5, 2)  # 0.01 h = 36 s: two places are always a whole number of seconds


class OvertimePolicy(UUIDPk, TenantScoped, Timestamps, SoftDelete, CreatedBy, Base):
    """One overtime policy; the organization's default one is `/settings/overtime`."""

    __tablename__ = "overtime_policies"
    __table_args__ = (
        check_in("rule", OVERTIME_RULES, "rule"),
        sa.CheckConstraint("workweek_start_day BETWEEN 0 AND 6", name="workweek_start_day"),
        sa.CheckConstraint(
            "alert_threshold_percent BETWEEN 1 AND 100", name="alert_threshold_percent"
        ),
        # One live default policy per organization.
        sa.Index(
            "uq_overtime_policies_default",
            "organization_id",
            unique=True,
            postgresql_where=sa.text("is_default AND deleted_at IS NULL"),
            sqlite_where=sa.text("is_default AND deleted_at IS NULL"),
        ),
    )

    name: Mapped[str] = mapped_column(sa.String(100))
    is_default: Mapped[bool] = mapped_column(default=False)
    rule: Mapped[str] = mapped_column(sa.String(20))
    # None: the organization's timezone, whatever it is at the time of computing.
    timezone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    workweek_start_day: Mapped[int] = mapped_column(default=0)
    workday_start: Mapped[time] = mapped_column(sa.Time, default=time(0, 0))
    daily_overtime_after_hours: Mapped[Decimal | None] = mapped_column(Hours, default=None)
    daily_double_time_after_hours: Mapped[Decimal | None] = mapped_column(Hours, default=None)
    weekly_overtime_after_hours: Mapped[Decimal | None] = mapped_column(Hours, default=None)
    seventh_day_rule: Mapped[bool] = mapped_column(default=False)
    overtime_multiplier: Mapped[Decimal] = mapped_column(sa.Numeric(4, 2), default=Decimal("1.5"))
    double_time_multiplier: Mapped[Decimal] = mapped_column(
        sa.Numeric(4, 2), default=Decimal("2.0")
    )
    alert_threshold_percent: Mapped[int] = mapped_column(default=90)


class OvertimeAlert(UUIDPk, TenantScoped, Base):
    """An overtime condition found by the alert job; at most one per employee, kind and
    day/week (`period_start` is the workday, or the first day of the workweek)."""

    __tablename__ = "overtime_alerts"
    __table_args__ = (
        check_in("kind", ALERT_KINDS, "kind"),
        check_in("period", ALERT_PERIODS, "period"),
        sa.UniqueConstraint("employee_id", "kind", "period_start"),
        sa.Index("ix_overtime_alerts_org_created_at", "organization_id", "created_at"),
    )

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("employees.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    period: Mapped[str] = mapped_column(sa.String(10))
    period_start: Mapped[date] = mapped_column()
    week_start: Mapped[date] = mapped_column()
    # The quantity behind the alert (see overtime.alerts.Alert): seconds of overtime, of rest...
    seconds: Mapped[int] = mapped_column(default=0)
    time_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("time_entries.id"), default=None
    )
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None
    )
    # When the organization's webhook accepted it (None: not sent, or no webhook).
    notified_at: Mapped[datetime | None] = mapped_column(default=None)


class AlertWebhook(UUIDPk, TenantScoped, Timestamps, Base):
    """Where an organization wants its overtime alerts POSTed, signed with HMAC-SHA256."""

    __tablename__ = "alert_webhooks"
    __table_args__ = (sa.UniqueConstraint("organization_id"),)
    # The shared secret must never be copied into the audit log.
    __audit_exclude__ = frozenset({"updated_at", "secret"})

    url: Mapped[str] = mapped_column(sa.String(2000))
    secret: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
