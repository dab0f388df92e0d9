"""Background work: the transactional outbox (work requested in the same transaction as the
data that asks for it, handed to RQ after commit or by the periodic relay)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

# An integer key (not a UUID) so that a consumer can say "everything up to here is done".
OutboxId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class OutboxMessage(Base):
    """One request for background work; `processed_at` is set by the job that did it."""

    __tablename__ = "outbox_messages"
    __audited__ = False  # plumbing: the changes it leads to are audited where they happen
    __table_args__ = (
        sa.Index(
            "ix_outbox_messages_pending",
            "topic",
            "organization_id",
            "id",
            postgresql_where=sa.text("processed_at IS NULL"),
            sqlite_where=sa.text("processed_at IS NULL"),
        ),
        sa.Index("ix_outbox_messages_processed_at", "processed_at"),
        sa.Index("ix_outbox_messages_job_id", "job_id"),
    )

    id: Mapped[int] = mapped_column(OutboxId, primary_key=True, autoincrement=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organizations.id"))
    topic: Mapped[str] = mapped_column(sa.String(50))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The RQ job id of a single-job topic (deterministic: the export's id, ...); None when one
    # job per organization consumes the topic.
    job_id: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Times the relay had to enqueue it (the after-commit attempt does not count).
    relay_attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)
