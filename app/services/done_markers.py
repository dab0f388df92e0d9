"""Durable "done" markers of periodic work (a workweek closed): outbox rows born processed,
written in the transaction that did the work, so a rerun knows what is done. The relay never
sees them; `outbox.purge_processed` keeps the topics of `outbox.KEPT_TOPICS`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from app.models.base import utcnow


def record_done(
    topic: str, organization_id: uuid.UUID, key: str, now: datetime | None = None
) -> None:
    """A message born processed: the durable note that periodic work `key` (at most 64
    characters) of the organization was done, in the transaction that did it. The relay never
    sees it; it is purged with the processed messages after
    `outbox.PURGE_AFTER`, unless its topic is one of `outbox.KEPT_TOPICS`."""
    now = now or utcnow()
    db.session.add(
        OutboxMessage(
            organization_id=organization_id,
            topic=topic,
            payload={},
            job_id=key,
            created_at=now,
            processed_at=now,
        )
    )


def done_keys(topic: str, organization_id: uuid.UUID, keys: Iterable[str]) -> set[str]:
    """Which of these `record_done` keys of the organization are recorded (one query)."""
    keys = list(keys)
    if not keys:
        return set()
    stmt = sa.select(OutboxMessage.job_id).where(
        OutboxMessage.topic == topic,
        OutboxMessage.organization_id == organization_id,
        OutboxMessage.job_id.in_(keys),
        OutboxMessage.processed_at.is_not(None),
    )
    return {key for key in db.session.scalars(stmt) if key is not None}


def last_done_at(topic: str, organization_id: uuid.UUID) -> datetime | None:
    """When the organization's latest `record_done` marker of the topic was written."""
    stmt = sa.select(sa.func.max(OutboxMessage.created_at)).where(
        OutboxMessage.topic == topic,
        OutboxMessage.organization_id == organization_id,
        OutboxMessage.processed_at.is_not(None),
    )
    return db.session.scalar(stmt)
