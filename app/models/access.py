"""Access and configuration tables beside identity: roles and permissions (informational: the
RBAC that decides is `app.security`'s table), feature flags and seed 002's app settings."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, TenantRow, WorkspaceRow, choice, live_unique

APP_SETTING_TYPES = ("string", "number", "boolean", "object", "array")


class Role(TenantRow, Base):
    """A role as the organization describes it (name, the permission codes it documents)."""

    __tablename__ = "roles"
    __table_args__ = (live_unique("roles", "organization_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(50))
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    is_system: Mapped[bool] = mapped_column(default=False)
    permissions: Mapped[list[str]] = mapped_column(JSONType, default=list)


class Permission(TenantRow, Base):
    """A permission code (`sales:write`) with its label and the module it belongs to."""

    __tablename__ = "permissions"
    __table_args__ = (live_unique("permissions", "organization_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    module: Mapped[str | None] = mapped_column(sa.String(50), default=None, index=True)


class FeatureFlag(TenantRow, Base):
    """A switch for a gradual rollout: on or off, for a share of users, under conditions."""

    __tablename__ = "feature_flags"
    __table_args__ = (
        live_unique("feature_flags", "organization_id", "key"),
        sa.CheckConstraint(
            "rollout_percentage >= 0 AND rollout_percentage <= 100", name="rollout_percentage"
        ),
    )

    key: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    is_enabled: Mapped[bool] = mapped_column(default=False)
    rollout_percentage: Mapped[int] = mapped_column(default=100)
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AppSetting(WorkspaceRow, Base):
    """Seed 002's `app_settings`: a JSON value per key and workspace. A secret's value is never
    shown (the resource masks it); a read-only one cannot be changed through the API."""

    __tablename__ = "app_settings"
    __table_args__ = (live_unique("app_settings", "organization_id", "workspace_id", "key"),)

    key: Mapped[str] = mapped_column(sa.String(255))
    category: Mapped[str] = mapped_column(sa.String(100), default="general", index=True)
    value: Mapped[Any] = mapped_column(JSONType)
    data_type: Mapped[str] = mapped_column(
        choice(*APP_SETTING_TYPES, name="data_type"), default="string"
    )
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    is_secret: Mapped[bool] = mapped_column(default=False)
    is_readonly: Mapped[bool] = mapped_column(default=False)
    validation_rules: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(default=None, info={"read_only": True})
