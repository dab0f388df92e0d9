"""Department bodies and filters."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Money, PageArgsSchema, Schema


class DepartmentSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    organization_id = ma.fields.UUID(dump_only=True)
    workspace_id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    code = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=50))
    description = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=10_000))
    parent_id = ma.fields.UUID(allow_none=True)
    head_id = ma.fields.UUID(allow_none=True)
    budget = Money(allow_none=True)
    cost_center = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=50))
    is_active = ma.fields.Boolean()
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)


class DepartmentPatchSchema(DepartmentSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=255))


class DepartmentQueryArgsSchema(PageArgsSchema):
    parent_id = ma.fields.UUID()
    is_active = ma.fields.Boolean()
    q = ma.fields.String(validate=ma.validate.Length(max=100))
