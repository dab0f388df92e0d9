"""Stored first responses for `Idempotency-Key` (API.md): claim, look up, store, expire.

The view decorator that applies this to an endpoint is `app.blueprints.idempotency.idempotent`.
Keys live in the database (not Redis) so they survive a Redis outage and a restart.

A claim is inserted in the request's transaction and its response is written in that same
transaction, so other requests only ever see a key together with its response and the work it
answers for. A key without a response that others can see was left by the code before that
(which committed the work and the claim first and the response in a second commit, so a crash
in between kept the work and lost the answer). After `ABANDONED_AFTER` such a claim is taken
over: the retry runs the request again, and the view's own rules answer for the work already
done (a second clock-in is 409 ALREADY_CLOCKED_IN, a punch with a `client_id` already seen is
DUPLICATE_PUNCH, a manual entry over the first is 409 ENTRY_OVERLAP; a payroll export is queued
a second time); that answer is stored for the key. A younger one is waited for as before.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import IdempotencyKey, User
from app.models.base import utcnow

KEEP_FOR = timedelta(hours=72)
WAIT_FOR_FIRST = 15.0  # seconds a duplicate waits for the first request to finish
POLL_EVERY = 0.05
# A claim without a response can only be seen if it was left by a request that died between
# its two commits before the response was written in the request's own transaction; after
# this long (more than any request lasts) nobody is coming back to it.
ABANDONED_AFTER = timedelta(minutes=1)


class RequestInProgress(Conflict):
    code = "IDEMPOTENCY_IN_PROGRESS"
    default_message = "A request with this Idempotency-Key is still being processed; retry."


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


def _outlived(row: IdempotencyKey, now: datetime) -> bool:
    """Expired, or a claim abandoned without a response (see the module docstring)."""
    if row.expires_at <= now:
        return True
    return row.response_status is None and row.created_at <= now - ABANDONED_AFTER


def claim(user: User, key: str, method: str, path: str, digest: str) -> StoredResponse | None:
    """Reserve the key for this request inside the caller's transaction, or return the first
    response given to it. A duplicate arriving while the first is still running waits for it
    (the INSERT itself blocks until the first transaction ends, which then holds the response
    if it committed, or nothing if it rolled back, and then this request goes ahead)."""
    now = utcnow()
    row = _find(user, key)
    if row is not None and _outlived(row, now):
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
    raise RequestInProgress()


def store(user: User, key: str, status: int, body: str) -> None:
    """Write the response on this transaction's claim; the caller commits it with the work.
    (A failure on our side, 5xx, stores nothing: rolling the transaction back drops the claim
    with the work, so a retry runs again.)"""
    result = db.session.execute(
        sa.update(IdempotencyKey)
        .where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
        .values(response_status=status, response_body=body)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise RuntimeError(f"no Idempotency-Key claim {key!r} in this transaction")


def purge_expired() -> int:
    """Delete keys past their 72 hours (a periodic job calls this)."""
    result = db.session.execute(
        sa.delete(IdempotencyKey).where(IdempotencyKey.expires_at <= utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
