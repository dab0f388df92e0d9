"""`/api/v1/departments`, registered through the generic resource layer."""

from __future__ import annotations

import sqlalchemy as sa

from app.blueprints.common import Blueprint
from app.blueprints.departments.schemas import (
    DepartmentPatchSchema,
    DepartmentQueryArgsSchema,
    DepartmentSchema,
)
from app.blueprints.resource import Resource, register
from app.errors import InUse
from app.extensions import db
from app.models import Department, Employee, User
from app.openapi import raises

blp = Blueprint("departments", __name__, url_prefix="/api/v1", description="Departments.")


@raises(InUse)
def _check_unused(actor: User, department: Department) -> None:
    in_use = db.session.scalar(
        sa.select(Employee.id)
        .where(Employee.department_id == department.id, Employee.deleted_at.is_(None))
        .limit(1)
    )
    if in_use is not None:
        raise InUse("Employees still belong to this department.")


register(
    blp,
    "/departments",
    Resource(
        model=Department,
        schema=DepartmentSchema,
        create_schema=DepartmentSchema,
        patch_schema=DepartmentPatchSchema,
        query_schema=DepartmentQueryArgsSchema,
        read="departments:read",
        write="departments:write",
        equal_filters=("parent_id", "is_active"),
        text_search=("name", "code"),
        check_delete=_check_unused,
    ),
)
