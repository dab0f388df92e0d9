"""Shared setup of the worker benchmarks (`weekly_summaries.py`, `payroll_export.py`).

A throw-away PostgreSQL database `fieldclock_bench_<hex>`, migrated with
`flask_migrate.upgrade()`; one organization made by `auth.register` (America/Chicago, the
California overtime rule, so daily overtime, double time and seventh days all happen); then
one bulk `INSERT ... SELECT generate_series(...)` per table: users, employees and their time
entries, all `approved`.

The entries, for employee `e` and workday `d` (Monday to Saturday of the week of 2026-11-16,
local time): start 06:00 plus `(7e + 13d) mod 120` minutes, length 7 h plus a pseudo-random
0 to 329 minutes (from `md5(e, d)`: weeks rarely repeat, so the summaries' memo of identical
weeks gains nothing here), 30 minutes of unpaid break; every 50th
employee works Wednesday's shift at night (22:00 to 06:00, across midnight); every 9th entry is
flagged. Six entries per employee: 10,000 employees give 60,000 entries; 166,667 give
1,000,002.

`history_weeks` adds that many earlier weeks of the same pattern, already `paid` (a live
database holds months of history that the period's queries must skip, not scan), or
`approved` with `history_status="approved"` (issue 13, item 4: history the export's and the
summaries' status conditions do not exclude, only their period conditions).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Flask

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
WEEK = date(2026, 11, 16)


@contextmanager
def bench_database(keep: bool = False) -> Iterator[str]:
    """A fresh database for one benchmark run, dropped afterwards unless `keep`."""
    name = f"fieldclock_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def make_app(database_url: str, export_dir: str) -> Flask:
    os.environ.setdefault("FIELDCLOCK_INSTANCE_DIR", "/tmp/fieldclock-bench-instance")
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": "redis://127.0.0.1:6379/12",
            "EXPORT_DIR": export_dir,
            "JWT_SECRET_KEY": "bench-" + "x" * 32,
        }
    )
    with app.app_context():
        upgrade()
    return app


def populate(
    employees: int, history_weeks: int = 0, history_status: str = "paid"
) -> tuple[Any, int]:
    """The organization's owner and how many entries of the benchmark's week were written
    (inside an app context)."""
    from app.extensions import db
    from app.services.identity import auth
    from app.services.overtime import overtime_settings

    _org, _ws, owner = auth.register(
        {"name": "Bench Builders", "timezone": "America/Chicago", "currency": "USD"},
        {
            "email": f"owner-{uuid.uuid4().hex[:6]}@bench.test",
            "password": "bench-password",
            "first_name": "Olive",
            "last_name": "Owner",
        },
    )
    overtime_settings.put_settings(owner, {"rule": "california"})
    db.session.commit()
    params = {
        "org": owner.organization_id,
        "ws": owner.workspace_id,
        "n": employees,
        "history": history_weeks,
        "history_status": history_status,
    }
    statements = [
        """INSERT INTO users (id, organization_id, workspace_id, email, password_hash,
               first_name, last_name, role, status, failed_login_count)
           SELECT gen_random_uuid(), :org, :ws, 'w' || g || '@bench.test', 'x', 'Kim',
                  'Worker' || g, 'employee', 'active', 0
           FROM generate_series(1, :n) AS g""",
        """INSERT INTO employees (id, organization_id, workspace_id, user_id, employee_number,
               hourly_rate, currency, status, permissions, settings, documents,
               emergency_contact)
           SELECT gen_random_uuid(), :org, :ws, u.id, lpad(substr(u.email, 2,
                  strpos(u.email, '@') - 2), 6, '0'), 18.00 + (length(u.email) % 7) * 1.25,
                  'USD', 'active', '[]', '{}', '{}', '{}'
           FROM users u WHERE u.organization_id = :org AND u.email LIKE 'w%@bench.test'""",
        """INSERT INTO time_entries (id, organization_id, workspace_id, employee_id, entry_date,
               started_at, ended_at, paid_started_at, paid_ended_at, duration_seconds,
               break_seconds, auto_break_seconds, worked_seconds, status, source, flags,
               is_billable)
           SELECT gen_random_uuid(), :org, :ws, e.id, s.day, s.start, s.start + s.length,
                  s.start, s.start + s.length, extract(epoch FROM s.length)::int, 1800, 0,
                  extract(epoch FROM s.length)::int - 1800,
                  CASE WHEN w = 0 THEN 'approved' ELSE :history_status END, 'manual',
                  CASE WHEN (k + d) % 9 = 0 THEN '["LATE"]'::jsonb ELSE '[]'::jsonb END, true
           FROM generate_series(:history, 0, -1) AS w
           CROSS JOIN (SELECT id, employee_number::int AS k FROM employees
                 WHERE organization_id = :org) AS e
           CROSS JOIN generate_series(0, 5) AS d
           CROSS JOIN LATERAL (
               SELECT (DATE '2026-11-16' - 7 * w + d) AS day,
                      ((DATE '2026-11-16' - 7 * w + d) + CASE WHEN k % 50 = 0 AND d = 2
                          THEN interval '22 hours'
                          ELSE interval '6 hours' + ((7 * k + 13 * d) % 120) * interval '1 minute'
                       END) AT TIME ZONE 'America/Chicago' AS start,
                      CASE WHEN k % 50 = 0 AND d = 2 THEN interval '8 hours'
                      ELSE interval '7 hours' + (('x' || substr(md5(k || '-' || d), 1, 4))
                          ::bit(16)::int % 330) * interval '1 minute' END AS length
           ) AS s""",
    ]
    for statement in statements:
        db.session.execute(sa.text(statement), params)
    db.session.commit()
    # As a live database would be: statistics, and the rows' visibility settled (otherwise the
    # first reads set hint bits, and autovacuum may start mid-measurement on a big history).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")
    count = db.session.scalar(
        sa.text(
            "SELECT count(*) FROM time_entries WHERE organization_id = :org"
            " AND entry_date >= DATE '2026-11-16'"
        ),
        params,
    )
    return owner, int(count or 0)


def best_of(runs: int, action: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of `runs` timings of `action()` (seconds) and its last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - started)
    return best, result
