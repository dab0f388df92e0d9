"""Tenants and people: organizations, workspaces, users, their sessions, departments, employees."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    CreatedBy,
    JSONType,
    Money,
    SoftDelete,
    TenantScoped,
    Timestamps,
    UUIDPk,
    WorkspaceScoped,
    check_in,
    live_unique,
)

if TYPE_CHECKING:
    from app.models.sites import EmployeeGeofence

ROLES = ("owner", "admin", "manager", "payroll", "employee")
USER_STATUSES = ("pending", "active", "inactive", "suspended")
EMPLOYEE_STATUSES = ("pending", "active", "inactive", "terminated")


class Organization(UUIDPk, Timestamps, SoftDelete, Base):
    __tablename__ = "organizations"
    __table_args__ = (
        check_in("status", ("active", "inactive", "suspended"), "status"),
        sa.Index(
            "uq_organizations_bin_live",
            "bin",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL AND bin IS NOT NULL"),
            sqlite_where=sa.text("deleted_at IS NULL AND bin IS NOT NULL"),
        ),
    )

    name: Mapped[str] = mapped_column(sa.String(255))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD")
    bin: Mapped[str | None] = mapped_column(sa.String(12), default=None)  # Kazakhstan BIN
    legal_name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    address: Mapped[str | None] = mapped_column(sa.Text, default=None)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    email: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    website: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    industry: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    tax_id: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    registration_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    # Bumped whenever one of the organization's geofences changes, so that every process can
    # tell with one cheap read whether its cached fence index is stale.
    geofence_version: Mapped[int] = mapped_column(default=0, server_default="0")


class Workspace(UUIDPk, TenantScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "workspaces"
    __table_args__ = (
        check_in("type", ("main", "division", "project", "branch"), "type"),
        check_in("status", ("active", "inactive", "archived"), "status"),
    )

    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    type: Mapped[str] = mapped_column(sa.String(50), default="main")
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, Base):
    __tablename__ = "users"
    __table_args__ = (
        check_in("role", ROLES, "role"),
        check_in("status", USER_STATUSES, "status"),
        # One live account per e-mail address across all tenants: login is by e-mail alone.
        sa.Index(
            "uq_users_email_live",
            "email",
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        ),
    )

    email: Mapped[str] = mapped_column(sa.String(255))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    first_name: Mapped[str] = mapped_column(sa.String(100), default="")
    last_name: Mapped[str] = mapped_column(sa.String(100), default="")
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    role: Mapped[str] = mapped_column(sa.String(20), default="employee")
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    last_ip: Mapped[str | None] = mapped_column(sa.String(45), default=None)
    user_agent: Mapped[str | None] = mapped_column(sa.Text, default=None)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    failed_login_window_start: Mapped[datetime | None] = mapped_column(default=None)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)

    organization: Mapped[Organization] = relationship(viewonly=True)
    employee: Mapped[Employee | None] = relationship(
        primaryjoin="and_(User.id == Employee.user_id, Employee.deleted_at.is_(None))",
        viewonly=True,
        uselist=False,
    )

    # The lockout counters change on every login attempt; they are not business data.
    __audit_exclude__ = frozenset(
        {
            "password_hash",
            "updated_at",
            "failed_login_count",
            "failed_login_window_start",
            "locked_until",
            "last_login_at",
            "last_ip",
            "user_agent",
        }
    )


class UserSession(UUIDPk, TenantScoped, Base):
    """One login: its refresh token rotates; revoking it revokes its access tokens at once."""

    __tablename__ = "user_sessions"
    __audited__ = False

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # Never served: `info["secret"]` keeps a column out of every schema, sort and filter.
    refresh_jti: Mapped[str] = mapped_column(sa.String(64), info={"secret": True})
    created_at: Mapped[datetime] = mapped_column()
    last_refreshed_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45), default=None)
    user_agent: Mapped[str | None] = mapped_column(sa.Text, default=None)


class Department(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "departments"
    __table_args__ = (live_unique("departments", "organization_id", "code"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    code: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("departments.id"), default=None, index=True
    )
    head_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id", use_alter=True), default=None
    )
    budget: Mapped[Decimal | None] = mapped_column(sa.Numeric(15, 2), default=None)
    cost_center: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Employee(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "employees"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "employee_number"),
        sa.UniqueConstraint("organization_id", "user_id"),
        # The target of rows that name an employee and their organization together
        # (`time_summary_weekly`): one foreign-key check covers both, and they cannot disagree.
        sa.Index("uq_employees_organization_id_id", "organization_id", "id", unique=True),
        check_in("status", EMPLOYEE_STATUSES, "status"),
        sa.CheckConstraint("hourly_rate >= 0", name="hourly_rate_non_negative"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("departments.id"), default=None, index=True
    )
    manager_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
    employee_number: Mapped[str] = mapped_column(sa.String(50))
    position: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    hire_date: Mapped[date | None] = mapped_column(default=None)
    termination_date: Mapped[date | None] = mapped_column(default=None)
    salary: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2), default=None)
    hourly_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    timezone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # None: the organization's default policy (`/settings/overtime`).
    overtime_policy_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("overtime_policies.id"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    permissions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    documents: Mapped[dict[str, Any]] = mapped_column(default=dict)  # IIN, passport, contracts
    emergency_contact: Mapped[dict[str, Any]] = mapped_column(default=dict)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])

    @property
    def department_name(self) -> str | None:
        """The department's name, or None: a dotted `department.name` would leave the key out."""
        return self.department.name if self.department is not None else None

    geofence_links: Mapped[list[EmployeeGeofence]] = relationship(
        "EmployeeGeofence", lazy="selectin", viewonly=True, order_by="EmployeeGeofence.geofence_id"
    )

    @property
    def geofence_ids(self) -> list[uuid.UUID]:
        return [link.geofence_id for link in self.geofence_links]
