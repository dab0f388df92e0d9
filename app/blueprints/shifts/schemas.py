"""Shift bodies and filters, and the body of `/shifts/generate`."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.blueprints.common import DateOrTimestamp, PageArgsSchema, Schema, Timestamp, TimeZone
from app.models.scheduling import SHIFT_STATUSES

MINUTES = ma.validate.Range(min=0, max=480)


class ShiftSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    employee_id = ma.fields.UUID()
    template_id = ma.fields.UUID(allow_none=True)
    geofence_id = ma.fields.UUID(allow_none=True)
    task_id = ma.fields.UUID(allow_none=True)
    starts_at = Timestamp()
    ends_at = Timestamp()
    duration_seconds = ma.fields.Method("_duration", dump_only=True, metadata={"type": "integer"})
    unpaid_break_minutes = ma.fields.Integer(validate=MINUTES)
    paid_break_minutes = ma.fields.Integer(validate=MINUTES)
    grace_minutes = ma.fields.Integer(validate=ma.validate.Range(min=0, max=240))
    timezone = TimeZone(allow_none=True)
    status = ma.fields.String(validate=ma.validate.OneOf(SHIFT_STATUSES))
    missed = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "Scheduled, start + grace passed, and nobody clocked in."},
    )
    notes = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=10_000))
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _duration(self, shift: Any) -> int:
        return int((shift.ends_at - shift.starts_at).total_seconds())


class ShiftCreateSchema(ShiftSchema):
    employee_id = ma.fields.UUID(required=True)
    starts_at = Timestamp(required=True)
    ends_at = Timestamp(required=True)
    status = ma.fields.String(dump_only=True)


class ShiftQueryArgsSchema(PageArgsSchema):
    employee_id = ma.fields.UUID()
    template_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(SHIFT_STATUSES))
    missed = ma.fields.Boolean()
    from_ = DateOrTimestamp(data_key="from", metadata={"description": "On starts_at."})
    to = DateOrTimestamp(metadata={"description": "On starts_at; a date is inclusive."})


class MyShiftQueryArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(SHIFT_STATUSES))
    missed = ma.fields.Boolean()
    from_ = DateOrTimestamp(data_key="from")
    to = DateOrTimestamp()


class GenerateSchema(Schema):
    template_id = ma.fields.UUID(required=True)
    employee_ids = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=500)
    )
    from_date = ma.fields.Date(required=True)
    to_date = ma.fields.Date(required=True, metadata={"description": "Inclusive."})
