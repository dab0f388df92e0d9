"""Stored first responses for `Idempotency-Key` (API.md): claim, look up, store, expire.

The view decorator that applies this to an endpoint is `app.blueprints.idempotency.idempotent`.
Keys live in the database (not Redis) so they survive a Redis outage and a restart.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import IdempotencyKey, User
from app.models.base import utcnow

KEEP_FOR = timedelta(hours=72)
WAIT_FOR_FIRST = 15.0  # seconds a duplicate waits for the first request to finish
POLL_EVERY = 0.05


class KeyReused(ValidationFailed):
    code = "IDEMPOTENCY_KEY_REUSED"
    default_message = "This Idempotency-Key was used with a different request body."


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str  # the JSON text exactly as first answered ("" for an empty body)


def request_hash(method: str, path: str, raw_body: bytes) -> str:
    """The same request whatever its JSON key order or whitespace."""
    try:
        canonical = json.dumps(
            json.loads(raw_body or b"null"), sort_keys=True, separators=(",", ":")
        )
    except ValueError:
        canonical = raw_body.decode("utf-8", "replace")
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def _find(user: User, key: str) -> IdempotencyKey | None:
    stmt = sa.select(IdempotencyKey).where(
        IdempotencyKey.user_id == user.id, IdempotencyKey.key == key
    )
    row: IdempotencyKey | None = db.session.scalars(stmt).first()
    return row


def _replay(row: IdempotencyKey, digest: str) -> StoredResponse | None:
    if row.request_hash != digest:
        raise KeyReused()
    if row.response_status is None:
        return None
    return StoredResponse(row.response_status, row.response_body or "")


def claim(user: User, key: str, method: str, path: str, digest: str) -> StoredResponse | None:
    """Reserve the key for this request inside the caller's transaction, or return the first
    response given to it. A duplicate arriving while the first is still running waits for it
    (on PostgreSQL the INSERT itself blocks until the first transaction ends)."""
    now = utcnow()
    row = _find(user, key)
    if row is not None and row.expires_at <= now:
        db.session.delete(row)
        db.session.flush()
        row = None
    if row is not None:
        stored = _replay(row, digest)
        if stored is not None:
            return stored
        return _wait_for_first(user, key, digest)
    try:
        with db.session.begin_nested():
            db.session.add(
                IdempotencyKey(
                    id=uuid.uuid4(),
                    organization_id=user.organization_id,
                    user_id=user.id,
                    key=key,
                    method=method,
                    path=path[:500],
                    request_hash=digest,
                    expires_at=now + KEEP_FOR,
                )
            )
    except IntegrityError:
        return _wait_for_first(user, key, digest)
    return None


def _wait_for_first(user: User, key: str, digest: str) -> StoredResponse:
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while time.monotonic() < deadline:
        db.session.rollback()  # a new snapshot, to see the first request's commit
        row = _find(user, key)
        if row is not None:
            stored = _replay(row, digest)
            if stored is not None:
                return stored
        time.sleep(POLL_EVERY)
    raise Conflict(
        "A request with this Idempotency-Key is still being processed; retry.",
        code="IDEMPOTENCY_IN_PROGRESS",
    )


def store(
    user: User, key: str, method: str, path: str, digest: str, status: int, body: str
) -> None:
    """Record the response (in its own commit, after the request's own)."""
    row = _find(user, key)
    if row is None:
        row = IdempotencyKey(
            id=uuid.uuid4(),
            organization_id=user.organization_id,
            user_id=user.id,
            key=key,
            method=method,
            path=path[:500],
            request_hash=digest,
            expires_at=utcnow() + KEEP_FOR,
        )
        db.session.add(row)
    row.response_status, row.response_body = status, body
    db.session.commit()


def release(user: User, key: str) -> None:
    """Forget a claim whose request failed on our side (5xx), so a retry runs again."""
    db.session.rollback()
    db.session.execute(
        sa.delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user.id,
            IdempotencyKey.key == key,
            IdempotencyKey.response_status.is_(None),
        )
    )
    db.session.commit()


def purge_expired() -> int:
    """Delete keys past their 72 hours (a periodic job calls this)."""
    result = db.session.execute(
        sa.delete(IdempotencyKey).where(IdempotencyKey.expires_at <= utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
