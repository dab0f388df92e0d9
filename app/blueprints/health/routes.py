"""`/healthz` (the process answers) and `/readyz` (the database and Redis answer)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import jsonify

from app import ErrorSchema
from app.blueprints.common import Blueprint, Schema
from app.extensions import db, get_redis
from app.services.job_status import worker_state

blp = Blueprint("health", __name__, description="Liveness and readiness probes.")


WORKER_DESCRIPTION = (
    '"ok" when an RQ worker sent a heartbeat lately, else "none: …" or "unknown: …". '
    "Informational: it never makes /readyz fail, because this process serves without "
    "workers (work waits in the outbox and runs when a worker is back)."
)


class HealthSchema(Schema):
    status = ma.fields.String(required=True, metadata={"example": "ok"})


class ReadinessSchema(Schema):
    database = ma.fields.String(required=True, metadata={"description": '"ok" or "down: …"'})
    redis = ma.fields.String(required=True, metadata={"description": '"ok" or "down: …"'})
    worker = ma.fields.String(required=True, metadata={"description": WORKER_DESCRIPTION})


class NotReadySchema(ErrorSchema):
    """The error envelope, plus each dependency's state at the top level for probes."""

    database = ma.fields.String(required=True)
    redis = ma.fields.String(required=True)
    worker = ma.fields.String(required=True)


@blp.route("/healthz")
@blp.doc(security=[])
@blp.response(200, HealthSchema)
def healthz() -> Any:
    """The process is up."""
    return jsonify(status="ok")


def _check_database() -> str:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any failure means "not ready"; the reason is shown
        db.session.rollback()
        return f"down: {type(exc).__name__}"


def _check_redis() -> str:
    try:
        get_redis().ping()
        return "ok"
    except Exception as exc:
        return f"down: {type(exc).__name__}"


@blp.route("/readyz")
@blp.doc(security=[])
@blp.response(200, ReadinessSchema)
@blp.alt_response(503, schema=NotReadySchema, description="A dependency is down.")
def readyz() -> Any:
    """The database and Redis answer (503 names what is down); the worker is reported only."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    ready = all(v == "ok" for v in checks.values())
    # Informational: the API serves without workers (work waits in the outbox).
    checks["worker"] = worker_state() if checks["redis"] == "ok" else "unknown: redis down"
    if ready:
        return jsonify(checks), 200
    down = ", ".join(k for k, v in checks.items() if v.startswith("down"))
    return jsonify(
        {
            "code": 503,
            "status": "Service Unavailable",
            "message": f"Not ready: {down} down.",
            "error": "SERVICE_UNAVAILABLE",
            "errors": {},
            "details": checks,
            **checks,
        }
    ), 503
