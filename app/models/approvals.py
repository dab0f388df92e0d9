"""Generic approval requests (time entries now; purchase orders, invoices, adjustments later)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, Timestamps, UUIDPk, WorkspaceScoped, check_in

APPROVAL_STATUSES = ("pending", "approved", "rejected", "cancelled")


class Approval(UUIDPk, WorkspaceScoped, Timestamps, Base):
    __tablename__ = "approvals"
    __table_args__ = (
        check_in("status", APPROVAL_STATUSES, "status"),
        sa.Index("ix_approvals_org_status", "organization_id", "status"),
        sa.Index("ix_approvals_module_entity", "module", "entity_id"),
    )

    module: Mapped[str] = mapped_column(sa.String(50))  # e.g. "time_entries", "purchase_orders"
    entity_id: Mapped[uuid.UUID] = mapped_column()
    # The employee whose work is being approved, for the manager-tree queue (None: org-wide).
    subject_employee_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
    payload_json: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    requested_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
