"""Employee bodies and filters."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Currency, Money, PageArgsSchema, Schema, TimeZone
from app.models.identity import EMPLOYEE_STATUSES, ROLES
from app.services.identity.passwords import PASSWORD_DOC

NAME = ma.validate.Length(min=1, max=100)
NUMBER = ma.validate.Length(min=1, max=50)


class EmployeeSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    user_id = ma.fields.UUID(dump_only=True)
    employee_number = ma.fields.String()
    first_name = ma.fields.String(attribute="user.first_name")
    last_name = ma.fields.String(attribute="user.last_name")
    email = ma.fields.Email(attribute="user.email")
    phone = ma.fields.String(attribute="user.phone", allow_none=True)
    role = ma.fields.String(attribute="user.role", metadata={"enum": list(ROLES)})
    status = ma.fields.String(metadata={"enum": list(EMPLOYEE_STATUSES)})
    hourly_rate = Money()
    currency = ma.fields.String()
    manager_id = ma.fields.UUID(allow_none=True)
    department_id = ma.fields.UUID(allow_none=True)
    department = ma.fields.String(attribute="department_name", allow_none=True)
    timezone = ma.fields.String(allow_none=True)
    overtime_policy_id = ma.fields.UUID(allow_none=True)
    geofence_ids = ma.fields.List(ma.fields.UUID())
    position = ma.fields.String(allow_none=True)
    hire_date = ma.fields.Date(allow_none=True)
    termination_date = ma.fields.Date(allow_none=True)
    organization_id = ma.fields.UUID()
    workspace_id = ma.fields.UUID()
    created_at = ma.fields.AwareDateTime()
    updated_at = ma.fields.AwareDateTime()


class _EmployeeWritable(Schema):
    first_name = ma.fields.String(validate=NAME)
    last_name = ma.fields.String(validate=NAME)
    email = ma.fields.Email(validate=ma.validate.Length(max=255))
    phone = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=20))
    role = ma.fields.String(validate=ma.validate.OneOf(ROLES))
    employee_number = ma.fields.String(validate=NUMBER)
    hourly_rate = Money()
    currency = Currency()
    manager_id = ma.fields.UUID(allow_none=True)
    department = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=255))
    timezone = TimeZone(allow_none=True)
    overtime_policy_id = ma.fields.UUID(allow_none=True)
    geofence_ids = ma.fields.List(
        ma.fields.UUID(),
        validate=ma.validate.Length(max=1000),
        metadata={"description": "Where the employee may punch; empty: any workspace fence"},
    )
    position = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=255))
    hire_date = ma.fields.Date(allow_none=True)
    status = ma.fields.String(validate=ma.validate.OneOf(EMPLOYEE_STATUSES))


class EmployeeCreateSchema(_EmployeeWritable):
    first_name = ma.fields.String(required=True, validate=NAME)
    last_name = ma.fields.String(required=True, validate=NAME)
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=255))
    password = ma.fields.String(
        load_only=True, validate=ma.validate.Length(max=1024), metadata=PASSWORD_DOC
    )
    employee_number = ma.fields.String(required=True, validate=NUMBER)
    hourly_rate = Money(required=True)


class EmployeePatchSchema(_EmployeeWritable):
    termination_date = ma.fields.Date(allow_none=True)


class EmployeeQueryArgsSchema(PageArgsSchema):
    manager_id = ma.fields.UUID()
    department_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(EMPLOYEE_STATUSES))
    q = ma.fields.String(validate=ma.validate.Length(max=100))
