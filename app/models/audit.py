"""The audit trail (who changed what, from where) and stored idempotent responses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, TenantRow, UUIDPk, choice, utcnow

AUDIT_ACTIONS = ("CREATE", "UPDATE", "DELETE", "LOGIN", "LOGOUT", "EXPORT", "IMPORT")


class AuditLog(UUIDPk, Base):
    __tablename__ = "audit_logs"
    __audited__ = False
    __table_args__ = (
        sa.CheckConstraint(
            "action IN (" + ", ".join(f"'{a}'" for a in AUDIT_ACTIONS) + ")", name="action"
        ),
        sa.Index("ix_audit_logs_entity", "entity_type", "entity_id"),
        sa.Index("ix_audit_logs_org_timestamp", "organization_id", "timestamp"),
    )

    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("organizations.id"), default=None
    )
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("workspaces.id"), default=None
    )
    entity_type: Mapped[str] = mapped_column(sa.String(100))
    entity_id: Mapped[uuid.UUID] = mapped_column()
    action: Mapped[str] = mapped_column(sa.String(50))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None, index=True
    )
    user_email: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    session_id: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45), default=None)
    user_agent: Mapped[str | None] = mapped_column(sa.Text, default=None)
    request_path: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    http_method: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    old_values: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    new_values: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    changes: Mapped[list[str] | None] = mapped_column(JSONType, default=None)
    source: Mapped[str] = mapped_column(sa.String(50), default="api")
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyKey(UUIDPk, Base):
    """A client's `Idempotency-Key` and the first response it got, replayed for 72 hours."""

    __tablename__ = "idempotency_keys"
    __audited__ = False
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    organization_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organizations.id"))
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(255))
    method: Mapped[str] = mapped_column(sa.String(10))
    path: Mapped[str] = mapped_column(sa.String(500))
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    response_status: Mapped[int | None] = mapped_column(default=None)
    # The exact bytes answered (as text): a replay must be byte-identical, which JSONB's
    # key reordering would not give.
    response_body: Mapped[str | None] = mapped_column(sa.Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


LOG_LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "FATAL")


class SystemLog(TenantRow, Base):
    """An application log line kept for a tenant's administrators (seed 002's `system_logs`):
    written by the system, read-only through the API, never audited again. Lines that belong to
    no organization go to the process log, not here."""

    __tablename__ = "system_logs"
    __audited__ = False

    level: Mapped[str] = mapped_column(choice(*LOG_LEVELS, name="level"), index=True)
    message: Mapped[str] = mapped_column(sa.Text)
    logger_name: Mapped[str | None] = mapped_column(sa.String(255), default=None, index=True)
    workspace_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("workspaces.id"), default=None
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id"), default=None, index=True
    )
    session_id: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    request_id: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    error_code: Mapped[str | None] = mapped_column(sa.String(50), default=None, index=True)
    stack_trace: Mapped[str | None] = mapped_column(sa.Text, default=None)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    duration_ms: Mapped[int | None] = mapped_column(default=None)
