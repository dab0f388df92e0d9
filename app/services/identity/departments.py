"""Departments: one that employees still belong to cannot be deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import InUse
from app.extensions import db
from app.models import Employee, User
from app.openapi import raises
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


class DepartmentService(ResourceService):
    @raises(InUse)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        in_use = db.session.scalar(
            sa.select(Employee.id)
            .where(Employee.department_id == obj.id, Employee.deleted_at.is_(None))
            .limit(1)
        )
        if in_use is not None:
            raise InUse("Employees still belong to this department.")
        super().delete(res, obj, actor)
