"""`/api/v1/departments`, registered through the generic resource layer."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models import Department
from app.services.identity.departments import DepartmentService

blp = Blueprint("departments", __name__, url_prefix="/api/v1", description="Departments.")

register(blp, Resource(Department, "departments", service=DepartmentService()))
