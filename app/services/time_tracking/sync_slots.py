"""One large offline batch at a time per organization (issue 19, item 3).

A `POST /clock/sync` batch is applied punch by punch (each stands or falls alone, in its own
savepoint), so a batch of 500 holds a worker process for seconds. The rate limits bound how
many punches a user and an organization may send per window; this bounds how many worker
processes one organization's large batches may hold at the same moment: one. A batch of more
than `LARGE_BATCH` punches takes the organization's slot, a PostgreSQL advisory lock held until
its transaction ends; when another large batch of the organization holds it, the request is
429 RATE_LIMITED at once (nothing applied) and the phone retries after `Retry-After`. Small
batches, the everyday case of a phone that was offline for a while, never wait for it.

SQLite (the embedded default) has no advisory locks and serialises its writers anyway: there
the slot is always free.
"""

from __future__ import annotations

import hashlib
import uuid

import sqlalchemy as sa

from app.errors import DomainError
from app.extensions import db

LARGE_BATCH = 50
RETRY_AFTER_SECONDS = 5


class SyncSlotBusy(DomainError):
    status, code = 429, "RATE_LIMITED"
    default_message = (
        "Another large sync batch of your organization is being applied; "
        "send this one again after Retry-After seconds (nothing of it was applied)."
    )


def _lock_key(organization_id: uuid.UUID) -> int:
    """A signed 64-bit key of its own for this organization's sync slot."""
    digest = hashlib.blake2b(b"sync-slot:" + organization_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def claim(organization_id: uuid.UUID, punches: int) -> None:
    """Take the organization's slot for a large batch (until the transaction ends), or raise
    SyncSlotBusy."""
    if punches <= LARGE_BATCH or db.session.get_bind().dialect.name != "postgresql":
        return
    taken = db.session.scalar(
        sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(organization_id)))
    )
    if not taken:
        raise SyncSlotBusy(details={"retry_after_seconds": RETRY_AFTER_SECONDS})
