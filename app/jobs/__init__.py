"""RQ job functions: thin, idempotent wrappers over services; arguments are ids.

This module holds what every job shares and imports no job module (so that services can name
jobs without import cycles):

- `QUEUES`: `alerts` (fast), `default`, `exports` (slow); a worker listens to all three, in
  that order, unless told otherwise.
- `JobSpec` and the specs per purpose: every job is enqueued with an explicit `job_timeout`,
  `result_ttl`, `failure_ttl` and `Retry` (RQ's defaults are never relied upon).
- `enqueue`: the one helper that binds the Redis connection and a spec (Redash's `worker.py`).
- `job`: the decorator every job function wears: it runs the function inside an app context
  (the worker command already has one; a bare `rq worker` gets one made), audits its writes as
  the worker, and records a failure's message in `job.meta` for `GET /jobs/{id}`.
- `report_progress`: a running job's progress (0-100) in `job.meta`.

The job modules: `app.jobs.outbox` (the relay), `app.jobs.overtime` (alerts and webhooks),
`app.jobs.summaries`, `app.jobs.exports`, `app.jobs.imports` (inventory CSV imports, on
the `exports` queue), `app.jobs.maintenance`, and `app.jobs.periodic`
(periodic jobs as data, scheduled with RQ's own scheduler).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

import redis
from flask import Flask, g, has_app_context
from redis.backoff import NoBackoff
from redis.retry import Retry as RedisRetry
from rq import Queue, Retry
from rq.job import Job, JobStatus, get_current_job

QUEUES = ("alerts", "default", "exports")
# Statuses in which a job will still run (or is running): enqueueing it again is a duplicate.
LIVE_STATUSES = frozenset(
    {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
)
ERROR_META_LIMIT = 500
IMPATIENT_TIMEOUT = 0.5  # seconds
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")  # what RQ accepts as a job id

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class JobSpec:
    """How a kind of job is enqueued: its queue, limits and retries (intervals in seconds)."""

    queue: str
    timeout: int
    result_ttl: int
    failure_ttl: int
    retry_intervals: tuple[int, ...] = ()

    def retry(self) -> Retry | None:
        if not self.retry_intervals:
            return None
        return Retry(max=len(self.retry_intervals), interval=list(self.retry_intervals))


DAY = 24 * 3600
# Alert checks are quick and coalesced; a failed one is redone by the next outbox relay anyway.
ALERTS = JobSpec(
    "alerts", timeout=120, result_ttl=3600, failure_ttl=7 * DAY, retry_intervals=(5, 30)
)
DEFAULT = JobSpec(
    "default", timeout=600, result_ttl=DAY, failure_ttl=7 * DAY, retry_intervals=(10, 60, 300)
)
# Exports keep their result for a month: the payroll clerk looks at it days later.
EXPORTS = JobSpec(
    "exports", timeout=1800, result_ttl=30 * DAY, failure_ttl=30 * DAY, retry_intervals=(5, 30, 120)
)
# Webhooks back off over about two hours before giving up.
WEBHOOKS = JobSpec(
    "default",
    timeout=60,
    result_ttl=DAY,
    failure_ttl=7 * DAY,
    retry_intervals=(10, 60, 300, 1800, 3600),
)
# Periodic jobs are not retried: the next run does the same work.
PERIODIC = JobSpec("default", timeout=600, result_ttl=3600, failure_ttl=7 * DAY)


def redis_connection() -> redis.Redis:
    from app.extensions import get_redis

    return get_redis()


def impatient_connection() -> redis.Redis:
    """The app's Redis without retries and with short timeouts, for the after-commit kick: a
    punch must not wait on a dead Redis (redis-py retries with backoff by default), and the
    outbox relay catches up anyway."""
    from flask import current_app

    base = redis_connection()
    cached = current_app.extensions.get("fieldclock_redis_impatient")
    if cached is None or cached[0] is not base:
        pool = base.connection_pool
        kwargs = {
            **pool.connection_kwargs,
            "retry": RedisRetry(NoBackoff(), 0),
            "socket_timeout": IMPATIENT_TIMEOUT,
            "socket_connect_timeout": IMPATIENT_TIMEOUT,
        }
        quick = redis.Redis(
            connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs)
        )
        cached = current_app.extensions["fieldclock_redis_impatient"] = (base, quick)
    return cached[1]


def enqueue(
    func: Callable[..., Any] | str,
    *args: Any,
    spec: JobSpec,
    job_id: str | None = None,
    meta: dict[str, Any] | None = None,
    at: datetime | None = None,
    unique: bool = False,
    connection: redis.Redis | None = None,
) -> Job:
    """Enqueue `func(*args)` (ids only) with `spec`; at `at` through RQ's scheduler if given.

    `unique=True` makes RQ refuse (DuplicateJobError) a `job_id` that exists already.
    """
    queue = Queue(spec.queue, connection=connection or redis_connection())
    options: dict[str, Any] = {
        "args": args,
        "job_timeout": spec.timeout,
        "result_ttl": spec.result_ttl,
        "failure_ttl": spec.failure_ttl,
        "retry": spec.retry(),
        "job_id": job_id,
        "meta": meta or {},
        "unique": unique,
    }
    target: Any = func  # RQ takes a function or its dotted path
    if at is not None:
        return queue.enqueue_at(at, target, **options)
    return queue.enqueue(target, **options)


def fetch_job(job_id: str, connection: redis.Redis | None = None) -> Job | None:
    """The job, or None when Redis does not know it (never enqueued, expired, or not an id)."""
    from rq.exceptions import NoSuchJobError

    if not JOB_ID.fullmatch(job_id):
        return None
    try:
        return Job.fetch(job_id, connection=connection or redis_connection())
    except NoSuchJobError:
        return None


def is_live(job: Job | None) -> bool:
    return job is not None and job.get_status(refresh=False) in LIVE_STATUSES


def report_progress(percent: int, **extra: Any) -> None:
    """Record a running job's progress (0-100) and any extra facts in its `meta`."""
    current = get_current_job()
    if current is None:
        return
    current.meta["progress"] = max(0, min(100, int(percent)))
    current.meta.update(extra)
    current.save_meta()


