"""Weekly summaries as the API shows them: hours as 2-place strings, money with currency."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Money, PageArgsSchema, Schema, Timestamp
from overtime import seconds_to_hours

HOURS = {"type": "string", "example": "41.50"}


class WeeklySummarySchema(Schema):
    employee_id = ma.fields.UUID()
    week_start = ma.fields.Date()
    regular_hours = ma.fields.Function(lambda r: _h(r.regular_seconds), metadata=HOURS)
    overtime_hours = ma.fields.Function(lambda r: _h(r.overtime_seconds), metadata=HOURS)
    double_time_hours = ma.fields.Function(lambda r: _h(r.double_time_seconds), metadata=HOURS)
    break_hours = ma.fields.Function(lambda r: _h(r.break_seconds), metadata=HOURS)
    worked_hours = ma.fields.Function(lambda r: _h(r.worked_seconds), metadata=HOURS)
    gross_pay = Money()
    currency = ma.fields.String()
    entries = ma.fields.Integer()
    flagged_entries = ma.fields.Integer()
    approved = ma.fields.Boolean(metadata={"description": "Every entry approved (or later)."})
    hourly_rate = Money()
    regular_pay = Money()
    overtime_pay = Money()
    double_time_pay = Money()
    regular_seconds = ma.fields.Integer()
    overtime_seconds = ma.fields.Integer()
    double_time_seconds = ma.fields.Integer()
    break_seconds = ma.fields.Integer()
    worked_seconds = ma.fields.Integer()
    computed_at = Timestamp(metadata={"description": "When these numbers last changed."})


def _h(seconds: int) -> str:
    return f"{seconds_to_hours(seconds)}"


class WeeklySummaryQueryArgsSchema(PageArgsSchema):
    week_start = ma.fields.Date(metadata={"description": "The workweek's first day."})
    employee_id = ma.fields.UUID()


class RecomputeSchema(Schema):
    week_start = ma.fields.Date(
        required=True, metadata={"description": "A day of the workweek to recompute."}
    )


class JobAcceptedSchema(Schema):
    job_id = ma.fields.String(required=True, metadata={"description": "See GET /jobs/{id}."})
