"""Shift template fields the model alone cannot state (wall-clock times, weekdays, zones and
the rounding/auto-break overrides); the rest of the schema is derived from the model."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import TimeZone, WallTime
from app.blueprints.settings.schemas import AutoBreakSchema, RoundingSchema


def _distinct_days(days: list[int]) -> None:
    if len(set(days)) != len(days):
        raise ma.ValidationError("Each day at most once.")


MINUTES = ma.validate.Range(min=0, max=480)

SHIFT_TEMPLATE_FIELDS: dict[str, ma.fields.Field] = {
    "name": ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255)),
    "start_time": WallTime(required=True, metadata={"description": "Local HH:MM."}),
    "end_time": WallTime(
        required=True,
        metadata={"description": "Local HH:MM; not after start_time means the next day."},
    ),
    "days_of_week": ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=0, max=6)),
        required=True,
        validate=[ma.validate.Length(min=1, max=7), _distinct_days],
        metadata={"description": "0 = Monday … 6 = Sunday."},
    ),
    "unpaid_break_minutes": ma.fields.Integer(validate=MINUTES),
    "paid_break_minutes": ma.fields.Integer(validate=MINUTES),
    "grace_minutes": ma.fields.Integer(validate=ma.validate.Range(min=0, max=240)),
    "timezone": TimeZone(
        allow_none=True, metadata={"description": "IANA zone; the organization's when null."}
    ),
    "rounding": ma.fields.Nested(
        RoundingSchema, allow_none=True, metadata={"description": "Overrides /settings/time."}
    ),
    "auto_break": ma.fields.Nested(
        AutoBreakSchema, allow_none=True, metadata={"description": "Overrides /settings/time."}
    ),
}
