"""Request and response bodies of the auth endpoints."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Currency, Schema, TimeZone
from app.models.identity import ROLES, USER_STATUSES
from app.services.identity.passwords import PASSWORD_DOC


class OrganizationSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    timezone = TimeZone(load_default="UTC")
    currency = Currency(load_default="USD")
    bin = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=12))
    legal_name = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=255))
    created_at = ma.fields.AwareDateTime(dump_only=True)


class WorkspaceSummarySchema(Schema):
    """The workspace a registration made (the full row: `GET /workspaces/{id}`)."""

    id = ma.fields.UUID(dump_only=True)
    organization_id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)
    type = ma.fields.String(dump_only=True)


class UserSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    email = ma.fields.Email(dump_only=True)
    first_name = ma.fields.String(dump_only=True)
    last_name = ma.fields.String(dump_only=True)
    phone = ma.fields.String(dump_only=True, allow_none=True)
    role = ma.fields.String(dump_only=True, metadata={"enum": list(ROLES)})
    status = ma.fields.String(dump_only=True, metadata={"enum": list(USER_STATUSES)})
    organization_id = ma.fields.UUID(dump_only=True)
    workspace_id = ma.fields.UUID(dump_only=True)
    employee_id = ma.fields.Method(
        "_employee_id",
        dump_only=True,
        allow_none=True,
        metadata={"type": "string", "format": "uuid"},
    )
    last_login_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    updated_at = ma.fields.AwareDateTime(dump_only=True)

    def _employee_id(self, user: object) -> str | None:
        employee = getattr(user, "employee", None)
        return str(employee.id) if employee is not None else None


class OwnerSchema(Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=255))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=1024), metadata=PASSWORD_DOC
    )
    first_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    last_name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))


class RegisterSchema(Schema):
    organization = ma.fields.Nested(OrganizationSchema, required=True)
    owner = ma.fields.Nested(OwnerSchema, required=True)


class RegisterResponseSchema(Schema):
    organization = ma.fields.Nested(OrganizationSchema)
    workspace = ma.fields.Nested(WorkspaceSummarySchema)
    user = ma.fields.Nested(UserSchema)
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()


class LoginSchema(Schema):
    email = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=1024)
    )


class TokensSchema(Schema):
    access_token = ma.fields.String()
    refresh_token = ma.fields.String()
    token_type = ma.fields.String()
    expires_in = ma.fields.Integer()
    user = ma.fields.Nested(UserSchema)
