"""Periodic jobs as data: deterministic slot ids, idempotent registration with RQ's scheduler
(ScheduledJobRegistry), and each run chaining the next one before doing its work."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import time_machine
from rq import Queue
from rq.registry import ScheduledJobRegistry

from app.jobs import periodic
from app.jobs.periodic import PERIODIC_JOBS, next_slot, register_periodic_jobs

NOW = datetime(2026, 11, 18, 14, 7, 30, tzinfo=UTC)


def scheduled(connection, queue="default"):
    registry = ScheduledJobRegistry(queue=Queue(queue, connection=connection))
    return sorted(registry.get_job_ids())


def test_slots_are_multiples_of_the_period_after_now():
    assert next_slot(timedelta(minutes=1), NOW) == datetime(2026, 11, 18, 14, 8, tzinfo=UTC)
    assert next_slot(timedelta(minutes=15), NOW) == datetime(2026, 11, 18, 14, 15, tzinfo=UTC)
    assert next_slot(timedelta(hours=1), NOW) == datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
    assert next_slot(timedelta(days=1), NOW) == datetime(2026, 11, 19, tzinfo=UTC)
    # exactly on a slot: the next one, never now
    on_slot = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
    assert next_slot(timedelta(hours=1), on_slot) == datetime(2026, 11, 18, 16, tzinfo=UTC)


def test_registration_is_idempotent_with_deterministic_ids(redis_conn):
    first = register_periodic_jobs(now=NOW, connection=redis_conn)
    assert first == [
        "periodic-outbox-relay-20261118T140745Z",
        "periodic-open-entry-alerts-20261118T141500Z",
        "periodic-weekly-summaries-20261118T150000Z",
        "periodic-purge-20261119T000000Z",
    ]
    # A second worker starting (or the relay re-registering) schedules nothing new.
    assert register_periodic_jobs(now=NOW + timedelta(seconds=10), connection=redis_conn) == []
    assert scheduled(redis_conn) == sorted(first[i] for i in (0, 2, 3))
    assert scheduled(redis_conn, "alerts") == [first[1]]
    registry = ScheduledJobRegistry(queue=Queue("default", connection=redis_conn))
    assert registry.get_scheduled_time(first[0]) == datetime(2026, 11, 18, 14, 7, 45, tzinfo=UTC)
    job = Queue("default", connection=redis_conn).fetch_job(first[0])
    assert job.func_name == "app.jobs.periodic.run_periodic" and job.args == ("outbox-relay",)
    assert job.timeout == 600 and job.result_ttl == 30 and job.retries_left is None


def test_a_run_schedules_the_next_slot_before_its_work(app, redis_conn, monkeypatch):
    calls = []
    monkeypatch.setattr(periodic, "_resolve", lambda target: lambda: calls.append(target) or 7)
    with time_machine.travel(datetime(2026, 11, 18, 14, 8, 0, 5000, tzinfo=UTC), tick=False):
        assert periodic.run_periodic("outbox-relay") == 7
    assert calls == ["app.jobs.outbox.relay"]
    assert scheduled(redis_conn) == ["periodic-outbox-relay-20261118T140815Z"]


def test_every_periodic_target_exists():
    for definition in PERIODIC_JOBS:
        assert callable(periodic._resolve(definition.target)), definition.name


def test_a_kick_schedules_again_the_periodic_jobs_a_restarted_redis_lost(
    app, redis_conn, monkeypatch
):
    """bench/faults: Redis restarted without its data, the relay's chain was gone, and only a
    worker start re-created it, so what was left in the outbox waited for one. Now the next
    process that reaches Redis schedules the chain again, at most once a minute."""
    from app.services import outbox

    monkeypatch.setattr(outbox.periodic_watch, "next_check", 0.0)
    register_periodic_jobs(connection=redis_conn)
    redis_conn.flushdb()  # the restart: every key gone, the chain with it
    org = uuid.uuid4()

    outbox.kick_after_commit({("alerts.check", org, None, ())})

    relay = [i for i in scheduled(redis_conn) if i.startswith("periodic-outbox-relay-")]
    assert len(relay) == 1
    assert [i for i in scheduled(redis_conn, "alerts") if "open-entry-alerts" in i]
    redis_conn.flushdb()
    outbox.kick_after_commit({("alerts.check", org, None, ())})
    assert scheduled(redis_conn) == []  # checked again only a minute later
