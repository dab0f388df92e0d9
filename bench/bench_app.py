"""WSGI entry for bench/clock_throughput.py: the real app plus one bare-INSERT route.

Served as ``gunicorn --pythonpath bench bench_app:app``; never imported by the product, so the
bare route cannot ship. The baseline it gives is "the same Flask app, the same connection pool
and session, one INSERT of a clock_events row and a COMMIT": what is left of a clock-in once
authentication, the rules, the geofence and the response serialisation are taken away.

The ids the row needs (organization, workspace, employee, user) come from the environment
variable ``FIELDCLOCK_BENCH_BARE_IDS`` (four comma-separated UUIDs) set by the driver, so the
route itself reads nothing from the database.
"""

from __future__ import annotations

import os
import uuid
from typing import Any, cast

import sqlalchemy as sa
from flask import request

from app import create_app
from app.extensions import db
from app.models import ClockEvent
from app.models.base import utcnow

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
