"""`/api/v1/employees`: employees visible to the caller (all, reports, or self)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app import rate_limits
from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.employees.schemas import (
    EmployeeCreateSchema,
    EmployeePatchSchema,
    EmployeeQueryArgsSchema,
    EmployeeSchema,
)
from app.errors import RoleNotAssignable
from app.extensions import db
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services.identity import employees
from app.services.identity.passwords import WeakPassword
from app.services.identity.users import LastOwner

blp = Blueprint(
    "employees",
    __name__,
    url_prefix="/api/v1/employees",
    description="Employees; managers see their reports, employees themselves.",
)


@blp.route("")
class Employees(MethodView):
    @requires("employees:read")
    @blp.arguments(EmployeeQueryArgsSchema, location="query")
    @blp.response(200, EmployeeSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List the employees the caller may see."""
        return paginate(employees.search(current_actor(), args), args)

    @rate_limits.apply(*rate_limits.email_taken_limits)
    @requires("employees:write")
    @blp.arguments(EmployeeCreateSchema)
    @blp.response(201, EmployeeSchema)
    @etagged
    @raises(WeakPassword, RoleNotAssignable)
    def post(self, body: dict[str, Any]) -> Any:
        """Create an employee and the user they log in with."""
        employee = employees.create_employee(current_actor(), body)
        db.session.commit()
        return with_etag(EmployeeSchema(), employee, 201)


@blp.route("/<uuid:employee_id>")
class EmployeeById(MethodView):
    @requires("employees:read")
    @blp.response(200, EmployeeSchema)
    @etagged
    def get(self, employee_id: uuid.UUID) -> Any:
        """Get an employee."""
        return with_etag(EmployeeSchema(), employees.get_visible(current_actor(), employee_id))

    @requires("employees:write")
    @blp.arguments(EmployeePatchSchema)
    @blp.response(200, EmployeeSchema)
    @etagged
    @raises(WeakPassword, RoleNotAssignable, LastOwner)
    def patch(self, body: dict[str, Any], employee_id: uuid.UUID) -> Any:
        """Change an employee (pay, manager, department, status, names)."""
        employee = employees.get_visible(current_actor(), employee_id)
        check_if_match(EmployeeSchema(), employee)
        employees.update_employee(current_actor(), employee, body)
        db.session.commit()
        return with_etag(EmployeeSchema(), employee)
