"""Punch bodies (single and offline batch) and what a punch answers."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.blueprints.common import (
    DateOrTimestamp,
    EachOnItsOwn,
    PageArgsSchema,
    Schema,
    Timestamp,
)
from app.blueprints.time_entries.schemas import TimeEntrySchema
from app.models.base import utcnow
from app.models.time_tracking import PUNCH_DECISIONS, PUNCH_TYPES
from app.services.time_tracking.punches import Unreadable

SYNC_MAX = 500


class PunchSchema(Schema):
    lat = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(-90, 90))
    lon = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(-180, 180))
    accuracy_m = ma.fields.Float(
        required=True,
        allow_nan=False,
        validate=ma.validate.Range(min=0, min_inclusive=False, max=1_000_000),
    )
    occurred_at = Timestamp(metadata={"description": "Device time; defaults to server time."})
    geofence_id = ma.fields.UUID()
    task_id = ma.fields.UUID()
    shift_id = ma.fields.UUID()
    device_id = ma.fields.String(validate=ma.validate.Length(max=255))
    mock_location = ma.fields.Boolean(load_default=False)
    note = ma.fields.String(validate=ma.validate.Length(max=2000))


class SwitchTaskSchema(PunchSchema):
    task_id = ma.fields.UUID(required=True)


class SyncPunchSchema(PunchSchema):
    client_id = ma.fields.UUID(required=True)
    type = ma.fields.String(
        required=True, validate=ma.validate.OneOf(("in", "out", "break_start", "break_end"))
    )
    occurred_at = Timestamp(required=True)


def _unreadable(raw: Any, errors: dict[str, Any], valid: dict[str, Any]) -> Unreadable:
    return Unreadable(raw, errors, valid, utcnow())


class SyncSchema(Schema):
    punches = ma.fields.List(
        # API.md: one bad punch never loses the others (each is refused on its own)
        EachOnItsOwn(SyncPunchSchema, unreadable=_unreadable),
        required=True,
        validate=ma.validate.Length(min=1, max=SYNC_MAX),
    )


class BreakSchema(Schema):
    id = ma.fields.UUID()
    time_entry_id = ma.fields.UUID()
    started_at = Timestamp()
    ended_at = Timestamp(allow_none=True)
    paid = ma.fields.Boolean()


class GeofenceResultSchema(Schema):
    result = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "inside | uncertain | outside | low_accuracy; no_fence: no geofence "
            "applies (accepted from anywhere); null: the fence's policy is off"
        },
    )
    geofence_id = ma.fields.UUID(allow_none=True)
    distance_m = ma.fields.Float(allow_none=True)


class PunchResponseSchema(Schema):
    time_entry = ma.fields.Nested(TimeEntrySchema)
    previous_time_entry = ma.fields.Nested(TimeEntrySchema, allow_none=True)
    break_ = ma.fields.Nested(BreakSchema, data_key="break", allow_none=True)
    geofence = ma.fields.Nested(GeofenceResultSchema)
    flags = ma.fields.List(ma.fields.String())


class StatusSchema(Schema):
    state = ma.fields.String(metadata={"description": "off | working | on_break"})
    time_entry = ma.fields.Nested(TimeEntrySchema, allow_none=True)
    break_ = ma.fields.Nested(BreakSchema, data_key="break", allow_none=True)
    today_seconds = ma.fields.Integer()
    week_seconds = ma.fields.Integer()


class SyncResultSchema(Schema):
    client_id = ma.fields.UUID(allow_none=True)  # null: an unreadable punch without one
    status = ma.fields.String(metadata={"enum": ["accepted", "duplicate", "rejected"]})
    error = ma.fields.String(allow_none=True)
    message = ma.fields.String(allow_none=True)
    errors = ma.fields.Dict(
        allow_none=True, metadata={"description": "VALIDATION_ERROR: the fields and why"}
    )
    time_entry_id = ma.fields.UUID(allow_none=True)
    flags = ma.fields.List(ma.fields.String())


class SyncResponseSchema(Schema):
    results = ma.fields.List(ma.fields.Nested(SyncResultSchema))


class ClockEventSchema(Schema):
    id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    user_id = ma.fields.UUID(allow_none=True)
    type = ma.fields.String(allow_none=True)  # null: an unreadable punch of a batch
    client_id = ma.fields.UUID(allow_none=True)
    occurred_at = Timestamp(allow_none=True)
    received_at = Timestamp()
    lat = ma.fields.Float(allow_none=True)
    lon = ma.fields.Float(allow_none=True)
    accuracy_m = ma.fields.Float(allow_none=True)
    device_id = ma.fields.String(allow_none=True)
    mock_location = ma.fields.Boolean()
    source = ma.fields.String()
    payload = ma.fields.Dict()
    decision = ma.fields.String(metadata={"enum": list(PUNCH_DECISIONS)})
    reason = ma.fields.String(allow_none=True)
    geofence_id = ma.fields.UUID(allow_none=True)
    geofence_result = ma.fields.String(allow_none=True)
    distance_m = ma.fields.Float(allow_none=True)
    flags = ma.fields.List(ma.fields.String())
    time_entry_id = ma.fields.UUID(allow_none=True)


class ClockEventQueryArgsSchema(PageArgsSchema):
    employee_id = ma.fields.UUID()
    from_ = DateOrTimestamp(data_key="from")
    to = DateOrTimestamp()
    decision = ma.fields.String(validate=ma.validate.OneOf(PUNCH_DECISIONS))
    type = ma.fields.String(validate=ma.validate.OneOf(PUNCH_TYPES))
