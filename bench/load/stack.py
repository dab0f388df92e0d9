"""The system under load: a throw-away database, its seed, gunicorn, RQ workers, and (for the
fault bench) a private Redis and a private PostgreSQL cluster that may be stopped at will.

Every process started here is started by the bench and stopped by it (its own pid or process
group, never by name); the shared PostgreSQL on 5432 and Redis on 6379 are never stopped.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
JWT_SECRET = "fieldclock-load-" + "k" * 40  # fixed: the seed's tokens are not used, but logins are
PASSWORD = "shift-change-password-1"
SITE = {"lat": 52.52, "lon": 13.405}  # Berlin: a circle of 150 m around it
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until(check: Any, timeout: float, what: str, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        with suppress(Exception):
            if value := check():
                return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def revision() -> str:
    with suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        return out.stdout.strip() or "unknown"
    return "unknown"


# --------------------------------------------------------------------------- Redis


class PrivateRedis:
    """`redis-server --port <free> --save ''` of our own: stopped and started by the bench."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        log = (self.workdir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        import redis

        client = redis.Redis(host=HOST, port=self.port, socket_connect_timeout=1)
        wait_until(client.ping, 20, "the private redis-server")
        client.close()

    def stop(self) -> None:
        """SIGTERM: the server exits; with `--save ''` its data goes with it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


# --------------------------------------------------------------------------- PostgreSQL


class PrivatePostgres:
    """A PostgreSQL 15 cluster in a temp dir on a free port, run as the `postgres` user (initdb
    refuses root), that the fault bench may stop and start; removed at the end."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="fieldclock-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"

    def _as_postgres(self, *command: str, timeout: float = 120) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], check=True, timeout=timeout,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip

    def init(self) -> None:
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-instructions", "-E", "UTF8",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '{HOST}'\n"
                f"unix_socket_directories = '{self.dir}'\nmax_connections = 100\n"
            )

    def start(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"
        )

    def destroy(self) -> None:
        with suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def throwaway_database(admin_url: str, keep: bool = False) -> Iterator[str]:
    """A fresh `fieldclock_load_<hex>`, dropped (connections and all) when the block ends."""
    name = f"fieldclock_load_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"(kept database {name})")
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


# --------------------------------------------------------------------------- seed


@dataclass
class Person:
    email: str
    employee_id: str
    user_id: str
    manager: int = -1  # index into Seeded.managers; -1 for managers and payroll
    # The phone's refresh token: employees are signed in before the shift, as phones stay.
    refresh_token: str = ""


