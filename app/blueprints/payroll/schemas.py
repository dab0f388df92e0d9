"""Payroll export requests and runs, and the organization's payroll settings."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import PageArgsSchema, Schema, Timestamp
from app.models.payroll import EXPORT_FORMATS, EXPORT_STATUSES


class PayrollExportCreateSchema(Schema):
    period_start = ma.fields.Date(required=True)
    period_end = ma.fields.Date(required=True, metadata={"description": "Inclusive."})
    format = ma.fields.String(required=True, validate=ma.validate.OneOf(EXPORT_FORMATS))


class PayrollExportSchema(Schema):
    id = ma.fields.UUID(required=True)
    status = ma.fields.String(required=True, metadata={"enum": list(EXPORT_STATUSES)})
    job_id = ma.fields.String(required=True, metadata={"description": "See GET /jobs/{id}."})
    format = ma.fields.String(required=True, metadata={"enum": list(EXPORT_FORMATS)})
    period_start = ma.fields.Date(required=True)
    period_end = ma.fields.Date(required=True)
    progress = ma.fields.Integer(required=True, metadata={"description": "0 to 100"})
    row_count = ma.fields.Integer(allow_none=True, metadata={"description": "Employees."})
    entry_count = ma.fields.Integer(allow_none=True)
    sha256 = ma.fields.String(allow_none=True, metadata={"description": "The file's ETag."})
    file_name = ma.fields.String(allow_none=True)
    media_type = ma.fields.String(allow_none=True)
    size_bytes = ma.fields.Integer(allow_none=True)
    totals = ma.fields.Dict(allow_none=True)
    excluded = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "Entries of the period left out: unapproved, open, already_exported."
        },
    )
    error = ma.fields.String(allow_none=True)
    attempts = ma.fields.Integer()
    requested_by = ma.fields.UUID()
    created_at = Timestamp()
    started_at = Timestamp(allow_none=True)
    finished_at = Timestamp(allow_none=True)
    confirmed_at = Timestamp(allow_none=True)
    confirmed_by = ma.fields.UUID(allow_none=True)


class PayrollExportQueryArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(EXPORT_STATUSES))


def _setting(max_length: int, description: str) -> ma.fields.String:
    return ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(min=1, max=max_length),
        metadata={"description": description},
    )


class PayrollSettingsSchema(Schema):
    adp_company_code = _setting(3, "ADP Workforce Now company code (Co Code).")
    adp_batch_id = _setting(8, "ADP batch id; default the period end as yyyymmdd.")
    adp_double_time_code = _setting(3, 'ADP Hours 3 code for double time; default "DT".')
    adp_file_suffix = _setting(2, 'Two characters ending the EPI file name; default "01".')
    quickbooks_company_name = _setting(255, "Exactly as in QuickBooks' company information.")
    quickbooks_company_create_time = _setting(20, "COMPANYCREATETIME of the TIMERHDR block.")
    quickbooks_regular_item = _setting(100, 'Payroll item; default "Regular Pay".')
    quickbooks_overtime_item = _setting(100, 'Payroll item; default "Overtime Rate".')
    quickbooks_double_time_item = _setting(100, 'Payroll item; default "Double Time Rate".')
