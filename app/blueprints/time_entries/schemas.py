"""Time-entry bodies (manual entries, edits, reasons) and filters."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import DateOrTimestamp, Money, PageArgsSchema, Schema, Timestamp
from app.models.time_tracking import ENTRY_STATUSES


class TimeEntrySchema(Schema):
    id = ma.fields.UUID()
    employee_id = ma.fields.UUID()
    entry_date = ma.fields.Date()
    started_at = Timestamp()
    ended_at = Timestamp(allow_none=True)
    paid_started_at = Timestamp()
    paid_ended_at = Timestamp(allow_none=True)
    duration_seconds = ma.fields.Integer()
    break_seconds = ma.fields.Integer()
    auto_break_seconds = ma.fields.Integer()
    worked_seconds = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": list(ENTRY_STATUSES)})
    source = ma.fields.String()
    task_id = ma.fields.UUID(allow_none=True)
    sales_order_id = ma.fields.UUID(allow_none=True)
    shift_id = ma.fields.UUID(allow_none=True)
    geofence_id = ma.fields.UUID(allow_none=True)
    clock_in_geo = ma.fields.Dict(allow_none=True)
    clock_out_geo = ma.fields.Dict(allow_none=True)
    flags = ma.fields.List(ma.fields.String())
    note = ma.fields.String(allow_none=True)
    approved_by = ma.fields.UUID(allow_none=True)
    approved_at = Timestamp(allow_none=True)
    rejection_reason = ma.fields.String(allow_none=True)
    payroll_export_id = ma.fields.UUID(allow_none=True)
    # Billing columns of the shared schema: read-only here, no endpoint writes them yet.
    project_id = ma.fields.UUID(dump_only=True, allow_none=True)
    description = ma.fields.String(dump_only=True, allow_none=True)
    # The shared schema's `time_entries.hourly_rate` is what a customer is billed per hour, not
    # the employee's pay (that is `employees.hourly_rate`): named for what it is.
    billing_rate = Money(
        attribute="hourly_rate",
        dump_only=True,
        metadata={"description": "What the customer is billed per hour (not the pay rate)."},
    )
    billable_amount = Money(
        dump_only=True,
        metadata={"description": "Computed by the database: worked time x rate, if billable."},
    )
    created_at = Timestamp()
    updated_at = Timestamp()


class TimeEntryQueryArgsSchema(PageArgsSchema):
    employee_id = ma.fields.UUID()
    from_ = DateOrTimestamp(data_key="from")
    to = DateOrTimestamp()
    status = ma.fields.String(validate=ma.validate.OneOf(ENTRY_STATUSES))
    flagged = ma.fields.Boolean()
    task_id = ma.fields.UUID()


SALES_ORDER_ID = ma.fields.UUID(
    allow_none=True,
    metadata={"description": "The open sales order this time is billed on, once approved."},
)


class TimeEntryCreateSchema(Schema):
    employee_id = ma.fields.UUID(metadata={"description": "Yours when omitted."})
    started_at = Timestamp(required=True)
    ended_at = Timestamp(required=True)
    break_seconds = ma.fields.Integer(
        validate=ma.validate.Range(min=0), metadata={"description": "Unpaid break taken."}
    )
    task_id = ma.fields.UUID(allow_none=True)
    sales_order_id = SALES_ORDER_ID
    note = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=2000),
        metadata={"description": "Why the time is entered by hand."},
    )
    status = ma.fields.String(
        validate=ma.validate.OneOf(("submitted", "draft")),
        metadata={"description": "`submitted` (default) or `draft` to submit later."},
    )


class TimeEntryPatchSchema(Schema):
    started_at = Timestamp()
    ended_at = Timestamp()
    break_seconds = ma.fields.Integer(validate=ma.validate.Range(min=0))
    task_id = ma.fields.UUID(allow_none=True)
    sales_order_id = SALES_ORDER_ID
    note = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000))


class ReasonSchema(Schema):
    # 2000 like the bulk decision's reason (approvals); unbounded text was stored as sent.
    reason = ma.fields.String(
        required=True,
        validate=[
            ma.validate.Length(max=2000),
            ma.validate.Regexp(r"\S", error="A reason is required."),
        ],
    )