@dataclass
class Seeded:
    organization_id: str
    timezone: str
    today: date
    employees: list[Person]
    managers: list[Person]
    payroll: Person
    history_entries: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def app_env(database_url: str, redis_url: str, workdir: Path) -> dict[str, str]:
    """The environment of every app process: production settings, our database and Redis."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "JWT_SECRET_KEY": JWT_SECRET,
        "FIELDCLOCK_ENV": "production",
        "FIELDCLOCK_INSTANCE_DIR": str(workdir / "instance"),
        "EXPORT_DIR": str(workdir / "exports"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        # Every simulated phone logs in from 127.0.0.1, which a real shift change never does:
        # the per-address limits are raised; the per-user and per-organization ones stay at
        # their defaults, so the run shows the shift change is not throttled by them.
        "RATELIMIT_PER_ADDRESS": "1000000 per minute",
        "RATELIMIT_LOGIN_PER_ADDRESS": "1000000 per minute",
    }


def seed(
    database_url: str, redis_url: str, workdir: Path, employees: int, per_manager: int,
    history_employees: int,
) -> Seeded:  # fmt: skip
    """Migrate; the organization, a geofence, managers and payroll through the services; the
    employees (one argon2 hash, the app's parameters, so that every login really verifies
    it), their fence assignments and one task each in bulk; and, for a slow export,
    `history_employees` more people with six approved days each in the week before."""
    os.environ["FIELDCLOCK_INSTANCE_DIR"] = str(workdir / "instance")
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import Employee, EmployeeGeofence, Task, User
    from app.services.identity import auth, passwords
    from app.services.identity import employees as staff
    from app.services.time_tracking import sites

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "JWT_SECRET_KEY": JWT_SECRET,
            "EXPORT_DIR": str(workdir / "exports"),
        }
    )
    tz = "Europe/Berlin"
    with app.app_context():
        upgrade()
        org, workspace, owner = auth.register(
            {"name": "Shift Change GmbH", "timezone": tz, "currency": "EUR"},
            {"email": "owner@load.fieldclock.test", "password": PASSWORD,
             "first_name": "Olga", "last_name": "Owner"},
        )  # fmt: skip
        site = sites.create(
            owner,
            {"name": "Depot", "radius_m": 150, "policy": "enforce", "timezone": tz,
             "geometry": {"type": "Point", "coordinates": [SITE["lon"], SITE["lat"]]}},
        )  # fmt: skip

        def person(role: str, n: int) -> Person:
            made = staff.create_employee(
                owner,
                {"email": f"{role}{n}@load.fieldclock.test", "password": PASSWORD, "role": role,
                 "first_name": role.title(), "last_name": f"No{n}",
                 "employee_number": f"{role[0].upper()}{n:04d}", "hourly_rate": Decimal("30.00"),
                 "geofence_ids": [site.id]},
            )  # fmt: skip
            return Person(made.user.email, str(made.id), str(made.user_id))

        managers = [person("manager", n) for n in range(max(1, -(-employees // per_manager)))]
        payroll = person("payroll", 0)
        db.session.commit()
        org_id, ws_id, owner_id, site_id = org.id, workspace.id, owner.id, site.id
        password_hash = passwords.hash_password(PASSWORD)
        people: list[Person] = []
        rows: dict[type[Any], list[dict[str, Any]]] = {
            User: [], Employee: [], EmployeeGeofence: [], Task: []
        }  # fmt: skip
        tenant = {"organization_id": org_id}
        for i in range(employees):
            user_id, employee_id = uuid.uuid4(), uuid.uuid4()
            boss = i % len(managers)
            email = f"e{i}@load.fieldclock.test"
            rows[User].append(
                {**tenant, "id": user_id, "workspace_id": ws_id, "role": "employee",
                 "email": email, "password_hash": password_hash, "first_name": "Emp",
                 "last_name": f"No{i}", "status": "active"}
            )  # fmt: skip
            rows[Employee].append(
                {**tenant, "id": employee_id, "workspace_id": ws_id, "user_id": user_id,
                 "created_by": owner_id, "employee_number": f"E{i:05d}", "currency": "EUR",
                 "hourly_rate": Decimal("25.00"), "status": "active",
                 "manager_id": uuid.UUID(managers[boss].employee_id)}
            )  # fmt: skip
            rows[EmployeeGeofence].append(
                {**tenant, "employee_id": employee_id, "geofence_id": site_id}
            )
            rows[Task].append(
                {**tenant, "id": uuid.uuid4(), "workspace_id": ws_id, "created_by": owner_id,
                 "title": f"Route {i % 17}: deliveries", "assigned_to": employee_id,
                 "priority": "medium", "status": "pending"}
            )  # fmt: skip
            people.append(Person(email, str(employee_id), str(user_id), boss))
        for model, values in rows.items():
            if values:
                db.session.execute(sa.insert(cast(sa.Table, model.__table__)), values)
        people = _signed_in(db, org_id, people)
        db.session.commit()
        today = _local_today(tz)
        history = _history(db, org_id, ws_id, history_employees, today, tz)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        db.engine.dispose()
    return Seeded(str(org_id), tz, today, people, managers, payroll, history)


def _signed_in(db: Any, org_id: Any, people: list[Person]) -> list[Person]:
    """A session and a refresh token per employee, made as a sign-in makes them (the phones
    signed in on an earlier day; the shift change only refreshes)."""
    from dataclasses import replace

    from flask import current_app
    from flask_jwt_extended import create_refresh_token

    from app.models import UserSession
    from app.models.base import utcnow

    now = utcnow()
    expires = now + current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
    sessions, signed = [], []
    for person in people:
        sid, jti = uuid.uuid4(), uuid.uuid4().hex
        sessions.append(
            {"id": sid, "organization_id": org_id, "user_id": uuid.UUID(person.user_id),
             "refresh_jti": jti, "created_at": now, "expires_at": expires,
             "ip_address": "127.0.0.1", "user_agent": "bench phone"}
        )  # fmt: skip
        token = create_refresh_token(
            identity=person.user_id, additional_claims={"sid": str(sid), "jti": jti}
        )
        signed.append(replace(person, refresh_token=token))
    if sessions:
        db.session.execute(sa.insert(cast(sa.Table, UserSession.__table__)), sessions)
    return signed


def _local_today(tz: str) -> date:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz)).date()


def _history(db: Any, org_id: Any, ws_id: Any, count: int, today: date, tz: str) -> int:
    """`count` more employees (no login, no manager), each with six approved 8-hour days in
    the week before `today`: the export has real work to do, long enough to be killed."""
    if count <= 0:
        return 0
    params = {"org": org_id, "ws": ws_id, "n": count, "first": today - timedelta(days=7), "tz": tz}
    db.session.execute(
        sa.text(
            """INSERT INTO users (id, organization_id, workspace_id, email, password_hash,
                   first_name, last_name, role, status, failed_login_count)
               SELECT gen_random_uuid(), :org, :ws, 'h' || g || '@load.fieldclock.test', 'x',
                      'Hist', 'No' || g, 'employee', 'active', 0
               FROM generate_series(1, :n) AS g"""
        ),
        params,
    )
    db.session.execute(
        sa.text(
            """INSERT INTO employees (id, organization_id, workspace_id, user_id, employee_number,
                   hourly_rate, currency, status, permissions, settings, documents,
                   emergency_contact)
               SELECT gen_random_uuid(), :org, :ws, u.id,
                      'H' || lpad(substr(u.email, 2, strpos(u.email, '@') - 2), 6, '0'),
                      22.50, 'EUR', 'active', '[]', '{}', '{}', '{}'
               FROM users u
               WHERE u.organization_id = :org AND u.email LIKE 'h%@load.fieldclock.test'"""
        ),
        params,
    )
    result = db.session.execute(
        sa.text(
            """INSERT INTO time_entries (id, organization_id, workspace_id, employee_id,
                   entry_date, started_at, ended_at, paid_started_at, paid_ended_at,
                   duration_seconds, break_seconds, auto_break_seconds, worked_seconds, status,
                   source, flags, is_billable)
               SELECT gen_random_uuid(), :org, :ws, e.id, s.day, s.start, s.start + s.length,
                      s.start, s.start + s.length, 28800, 1800, 0, 27000, 'approved',
                      'manual', '[]'::jsonb, true
               FROM employees e
               CROSS JOIN generate_series(0, 5) AS d
               CROSS JOIN LATERAL (
                   SELECT (CAST(:first AS date) + d) AS day, interval '8 hours' AS length,
                          ((CAST(:first AS date) + d) + interval '7 hours') AT TIME ZONE :tz
                              AS start
               ) AS s
               WHERE e.organization_id = :org AND e.employee_number LIKE 'H%'"""
        ),
        params,
    )
    db.session.commit()
    return int(result.rowcount or 0)


# --------------------------------------------------------------------------- processes


class Gunicorn:
    """gunicorn serving the real `wsgi:app` with sync workers."""

    def __init__(self, env: dict[str, str], workdir: Path, workers: int) -> None:
        self.env, self.workdir, self.workers = env, workdir, workers
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.workdir / "gunicorn.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--backlog", "2048",
             "--timeout", "60", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

        def healthy() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.workdir / 'gunicorn.log'}")
            with urllib.request.urlopen(f"http://{HOST}:{self.port}/healthz", timeout=2) as r:
                return bool(r.status == 200)

        # BENCH_START_TIMEOUT: a machine shared with other work (4 workers on 2 busy cores)
        # can take over a minute to boot.
        wait_until(healthy, float(os.environ.get("BENCH_START_TIMEOUT", 180)), "gunicorn /healthz")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


def _descendants(root: int) -> list[int]:
    """Every process below `root`, from /proc (children before grandchildren)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError, ValueError):
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(0), []):
            found.append(child)
            todo.append(child)
    return found


