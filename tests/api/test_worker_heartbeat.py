"""/readyz judges a worker's heartbeat by the TTL `flask worker` gives it (30 s, so RQ lets the
worker's key expire 90 s after its last heartbeat), not by RQ's default 420 s."""

from __future__ import annotations

from datetime import UTC, timedelta

from rq import Queue, Worker

from app import cli
from app.services import job_status


def test_the_stale_threshold_is_the_worker_ttl_of_flask_worker():
    assert cli.WORKER_TTL is job_status.WORKER_TTL
    assert job_status.WORKER_TTL == 30
    assert job_status.HEARTBEAT_STALE_AFTER.total_seconds() == 90


def test_a_heartbeat_just_older_than_the_threshold_is_stale(app, redis_conn):
    for stale in Worker.all(connection=redis_conn):
        stale.register_death()
    worker = Worker(
        [Queue("alerts", connection=redis_conn)],
        connection=redis_conn,
        worker_ttl=job_status.WORKER_TTL,
    )
    worker.register_birth()
    try:
        beat = Worker.find_by_key(worker.key, connection=redis_conn).last_heartbeat
        beat = beat.replace(tzinfo=beat.tzinfo or UTC)
        assert job_status.worker_state(now=beat + timedelta(seconds=89)) == "ok"
        assert job_status.worker_state(now=beat + timedelta(seconds=90)) == "ok"
        assert (
            job_status.worker_state(now=beat + timedelta(seconds=91))
            == "none: no worker heartbeat in 90 s"
        )
    finally:
        worker.register_death()
