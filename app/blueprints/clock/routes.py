"""`/api/v1/clock/*` (the phone's punches and status) and `/api/v1/clock-events` (the log)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import marshmallow as ma
from flask import request
from werkzeug.exceptions import BadRequest, UnprocessableEntity

from app import rate_limits
from app.blueprints.clock.schemas import (
    ClockEventQueryArgsSchema,
    ClockEventSchema,
    PunchResponseSchema,
    PunchSchema,
    StatusSchema,
    SwitchTaskSchema,
    SyncResponseSchema,
    SyncSchema,
)
from app.blueprints.common import Blueprint, paginate, parse_strict_json
from app.blueprints.idempotency import commit_work, holds_claim, idempotent
from app.errors import flatten_webargs
from app.extensions import db
from app.models.base import utcnow
from app.openapi import raises
from app.security import current_actor, requires
from app.services.time_tracking import clock, clock_events, clock_status, sync_slots
from app.services.time_tracking.clock import (
    AlreadyClockedIn,
    AlreadyOnBreak,
    NotAnEmployee,
    NotClockedIn,
    NotOnBreak,
)
from app.services.time_tracking.punches import GeofenceRequired, Punch, Unreadable

F = TypeVar("F", bound=Callable[..., Any])
UNREADABLE_BODY = "unreadable_body"  # the log's key for a body stored as its text
blp = Blueprint("clock", __name__, url_prefix="/api/v1", description="Punches from phones.")


def to_punch(kind: str, body: dict[str, Any], raw: Any, source: str = "clock") -> Punch:
    now = utcnow()
    return Punch(
        kind=kind,
        lat=body["lat"],
        lon=body["lon"],
        accuracy_m=body["accuracy_m"],
        occurred_at=body.get("occurred_at") or now,
        received_at=now,
        raw=raw if isinstance(raw, dict) else {},
        geofence_id=body.get("geofence_id"),
        task_id=body.get("task_id"),
        shift_id=body.get("shift_id"),
        device_id=body.get("device_id"),
        mock_location=body.get("mock_location", False),
        note=body.get("note"),
        client_id=body.get("client_id"),
        source=source,
    )


def _commit_keeping_state() -> None:
    """Commit without expiring what the punch wrote: the answer is built from those objects,
    and re-reading each of them after the commit would cost a query apiece on the hot path.
    (Under an Idempotency-Key the commit comes later, with the stored answer: `commit_work`.)"""
    session = db.session()
    session.expire_on_commit = False
    try:
        commit_work()
    finally:
        session.expire_on_commit = True


def logged_when_unreadable(
    kind: str | None, schema: type[ma.Schema], source: str = "clock"
) -> Callable[[F], F]:
    """A punch whose body cannot be read is still a punch received: it is logged (with what
    did parse) before its 400 MALFORMED_JSON or 422 VALIDATION_ERROR goes out; so is an
    offline batch that cannot be split into punches (one row, `type` null). A body that is
    not JSON, or holds text no column can store (a NUL), is logged as its text under
    `UNREADABLE_BODY`. Between `@idempotent` and `@blp.arguments`, so that a keyed request
    keeps the log row with its stored answer."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return view(*args, **kwargs)
            except (BadRequest, UnprocessableEntity) as exc:
                actor = current_actor()
                employee = actor.employee
                if employee is None:
                    raise
                errors = flatten_webargs(getattr(exc, "data", {}).get("messages") or {})
                raw = _stored_body()
                valid = {**_readable_part(schema, raw, errors), "type": kind}
                reason = "MALFORMED_JSON" if isinstance(exc, BadRequest) else "VALIDATION_ERROR"
                clock.refuse_unreadable(
                    employee, Unreadable(raw, errors, valid, utcnow(), source, reason), actor
                )
                commit_work()
                raise

        return cast(F, wrapper)

    return decorate


def _stored_body() -> Any:
    """The request's JSON as the log can store it, or, when it is not JSON or holds text no
    column stores (a NUL, a lone surrogate), its text (undecodable bytes and NULs as U+FFFD)."""
    body = request.get_data(cache=True)
    try:
        return parse_strict_json(body)
    except (ValueError, ma.ValidationError):
        return {UNREADABLE_BODY: body.decode("utf-8", "replace").replace("\x00", "\ufffd")}


def _readable_part(schema: type[ma.Schema], raw: Any, errors: dict[str, Any]) -> dict[str, Any]:
    """The fields of a refused body that do parse."""
    if not isinstance(raw, dict):
        return {}
    try:
        loaded: dict[str, Any] = schema().load(
            {k: v for k, v in raw.items() if k not in errors and k in schema().fields},
            partial=True,
        )
    except ma.ValidationError as err:
        return err.valid_data if isinstance(err.valid_data, dict) else {}
    return loaded


