"""What `GET /jobs/{id}` and `/readyz` say about RQ: a job's state, and the workers' heartbeat.

A job is visible only to its own organization: every job enqueued on a tenant's behalf carries
`organization_id` in its `meta`; any other job (periodic, another tenant's, unknown or expired)
is a 404, indistinguishable from a missing one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from rq import Worker

from app import jobs
from app.errors import NotFound, ServiceUnavailable
from app.extensions import db
from app.models import OutboxMessage, User

# RQ's maintenance (10 minutes by default) is what retries a job whose worker was killed (once
# its heartbeat has expired) and restarts a scheduler that died with a Redis outage: so an
# export whose worker was SIGKILLed stayed `running`, and scheduled jobs (the outbox relay) did
# not run, for up to 10 minutes. `flask worker` runs it every 15 s instead (`app.jobs.worker`:
# a killed worker's job is retried within a minute); and an idle worker blocks on its queues
# for worker_ttl - 15 s before it looks again, so that is 15 s too. The one worker TTL:
# `flask worker` starts its workers with it, and /readyz judges their heartbeats by it.
WORKER_MAINTENANCE_INTERVAL = 15
WORKER_TTL = WORKER_MAINTENANCE_INTERVAL + 15
# An idle RQ worker refreshes its heartbeat once per dequeue timeout (its TTL minus 15 s), a
# busy one more often; RQ itself lets a worker's key expire WORKER_TTL + 60 s after the last
# heartbeat, and so does /readyz.
HEARTBEAT_STALE_AFTER = timedelta(seconds=WORKER_TTL + 60)


def _still_in_outbox(actor: User, job_id: str) -> dict[str, Any] | None:
    """A job requested but not handed to RQ yet (Redis was down): it is queued, durably."""
    message = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.job_id == job_id,
            OutboxMessage.organization_id == actor.organization_id,
            OutboxMessage.processed_at.is_(None),
        )
    ).first()
    if message is None:
        return None
    return {
        "id": job_id,
        "status": "queued",
        "progress": 0,
        "result": None,
        "error": None,
        "enqueued_at": message.created_at,
        "started_at": None,
        "ended_at": None,
    }


def job_status(actor: User, job_id: str) -> dict[str, Any]:
    """The job's status, progress (0-100), result or error, and its timestamps."""
    try:
        found = jobs.fetch_job(job_id)
        if found is not None and found.meta.get("organization_id") != str(actor.organization_id):
            found = None
        if found is not None:
            status = str(found.get_status(refresh=False).value)
            result = found.return_value() if status == "finished" else None
    except redis.RedisError as exc:
        pending = _still_in_outbox(actor, job_id)
        if pending is None:
            raise ServiceUnavailable("The job queue is unavailable; retry shortly.") from exc
        return pending
    if found is None:
        pending = _still_in_outbox(actor, job_id)
        if pending is None:
            raise NotFound("No such job.")
        return pending
    # A finished job is done whatever its last progress report said (an export reports 90
    # before its final commit and never again).
    progress = 100 if status == "finished" else found.meta.get("progress", 0)
    error = None
    if status in ("failed", "stopped", "canceled"):
        error = found.meta.get("error") or f"The job {status}."
    return {
        "id": found.id,
        "status": status,
        "progress": progress,
        "result": result,
        "error": error,
        "enqueued_at": found.enqueued_at,
        "started_at": found.started_at,
        "ended_at": found.ended_at,
    }


def worker_state(now: datetime | None = None) -> str:
    """`ok` when some worker sent a heartbeat recently, else why not (never raises)."""
    try:
        workers = Worker.all(connection=jobs.redis_connection())
    except Exception as exc:
        return f"unknown: {type(exc).__name__}"
    now = now or datetime.now(UTC)
    fresh = [
        w
        for w in workers
        if w.last_heartbeat is not None
        and now - w.last_heartbeat.replace(tzinfo=w.last_heartbeat.tzinfo or UTC)
        <= HEARTBEAT_STALE_AFTER
    ]
    if fresh:
        return "ok"
    return f"none: no worker heartbeat in {int(HEARTBEAT_STALE_AFTER.total_seconds())} s"
