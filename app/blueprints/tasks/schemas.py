"""Task bodies and filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from app.blueprints.common import Money, PageArgsSchema, Schema, Timestamp
from app.models.scheduling import TASK_PRIORITIES, TASK_STATUSES

ME_OR_UUID = r"^(me|[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12})$"


class MeOrId(ma.fields.Field):
    """An employee id, or `me` for the caller's own."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value == "me":
            return "me"
        return ma.fields.UUID()._deserialize(value, attr, data, **kwargs)


class TaskSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=500))
    description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=20_000))
    type = ma.fields.String(validate=ma.validate.Length(min=1, max=50))
    category = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=50))
    priority = ma.fields.String(validate=ma.validate.OneOf(TASK_PRIORITIES))
    # (titled: a generated client would name it TaskStatus, the name of the status-change body)
    status = ma.fields.String(
        dump_only=True, metadata={"enum": list(TASK_STATUSES), "title": "TaskState"}
    )
    progress_percent = ma.fields.Integer(dump_only=True)
    assigned_to = ma.fields.UUID(allow_none=True)
    assigned_by = ma.fields.UUID(dump_only=True, allow_none=True)
    department_id = ma.fields.UUID(allow_none=True)
    customer_id = ma.fields.UUID(allow_none=True)
    parent_task_id = ma.fields.UUID(allow_none=True)
    geofence_id = ma.fields.UUID(allow_none=True)
    # Money allows 12 integer digits; the column is Numeric(8, 2) (PostgreSQL: overflow, a 500).
    estimated_hours = Money(
        allow_none=True,
        validate=ma.validate.Range(max=Decimal("999999.99")),
        metadata={"description": 'Hours, e.g. "8.00".'},
    )
    actual_hours = ma.fields.Decimal(
        places=2,
        as_string=True,
        dump_only=True,
        metadata={"description": "Worked hours of the time entries booked to this task."},
    )
    start_date = ma.fields.Date(allow_none=True)
    due_date = ma.fields.Date(allow_none=True)
    completed_date = ma.fields.Date(dump_only=True, allow_none=True)
    tags = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=50)))
    notes = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=20_000))
    created_by = ma.fields.UUID(dump_only=True, allow_none=True)
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)


class TaskCreateSchema(TaskSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class TaskQueryArgsSchema(PageArgsSchema):
    assigned_to = MeOrId(
        metadata={
            "type": "string",
            "pattern": ME_OR_UUID,
            "description": "An employee id, or `me`.",
        }
    )
    status = ma.fields.String(validate=ma.validate.OneOf(TASK_STATUSES))
    priority = ma.fields.String(validate=ma.validate.OneOf(TASK_PRIORITIES))
    parent_task_id = ma.fields.UUID(metadata={"description": "The subtasks of this task."})
    q = ma.fields.String(validate=ma.validate.Length(max=100))


class TaskStatusSchema(Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(TASK_STATUSES))
    progress_percent = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100))