def run_or_mark_failed(
    run: Callable[..., str], mark_failed: Callable[[Any, str], Any], key: Any
) -> str:
    """A document job's work (`run(key, progress=...)`): on the last attempt an error is
    written on the document (`mark_failed`) before RQ records the failure, so that the
    document never stays `running` for ever; earlier attempts are retried as they are."""
    from app.extensions import db

    try:
        return run(key, progress=report_progress)
    except Exception as exc:
        db.session.rollback()
        current = get_current_job()
        if current is None or not current.retries_left:
            mark_failed(key, f"{type(exc).__name__}: {exc}")
        raise


_worker_app: Flask | None = None


def _app_for_job() -> Flask:
    """The app a job runs in when the worker did not provide one (`rq worker` alone)."""
    global _worker_app
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def _run(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    from app.extensions import db
    from app.services import audit

    audit.set_context(audit.AuditContext(source="worker", request_path=func.__qualname__))
    try:
        return func(*args, **kwargs)
    except Exception as exc:
        db.session.rollback()
        current = get_current_job()
        if current is not None:
            current.meta["error"] = f"{type(exc).__name__}: {exc}"[:ERROR_META_LIMIT]
            current.save_meta()
        raise
    finally:
        g.pop("audit_context", None)


def job(func: Callable[P, R]) -> Callable[P, R]:
    """Make `func` a job: it runs inside an app context, audited as the worker."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():
            return _run(func, *args, **kwargs)
        with _app_for_job().app_context():
            return _run(func, *args, **kwargs)

    return wrapper
