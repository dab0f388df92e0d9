"""Shift template bodies and filters."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.blueprints.common import PageArgsSchema, Schema, TimeZone
from app.blueprints.settings.schemas import AutoBreakSchema, RoundingSchema

MINUTES = ma.validate.Range(min=0, max=480)


def _distinct_days(days: list[int]) -> None:
    if len(set(days)) != len(days):
        raise ma.ValidationError("Each day at most once.")


class ShiftTemplateSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    organization_id = ma.fields.UUID(dump_only=True)
    workspace_id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=255))
    start_time = ma.fields.Time(format="%H:%M", metadata={"description": "Local HH:MM."})
    end_time = ma.fields.Time(
        format="%H:%M",
        metadata={"description": "Local HH:MM; not after start_time means the next day."},
    )
    days_of_week = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=0, max=6)),
        validate=[ma.validate.Length(min=1, max=7), _distinct_days],
        metadata={"description": "0 = Monday … 6 = Sunday."},
    )
    unpaid_break_minutes = ma.fields.Integer(validate=MINUTES)
    paid_break_minutes = ma.fields.Integer(validate=MINUTES)
    grace_minutes = ma.fields.Integer(validate=ma.validate.Range(min=0, max=240))
    geofence_id = ma.fields.UUID(allow_none=True)
    timezone = TimeZone(
        allow_none=True, metadata={"description": "IANA zone; the organization's when null."}
    )
    rounding = ma.fields.Nested(
        RoundingSchema, allow_none=True, metadata={"description": "Overrides /settings/time."}
    )
    auto_break = ma.fields.Nested(
        AutoBreakSchema, allow_none=True, metadata={"description": "Overrides /settings/time."}
    )
    is_active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    @ma.post_load
    def sorted_days(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if "days_of_week" in data:
            data["days_of_week"] = sorted(data["days_of_week"])
        return data


class ShiftTemplateCreateSchema(ShiftTemplateSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    start_time = ma.fields.Time(format="%H:%M", required=True)
    end_time = ma.fields.Time(format="%H:%M", required=True)
    days_of_week = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=0, max=6)),
        required=True,
        validate=[ma.validate.Length(min=1, max=7), _distinct_days],
    )


class ShiftTemplateQueryArgsSchema(PageArgsSchema):
    is_active = ma.fields.Boolean()
    q = ma.fields.String(validate=ma.validate.Length(max=100))