def _punch(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """Apply, commit (a refused punch is still logged), then answer or raise its error."""
    actor = current_actor()
    employee = clock.employee_of(actor)
    punch = to_punch(kind, body, request.get_json(silent=True))
    outcome = clock.punch(employee, punch, actor, alone=not holds_claim())
    _commit_keeping_state()
    if outcome.error is not None:
        raise outcome.error
    fence = outcome.screening.fence.as_dict() if outcome.screening else None
    return {
        "time_entry": outcome.entry,
        "previous_time_entry": outcome.previous_entry,
        "break_": outcome.brk,
        "geofence": fence,
        "flags": outcome.flags,
    }


@blp.route("/clock/in", methods=["POST"])
@requires("clock:punch")
@idempotent
@logged_when_unreadable("in", PunchSchema)
@blp.arguments(PunchSchema)
@blp.response(201, PunchResponseSchema)
@raises(*clock.PUNCH_ERRORS, AlreadyClockedIn, GeofenceRequired)
def clock_in(body: dict[str, Any]) -> Any:
    """Clock in (geofence-checked; 409 ALREADY_CLOCKED_IN when an entry is open)."""
    return _punch("in", body)


@blp.route("/clock/out", methods=["POST"])
@requires("clock:punch")
@idempotent
@logged_when_unreadable("out", PunchSchema)
@blp.arguments(PunchSchema)
@blp.response(200, PunchResponseSchema)
@raises(*clock.PUNCH_ERRORS, NotClockedIn)
def clock_out(body: dict[str, Any]) -> Any:
    """Clock out (ends an open break first; the entry becomes submitted)."""
    return _punch("out", body)


@blp.route("/clock/breaks/start", methods=["POST"])
@requires("clock:punch")
@idempotent
@logged_when_unreadable("break_start", PunchSchema)
@blp.arguments(PunchSchema)
@blp.response(200, PunchResponseSchema)
@raises(*clock.PUNCH_ERRORS, NotClockedIn, AlreadyOnBreak)
@blp.doc(operationId="startBreak")
def break_start(body: dict[str, Any]) -> Any:
    """Start an unpaid break."""
    return _punch("break_start", body)


@blp.route("/clock/breaks/end", methods=["POST"])
@requires("clock:punch")
@idempotent
@logged_when_unreadable("break_end", PunchSchema)
@blp.arguments(PunchSchema)
@blp.response(200, PunchResponseSchema)
@raises(*clock.PUNCH_ERRORS, NotClockedIn, NotOnBreak)
@blp.doc(operationId="endBreak")
def break_end(body: dict[str, Any]) -> Any:
    """End the current break."""
    return _punch("break_end", body)


@blp.route("/clock/switch-task", methods=["POST"])
@requires("clock:punch")
@idempotent
@logged_when_unreadable("switch_task", SwitchTaskSchema)
@blp.arguments(SwitchTaskSchema)
@blp.response(201, PunchResponseSchema)
@raises(*clock.PUNCH_ERRORS, NotClockedIn)
def switch_task(body: dict[str, Any]) -> Any:
    """Close the current entry and open one on another task at the same instant."""
    return _punch("switch_task", body)


@blp.route("/clock/status")
@requires("clock:punch")
@blp.response(200, StatusSchema)
@raises(NotAnEmployee)
@blp.doc(operationId="getClockStatus")
def status() -> Any:
    """State, open entry and break, and seconds worked today and this week (local time)."""
    result = clock_status.status(clock.employee_of(current_actor()), utcnow())
    return {
        "state": result.state,
        "time_entry": result.time_entry,
        "break_": result.brk,
        "today_seconds": result.today_seconds,
        "week_seconds": result.week_seconds,
    }


@blp.route("/clock/sync", methods=["POST"])
@rate_limits.apply(*rate_limits.sync_limits)
@requires("clock:punch")
@idempotent
@logged_when_unreadable(None, SyncSchema, source="sync")
@blp.arguments(SyncSchema)
@blp.response(200, SyncResponseSchema)
@raises(NotAnEmployee)
@blp.doc(operationId="syncPunches")
def sync(body: dict[str, Any]) -> Any:
    """Apply offline punches in occurred_at order; one result per punch, none lost."""
    actor = current_actor()
    raw = (request.get_json(silent=True) or {}).get("punches") or []
    punches = [
        p if isinstance(p, Unreadable) else to_punch(p["type"], p, raw[i], "sync")
        for i, p in enumerate(body["punches"])
    ]
    employee = clock.employee_of(actor)
    sync_slots.claim(employee.organization_id, len(punches))
    outcomes = clock.sync(employee, punches, actor)
    _commit_keeping_state()
    return {
        "results": [
            {
                "client_id": o.punch.client_id,
                "status": o.decision,
                "error": o.error.code if o.error else None,
                "message": o.error.message if o.error else None,
                "errors": o.error.errors or None if o.error else None,
                "time_entry_id": o.entry.id if o.entry else None,
                "flags": o.flags,
            }
            for o in outcomes
        ]
    }


@blp.route("/clock-events")
@requires("clock_events:read")
@blp.arguments(ClockEventQueryArgsSchema, location="query")
@blp.response(200, ClockEventSchema(many=True))
def list_clock_events(args: dict[str, Any]) -> Any:
    """Punches received, accepted or refused, newest first; others' only for managers/admins."""
    return paginate(clock_events.search(current_actor(), args), args)
