"""Approval request bodies, filters and bulk decision bodies/results."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.blueprints.common import PageArgsSchema, Schema, Timestamp
from app.models.approvals import APPROVAL_STATUSES

DECISIONS = ("approve", "reject")


class ApprovalSchema(Schema):
    id = ma.fields.UUID()
    module = ma.fields.String(metadata={"description": "e.g. `time_entries`."})
    entity_id = ma.fields.UUID()
    subject_employee_id = ma.fields.UUID(allow_none=True)
    payload = ma.fields.Dict(attribute="payload_json")
    status = ma.fields.String(metadata={"enum": list(APPROVAL_STATUSES)})
    requested_by = ma.fields.UUID(allow_none=True)
    decided_by = ma.fields.UUID(allow_none=True)
    decided_at = Timestamp(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    created_at = Timestamp()


class ApprovalQueryArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(APPROVAL_STATUSES))
    module = ma.fields.String(validate=ma.validate.Length(max=50))
    subject_employee_id = ma.fields.UUID()
    entity_id = ma.fields.UUID()


class DecisionSchema(Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(DECISIONS))
    reason = ma.fields.String(validate=ma.validate.Length(max=2000))

    @ma.validates_schema
    def reason_to_reject(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data["decision"] == "reject" and not (data.get("reason") or "").strip():
            raise ma.ValidationError("A reason is required to reject.", "reason")


class BulkDecisionSchema(DecisionSchema):
    ids = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=500)
    )


class BulkResultSchema(Schema):
    id = ma.fields.UUID()
    ok = ma.fields.Boolean()
    status = ma.fields.String(allow_none=True, metadata={"description": "The entry's status now."})
    error = ma.fields.String(
        allow_none=True, metadata={"description": "Machine code, e.g. ENTRY_LOCKED."}
    )
    message = ma.fields.String(allow_none=True)


class BulkResultsSchema(Schema):
    results = ma.fields.List(ma.fields.Nested(BulkResultSchema))
