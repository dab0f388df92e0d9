"""WSGI entry for bench/clock_throughput.py: the real app plus two baseline routes.

Served as ``gunicorn --pythonpath bench bench_app:app``; never imported by the product, so the
bare route cannot ship. The baseline it gives is "the same Flask app, the same connection pool
and session, one INSERT of a clock_events row and a COMMIT": what is left of a clock-in once
authentication, the rules, the geofence and the response serialisation are taken away.

The ids the row needs (organization, workspace, employee, user) come from the environment
variable ``FIELDCLOCK_BENCH_BARE_IDS`` (four comma-separated UUIDs) set by the driver, so the
route itself reads nothing from the database.

The second route, ``POST /bench/audited-insert``, is the least an authenticated, audited write
costs in this app: the same authentication as a punch (``requires``), then one closed time
entry added through the session, so the audit listener writes its row, and a COMMIT.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import request

from app import create_app
from app.extensions import db
from app.models import ClockEvent, TimeEntry
from app.models.base import utcnow
from app.security import current_actor, requires

app = create_app()

_EVENTS = cast(sa.Table, ClockEvent.__table__)


def _bare_ids() -> dict[str, uuid.UUID]:
    raw = os.environ.get("FIELDCLOCK_BENCH_BARE_IDS", "")
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) != 4:
        raise RuntimeError(
            "FIELDCLOCK_BENCH_BARE_IDS must hold 4 UUIDs: org,workspace,employee,user"
        )
    names = ("organization_id", "workspace_id", "employee_id", "user_id")
    return dict(zip(names, (uuid.UUID(p) for p in parts), strict=True))


_IDS = _bare_ids()


@app.post("/bench/bare-insert")
def bare_insert() -> tuple[dict[str, Any], int]:
    """Parse the punch body, INSERT one clock_events row, COMMIT, answer 201 with its id."""
    body = request.get_json(silent=True) or {}
    now = utcnow()
    row_id = uuid.uuid4()
    db.session.execute(
        sa.insert(_EVENTS).values(
            id=row_id,
            **_IDS,
            type="in",
            occurred_at=now,
            received_at=now,
            lat=body.get("lat"),
            lon=body.get("lon"),
            accuracy_m=body.get("accuracy_m"),
            mock_location=False,
            source="clock",
            payload=body,
            decision="accepted",
            flags=[],
        )
    )
    db.session.commit()
    return {"id": str(row_id)}, 201


@app.post("/bench/audited-insert")
@requires("clock:punch")
def audited_insert() -> tuple[dict[str, Any], int]:
    """Authenticate, add one closed time entry (audited by the listener), COMMIT, answer 201."""
    actor = current_actor()
    employee = actor.employee
    assert employee is not None
    ended = utcnow()
    started = ended - timedelta(hours=1)
    entry_id = uuid.uuid4()
    entry = TimeEntry(
        id=entry_id,
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        employee_id=employee.id,
        created_by=actor.id,
        entry_date=started.date(),
        started_at=started,
        ended_at=ended,
        paid_started_at=started,
        paid_ended_at=ended,
        duration_seconds=3600,
        worked_seconds=3600,
        status="submitted",
        source="manual",
        flags=[],
    )
    db.session.add(entry)
    db.session.commit()  # the id was set above: answering it reads nothing back
    return {"id": str(entry_id)}, 201
