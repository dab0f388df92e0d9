"""The RQ worker `flask worker` runs: RQ's forking `Worker`, tuned so that work comes back
quickly after a fault (issue 13, item 6; bench/faults measures it).

- **A killed worker's job is retried within a minute.** A job whose worker was SIGKILLed stays
  `started` until its heartbeat expires and a worker's maintenance finds it abandoned (and
  retries it, with its `Retry`). RQ renews the heartbeat every 30 s with a TTL of 30 + 60 s and
  maintains every 10 minutes: the export of the fault bench came back after 138 s. Here: a
  heartbeat every `JOB_MONITORING_INTERVAL` s with `HEARTBEAT_GRACE` s to spare, and
  maintenance every `WORKER_MAINTENANCE_INTERVAL` s: at most 5 + 20 + 15 s, then the retry's
  own 5 s interval.
- **Redis back, work resumes within seconds.** RQ retries a lost Redis with a backoff up to
  60 s; here at most `RECONNECT_MAX_WAIT`. A Redis that restarted without its data lost the
  periodic jobs' chain (the outbox relay among them): the maintenance that follows schedules
  it again and enqueues a relay at once, so what was requested meanwhile (waiting in the
  outbox) is enqueued without waiting for the relay's next slot.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from rq import Worker
from rq.job import Job

from app import jobs
from app.jobs.periodic import register_periodic_jobs
from app.services.job_status import WORKER_MAINTENANCE_INTERVAL, WORKER_TTL

log = logging.getLogger(__name__)

JOB_MONITORING_INTERVAL = 5  # seconds between a running job's heartbeats
HEARTBEAT_GRACE = 20  # seconds a heartbeat may be late before the job counts as abandoned
RECONNECT_MAX_WAIT = 5.0  # seconds, at most, between two attempts to reach a lost Redis


class FieldclockWorker(Worker):
    max_connection_wait_time = RECONNECT_MAX_WAIT

    def __init__(self, *args: Any, periodic: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", WORKER_MAINTENANCE_INTERVAL)
        kwargs.setdefault("worker_ttl", WORKER_TTL)
        kwargs.setdefault("job_monitoring_interval", JOB_MONITORING_INTERVAL)
        super().__init__(*args, **kwargs)
        self.periodic = periodic

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        """RQ's rule (never past the job's timeout) with our grace instead of its 60 s."""
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = int(min(job.timeout - working_time, interval))
        return int(interval) + HEARTBEAT_GRACE

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        if not self.periodic:
            return
        try:
            if register_periodic_jobs(connection=self.connection):
                # The chain was lost (Redis restarted empty): relay what waited meanwhile now.
                relay = "app.jobs.outbox.relay"
                jobs.enqueue(relay, spec=jobs.PERIODIC, connection=self.connection)
                log.warning("worker: periodic jobs were missing; scheduled again, relay enqueued")
        except redis.RedisError as exc:  # the next maintenance tries again
            log.warning("worker: could not check the periodic jobs: %s", exc)
