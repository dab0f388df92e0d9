"""Command-line tools: `flask --app wsgi seed-demo | create-org | worker`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.jobs import QUEUES
from app.models import User
from app.services.job_status import WORKER_MAINTENANCE_INTERVAL, WORKER_TTL

# WORKER_MAINTENANCE_INTERVAL and WORKER_TTL live with the heartbeat check of /readyz, which must
# judge the workers by the TTL they run with (why 15 s: see there and `app.jobs.worker`).
DEMO_PASSWORD = "fieldclock-demo"
DEMO_DOMAIN = "demo.fieldclock.test"


def _demo_logins() -> list[tuple[str, str]]:
    return [
        (f"{who}@{DEMO_DOMAIN}", role)
        for who, role in (
            ("owner", "owner"),
            ("manager", "manager"),
            ("payroll", "payroll"),
            ("ana", "employee"),
            ("ben", "employee"),
            ("chloe", "employee"),
        )
    ]


def seed_demo() -> bool:
    """Create the demo organization once; False when it is already there."""
    from app import demo
    from app.services.identity import auth, employees

    if db.session.scalar(sa.select(User.id).where(User.email == f"owner@{DEMO_DOMAIN}")):
        return False
    _org, _ws, owner = auth.register(
        {"name": "Demo Field Services", "timezone": "America/Chicago", "currency": "USD"},
        {
            "email": f"owner@{DEMO_DOMAIN}",
            "password": DEMO_PASSWORD,
            "first_name": "Olivia",
            "last_name": "Owner",
        },
    )
    manager = employees.create_employee(
        owner,
        {
            "email": f"manager@{DEMO_DOMAIN}",
            "password": DEMO_PASSWORD,
            "role": "manager",
            "first_name": "Marco",
            "last_name": "Manager",
            "employee_number": "1001",
            "hourly_rate": Decimal("38.00"),
            "department": "Field Operations",
        },
    )
    employees.create_employee(
        owner,
        {
            "email": f"payroll@{DEMO_DOMAIN}",
            "password": DEMO_PASSWORD,
            "role": "payroll",
            "first_name": "Priya",
            "last_name": "Payroll",
            "employee_number": "1002",
            "hourly_rate": Decimal("32.00"),
            "department": "Finance",
        },
    )
    staff = []
    for number, (first, last) in enumerate(
        [("Ana", "Alvarez"), ("Ben", "Brooks"), ("Chloe", "Chen")], start=1003
    ):
        member = employees.create_employee(
            owner,
            {
                "email": f"{first.lower()}@{DEMO_DOMAIN}",
                "password": DEMO_PASSWORD,
                "first_name": first,
                "last_name": last,
                "employee_number": str(number),
                "hourly_rate": Decimal("24.50"),
                "manager_id": manager.id,
                "department": "Field Operations",
            },
        )
        staff.append(member)
    db.session.flush()
    demo.seed_activity(demo.Crew(owner, manager, staff), "America/Chicago")
    db.session.commit()
    return True


def register_commands(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Create the demo organization (once) and print its logins."""
        created = seed_demo()
        click.echo("Demo organization created." if created else "Demo organization exists.")
        for email, role in _demo_logins():
            click.echo(f"  {role:<9} {email}  password: {DEMO_PASSWORD}")

    @app.cli.command("create-org")
    @click.option("--name", required=True)
    @click.option("--timezone", default="UTC", show_default=True)
    @click.option("--currency", default="USD", show_default=True)
    @click.option("--owner-email", required=True)
    @click.option("--owner-first-name", default="Owner", show_default=True)
    @click.option("--owner-last-name", default="Account", show_default=True)
    @click.password_option("--owner-password")
    def create_org(**opts: Any) -> None:
        """Create an organization with its default workspace and owner."""
        from app.errors import DomainError
        from app.services.identity import auth

        try:
            org, _ws, user = auth.register(
                {"name": opts["name"], "timezone": opts["timezone"], "currency": opts["currency"]},
                {
                    "email": opts["owner_email"],
                    "password": opts["owner_password"],
                    "first_name": opts["owner_first_name"],
                    "last_name": opts["owner_last_name"],
                },
            )
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(f"{exc.message} {exc.errors or ''}".strip()) from exc
        db.session.commit()
        click.echo(f"Organization {org.name} ({org.id}); owner {user.email}")

    @app.cli.command("worker")
    @click.option("--queues", default=",".join(QUEUES), show_default=True)
    @click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
    @click.option("--periodic/--no-periodic", default=True, help="Register the periodic jobs.")
    def worker(queues: str, burst: bool, periodic: bool) -> None:
        """Run an RQ worker with RQ's scheduler, inside the app context; registers the
        periodic jobs (idempotent) before it starts."""
        from rq import Queue

        from app.extensions import get_redis
        from app.jobs.periodic import register_periodic_jobs
        from app.jobs.worker import FieldclockWorker

        connection = get_redis()
        names = [q.strip() for q in queues.split(",") if q.strip()]
        if periodic:
            registered = register_periodic_jobs(connection=connection)
            click.echo(f"Periodic jobs scheduled: {', '.join(registered) or 'already scheduled'}")
        db.session.remove()
        db.engine.dispose()  # connections must not be shared with forked work horses
        FieldclockWorker(
            [Queue(n, connection=connection) for n in names],
            connection=connection,
            maintenance_interval=WORKER_MAINTENANCE_INTERVAL,
            worker_ttl=WORKER_TTL,
            periodic=periodic,
        ).work(with_scheduler=True, burst=burst)
