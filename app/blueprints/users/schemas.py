"""User bodies and filters."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.auth.schemas import UserSchema
from app.blueprints.common import PageArgsSchema, Schema
from app.models.identity import ROLES, USER_STATUSES
from app.services.identity.passwords import PASSWORD_DOC

__all__ = ["UserCreateSchema", "UserPatchSchema", "UserQueryArgsSchema", "UserSchema"]

NAME = ma.validate.Length(min=1, max=100)


class UserCreateSchema(Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=255))
    password = ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(max=1024), metadata=PASSWORD_DOC
    )
    first_name = ma.fields.String(required=True, validate=NAME)
    last_name = ma.fields.String(required=True, validate=NAME)
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=20))
    role = ma.fields.String(load_default="employee", validate=ma.validate.OneOf(ROLES))


class UserPatchSchema(Schema):
    email = ma.fields.Email(validate=ma.validate.Length(max=255))
    password = ma.fields.String(
        load_only=True, validate=ma.validate.Length(max=1024), metadata=PASSWORD_DOC
    )
    first_name = ma.fields.String(validate=NAME)
    last_name = ma.fields.String(validate=NAME)
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=20))
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    status = ma.fields.String(validate=ma.validate.OneOf(USER_STATUSES))


class UserQueryArgsSchema(PageArgsSchema):
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    status = ma.fields.String(validate=ma.validate.OneOf(USER_STATUSES))
    q = ma.fields.String(validate=ma.validate.Length(max=100))
