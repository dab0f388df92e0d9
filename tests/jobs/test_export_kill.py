"""A worker SIGKILLed in the middle of an export, with a real worker process (`flask worker`,
RQ's forking Worker with its scheduler) on the run's real database and Redis.

The work horse is stopped right before it moves the finished file into place (temporary file
written, transaction open) and killed there. Then: no file at its final place, no entry
`exported`, the export still `running`; RQ retries the job (the horse died: a failure with
retries left) and the retry finishes the export and removes the orphan temporary file.

The data is committed for real (a subprocess must see it), in an organization of its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
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

WORKER_SCRIPT = Path(__file__).with_name("worker_process.py")


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def committed(real_commits: Flask, empty_rq: Callable[[Any], None]) -> Iterator[Flask]:
    """The app with a session that really commits (`real_commits`), RQ emptied first."""
    from app.extensions import get_redis
    from app.services import outbox

    with real_commits.app_context():
        empty_rq(get_redis())
        outbox.breaker.reset()
        yield real_commits
        db.session.remove()


def make_week(employees: int = 3) -> tuple[Any, uuid.UUID]:
    """An organization with `employees` people, each with five approved 8-hour days."""
    from app.services.identity import auth
    from app.services.identity import employees as staff

    tag = uuid.uuid4().hex[:8]
    _org, _ws, owner = auth.register(
        {"name": f"Killtest {tag}", "timezone": "UTC", "currency": "USD"},
        {
            "email": f"owner-{tag}@example.com",
            "password": "owner-password",
            "first_name": "Olive",
            "last_name": "Owner",
        },
    )
    monday = datetime(2026, 11, 16, 8, tzinfo=UTC)
    for n in range(employees):
        person = staff.create_employee(
            owner,
            {
                "email": f"w{n}-{tag}@example.com",
                "password": "employee-password",
                "first_name": "Kim",
                "last_name": f"Worker{n}",
                "employee_number": f"{n + 1:04d}",
                "hourly_rate": Decimal("20.00"),
            },
        )
        for day in range(5):
            start = monday + timedelta(days=day)
            db.session.add(
                TimeEntry(
                    organization_id=owner.organization_id,
                    workspace_id=owner.workspace_id,
                    employee_id=person.id,
                    entry_date=start.date(),
                    started_at=start,
                    ended_at=start + timedelta(hours=8),
                    paid_started_at=start,
                    paid_ended_at=start + timedelta(hours=8),
                    duration_seconds=8 * 3600,
                    worked_seconds=8 * 3600,
                    status="approved",
                    source="manual",
                )
            )
    db.session.commit()
    return owner, owner.organization_id


def test_a_worker_killed_mid_export_leaves_nothing_and_the_retry_finishes(
    committed: Flask, tmp_path: Path
) -> None:
    from app.services.payroll import export_files
    from app.services.payroll import payroll_exports as exports

    owner, org_id = make_week()
    period = {"period_start": date(2026, 11, 16), "period_end": date(2026, 11, 22)}
    export = exports.request_export(owner, {**period, "format": "csv"})
    db.session.commit()  # the after-commit kick enqueues the job (id = the export's id)
    export_id = export.id

    config = {
        key: committed.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "REDISLITE_PATH", "EXPORT_DIR")
    }
    config |= {"TESTING": True, "JWT_SECRET_KEY": committed.config["JWT_SECRET_KEY"]}
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    flag, pidfile = tmp_path / "hang", tmp_path / "horse.pid"
    flag.touch()
    env = {**os.environ, "FIELDCLOCK_HANG_FLAG": str(flag), "FIELDCLOCK_HANG_PIDFILE": str(pidfile)}
    worker = subprocess.Popen(
        [sys.executable, str(WORKER_SCRIPT), str(config_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        horse = int(wait_for(lambda: pidfile.exists() and pidfile.read_text(), 30, "the horse"))
        partial_dir = export_files.root() / export_files.PARTIAL_DIR
        final_dir = export_files.root() / str(org_id) / str(export_id)

        def state() -> tuple[str, int]:
            db.session.rollback()
            status = db.session.scalar(
                sa.select(PayrollExport.status).where(PayrollExport.id == export_id)
            )
            exported = db.session.scalar(
                sa.select(sa.func.count()).where(
                    TimeEntry.organization_id == org_id, TimeEntry.status == "exported"
                )
            )
            return str(status), int(exported or 0)

        # Mid-export: the whole file is written, but only as a temporary file.
        assert [p.name.startswith(f"{export_id}.") for p in partial_dir.iterdir()] == [True]
        assert not final_dir.exists() or list(final_dir.iterdir()) == []
        assert state() == ("running", 0)

        flag.unlink()  # the retry must not hang
        os.kill(horse, signal.SIGKILL)
        time.sleep(0.5)
        assert state() == ("running", 0)  # killed: nothing committed, nothing visible
        assert not final_dir.exists() or list(final_dir.iterdir()) == []

        wait_for(lambda: state()[0] == "succeeded", 60, "the retried export")
        assert state() == ("succeeded", 15)
        finished = db.session.get(PayrollExport, export_id)
        assert finished is not None and finished.attempts == 2
        content = export_files.resolve(finished.file_path or "").read_bytes()
        assert hashlib.sha256(content).hexdigest() == finished.sha256
        assert content.count(b"\n") == 4  # header + three employees
        assert list(partial_dir.glob(f"{export_id}.*")) == []
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
