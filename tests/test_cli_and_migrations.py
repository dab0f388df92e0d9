"""The CLI commands and the migration history."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.models import Employee, User

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_migrations_have_a_single_head_and_dated_names():
    script = ScriptDirectory.from_config(_alembic_config())
    assert len(script.get_heads()) == 1
    for path in (MIGRATIONS / "versions").glob("*.py"):
        assert path.name[:8].isdigit(), path.name
        assert path.read_text().startswith('"""'), f"{path.name} needs a one-line docstring"


def _alembic_config() -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def test_models_match_the_migrations(app, db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_a_periods_entries_are_indexed_from_both_ends(app, db):
    """Issue 13, item 4: years of history before or after a period are skipped by the paid
    start and the paid end alike (bench/weekly_summaries.py --compare-history measures it)."""
    with db.engine.connect() as connection:
        indexes = sa.inspect(connection).get_indexes("time_entries")
    columns = {tuple(index["column_names"]) for index in indexes}
    assert {("organization_id", "paid_started_at"), ("organization_id", "paid_ended_at")} <= columns


def test_seed_demo_creates_the_demo_organization_once(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo organization created." in result.output
    assert "manager@demo.fieldclock.test" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert "Demo organization exists." in again.output
    manager = db.session.scalar(
        sa.select(Employee).join(Employee.user).where(User.email == "manager@demo.fieldclock.test")
    )
    reports = db.session.scalars(sa.select(Employee).where(Employee.manager_id == manager.id))
    assert sorted(e.user.first_name for e in reports) == ["Ana", "Ben", "Chloe"]
    roles = set(
        db.session.scalars(sa.select(User.role).where(User.email.like("%@demo.fieldclock.test")))
    )
    assert roles == {"owner", "manager", "payroll", "employee"}


def test_seed_demo_gives_every_screen_something_to_show(app, db):
    """On a Wednesday: a fenced site, last week's and this week's day shifts, two tasks, and
    entries in every state (Ana's 44 h last week approved, Ben's Thursday rejected and Friday
    submitted, Monday and Tuesday submitted, Chloe clocked in at the site)."""
    import time_machine

    from app.models import Geofence, Shift, Task, TimeEntry

    with time_machine.travel(datetime(2026, 11, 18, 17, 0, tzinfo=UTC), tick=False):
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    [site] = db.session.scalars(sa.select(Geofence)).all()
    assert (site.name, site.policy) == ("Riverside depot", "flag")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Shift)) == 30  # 3 x 2 x 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 2
    states = db.session.execute(
        sa.select(TimeEntry.status, sa.func.count()).group_by(TimeEntry.status)
    ).all()
    assert dict(states) == {"approved": 14, "rejected": 1, "submitted": 5, "open": 1}
    ana = db.session.scalar(sa.select(Employee).where(Employee.employee_number == "1003"))
    last_week = db.session.scalar(
        sa.select(sa.func.sum(TimeEntry.worked_seconds)).where(
            TimeEntry.employee_id == ana.id, TimeEntry.status == "approved"
        )
    )
    assert last_week == 44 * 3600  # 4 h of overtime under FLSA
    [open_entry] = db.session.scalars(sa.select(TimeEntry).where(TimeEntry.status == "open"))
    assert open_entry.clock_in_geo["result"] == "inside"
    assert open_entry.started_at.replace(tzinfo=UTC) == datetime(2026, 11, 18, 16, 0, tzinfo=UTC)


def test_create_org_command(app, db, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-org",
            "--name",
            "Cli Co",
            "--timezone",
            "Asia/Almaty",
            "--owner-email",
            "cli@example.com",
            "--owner-password",
            "cli-password-1",
        ]
    )
    assert result.exit_code == 0, result.output
    login = client.post(
        "/api/v1/auth/login", json={"email": "cli@example.com", "password": "cli-password-1"}
    )
    assert login.status_code == 200 and login.get_json()["user"]["role"] == "owner"
    weak = runner.invoke(
        args=[
            "create-org",
            "--name",
            "W",
            "--owner-email",
            "w@example.com",
            "--owner-password",
            "short",
        ]
    )
    assert weak.exit_code != 0 and "10 characters" in weak.output
