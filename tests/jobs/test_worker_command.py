"""`flask worker`: the RQ worker it builds recovers quickly from faults (`app.jobs.worker`).

bench/faults found that a worker SIGKILLed mid-export left its job `started` until its
heartbeat expired (90 s) and some worker's next maintenance (RQ's default: every 10 minutes)
found it, and that the scheduler process, which dies with a Redis outage, was restarted only
then too. Now: maintenance every 15 s, a heartbeat every 5 s that expires 20 s late, at most
5 s between attempts to reach a lost Redis, and a lost periodic chain re-created (with a relay
at once) by the maintenance.
"""

from __future__ import annotations

from typing import Any

from rq import Queue
from rq.job import Job

from app.cli import WORKER_MAINTENANCE_INTERVAL
from app.jobs import worker as worker_module
from app.jobs.periodic import register_periodic_jobs


def test_the_worker_runs_maintenance_every_15_seconds(app, monkeypatch):
    built: dict[str, Any] = {}

    class RecordingWorker:
        def __init__(self, queues: list[Any], **kwargs: Any) -> None:
            built["queues"] = [q.name for q in queues]
            built.update(kwargs)

        def work(self, **kwargs: Any) -> None:
            built["work"] = kwargs

    monkeypatch.setattr(worker_module, "FieldclockWorker", RecordingWorker)
    result = app.test_cli_runner().invoke(args=["worker", "--burst", "--no-periodic"])

    assert result.exit_code == 0, result.output
    assert WORKER_MAINTENANCE_INTERVAL == 15
    assert built["maintenance_interval"] == 15
    assert built["worker_ttl"] == 30  # an idle worker wakes every 15 s for that maintenance
    assert built["periodic"] is False
    assert built["queues"] == ["alerts", "default", "exports"]
    assert built["work"] == {"with_scheduler": True, "burst": True}


def test_a_killed_jobs_heartbeat_expires_within_25_seconds(redis_conn):
    worker = worker_module.FieldclockWorker([Queue("exports", connection=redis_conn)])
    assert worker.job_monitoring_interval == 5
    assert worker.max_connection_wait_time == 5.0
    job = Job.create("app.jobs.outbox.relay", connection=redis_conn, timeout=1800)
    assert worker.get_heartbeat_ttl(job) == 25
    assert worker.get_heartbeat_ttl(job, working_time=1798) == 22  # never past the timeout


def test_maintenance_recreates_a_lost_periodic_chain_and_relays_at_once(app, redis_conn, queued):
    worker = worker_module.FieldclockWorker([Queue("default", connection=redis_conn)])
    worker.run_maintenance_tasks()
    assert queued()["default"] == ["app.jobs.outbox.relay"]  # the chain was missing
    redis_conn.delete(*redis_conn.keys("rq:queue:*"))
    worker.run_maintenance_tasks()
    assert queued()["default"] == []  # the chain is there: nothing to relay early
    assert register_periodic_jobs(connection=redis_conn) == []
    unscheduled = worker_module.FieldclockWorker(
        [Queue("default", connection=redis_conn)], periodic=False
    )
    redis_conn.flushdb()
    unscheduled.run_maintenance_tasks()
    assert queued()["default"] == [] and register_periodic_jobs(connection=redis_conn) != []