class RqWorker:
    """`flask --app wsgi worker` (RQ's forking worker with its scheduler), in a process group
    of its own so that a SIGKILL takes the work horse down with it."""

    count = 0

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        RqWorker.count += 1
        self.env, self.workdir, self.number = env, workdir, RqWorker.count
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.workdir / f"worker{self.number}.log").open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL the worker, its scheduler and its work horse, no warning. The horse runs
        in a process group of its own (RQ calls setpgrp in it), so it is found by parent
        pid and killed by its own id first."""
        if self.proc is not None:
            for pid in _descendants(self.proc.pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def horses(self) -> list[int]:
        return _descendants(self.proc.pid) if self.proc is not None else []

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc = None


# --------------------------------------------------------------------------- all of it


@dataclass
class System:
    """A running system under test: where it is and the processes the bench may poke."""

    database_url: str
    redis_url: str
    workdir: Path
    env: dict[str, str]
    seeded: Seeded
    api: Gunicorn
    workers: list[RqWorker]

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.database_url, poolclass=sa.NullPool)

    def start_worker(self) -> RqWorker:
        worker = RqWorker(self.env, self.workdir)
        worker.start()
        self.workers.append(worker)
        return worker


@contextmanager
def running_system(
    admin_url: str, redis_url: str, employees: int, per_manager: int, api_workers: int,
    rq_workers: int, history_employees: int = 0, keep_db: bool = False,
) -> Iterator[System]:  # fmt: skip
    """Database created, migrated and seeded; gunicorn and the RQ workers started; all of it
    stopped and dropped when the block ends (also on failure or Ctrl-C)."""
    workdir = Path(tempfile.mkdtemp(prefix="fieldclock-load-"))
    api: Gunicorn | None = None
    workers: list[RqWorker] = []
    try:
        with throwaway_database(admin_url, keep_db) as database_url:
            started = time.monotonic()
            seeded = seed(
                database_url, redis_url, workdir, employees, per_manager, history_employees
            )
            print(
                f"Seeded {employees} employees, {len(seeded.managers)} managers, 1 payroll "
                f"({seeded.history_entries:,} approved history entries) in "
                f"{time.monotonic() - started:.1f} s; database {sa.make_url(database_url).database}"
            )
            env = app_env(database_url, redis_url, workdir)
            api = Gunicorn(env, workdir, api_workers)
            try:
                api.start()  # inside: a gunicorn that never got healthy is stopped too
                system = System(database_url, redis_url, workdir, env, seeded, api, workers)
                for _ in range(rq_workers):
                    system.start_worker()
                yield system
            except BaseException:
                for log in sorted(workdir.glob("*.log")):
                    tail = log.read_text(errors="replace").splitlines()[-15:]
                    print(f"--- {log.name} (last lines)", *tail, sep="\n  ", file=sys.stderr)
                raise
            finally:
                for worker in workers:
                    worker.stop()
                api.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
