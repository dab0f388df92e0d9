"""Periodic jobs as data, run by RQ's own scheduler (the worker's `--with-scheduler`).

RQ 3.0's scheduler (`RQScheduler`, started by `Worker.work(with_scheduler=True)`, one per queue
cluster-wide thanks to its Redis locks) moves jobs from each queue's `ScheduledJobRegistry` to
the queue when they are due; it has no notion of repetition. (`rq cron` is a separate, beta
process whose schedule lives in each process's memory, so two of them enqueue twice.) So a
periodic job here is a chain of scheduled jobs:

- each `Periodic` runs at the multiples of `every` since the Unix epoch (UTC), in slots;
- the job for a slot has a deterministic id, `periodic-<name>-<slot>`, and is scheduled with
  `enqueue_at(..., unique=True)`: registering the same slot twice (two workers starting, the
  relay re-registering every minute) is refused by RQ atomically, so there is never a duplicate;
- when a slot's job runs, it first schedules the next slot, then does its work, so a failing
  run does not break the chain; `register_periodic_jobs` (at worker start and on every outbox
  relay) re-creates a chain that was lost anyway (Redis flushed, worker down for long).
Missed slots are not replayed: each periodic job does "everything due now", not "one slot's
worth".
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from rq.exceptions import DuplicateJobError

from app import jobs

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Periodic:
    name: str
    target: str  # dotted path of a job function taking no arguments
    every: timedelta
    queue: str = "default"


PERIODIC_JOBS: tuple[Periodic, ...] = (
    # Every 15 s: a job requested while Redis was down runs within 30 s of its return.
    Periodic("outbox-relay", "app.jobs.outbox.relay", timedelta(seconds=15)),
    Periodic(
        "open-entry-alerts", "app.jobs.overtime.scan_open_entries", timedelta(minutes=15), "alerts"
    ),
    Periodic("weekly-summaries", "app.jobs.summaries.close_weeks", timedelta(hours=1)),
    Periodic("purge", "app.jobs.maintenance.purge", timedelta(days=1)),
)


def by_name(name: str) -> Periodic:
    for periodic in PERIODIC_JOBS:
        if periodic.name == name:
            return periodic
    raise KeyError(f"no periodic job {name!r}")


def next_slot(every: timedelta, now: datetime) -> datetime:
    """The first multiple of `every` since the epoch strictly after `now`."""
    elapsed = now - EPOCH
    return EPOCH + (elapsed // every + 1) * every


def slot_job_id(periodic: Periodic, slot: datetime) -> str:
    return f"periodic-{periodic.name}-{slot.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def schedule_next(
    periodic: Periodic, now: datetime | None = None, connection: redis.Redis | None = None
) -> str | None:
    """Schedule the run after `now`; None when that slot was scheduled already."""
    slot = next_slot(periodic.every, now or datetime.now(UTC))
    job_id = slot_job_id(periodic, slot)
    spec = jobs.JobSpec(
        periodic.queue,
        timeout=jobs.PERIODIC.timeout,
        result_ttl=min(jobs.PERIODIC.result_ttl, int(periodic.every.total_seconds()) * 2),
        failure_ttl=jobs.PERIODIC.failure_ttl,
    )
    try:
        jobs.enqueue(
            run_periodic,
            periodic.name,
            spec=spec,
            job_id=job_id,
            meta={"periodic": periodic.name},
            at=slot,
            unique=True,
            connection=connection,
        )
    except DuplicateJobError:
        return None
    return job_id


def register_periodic_jobs(
    now: datetime | None = None, connection: redis.Redis | None = None
) -> list[str]:
    """Make sure every periodic job has its next run scheduled (idempotent)."""
    return [
        job_id
        for periodic in PERIODIC_JOBS
        if (job_id := schedule_next(periodic, now, connection)) is not None
    ]


def _resolve(target: str) -> Callable[[], Any]:
    module, _, name = target.rpartition(".")
    func: Callable[[], Any] = getattr(importlib.import_module(module), name)
    return func


@jobs.job
def run_periodic(name: str) -> Any:
    """One run of a periodic job: chain the next run first, then do the work."""
    periodic = by_name(name)
    try:
        schedule_next(periodic)
    except redis.RedisError as exc:  # the relay re-registers within a minute
        log.warning("periodic %s: next run not scheduled: %s", name, exc)
    return _resolve(periodic.target)()
