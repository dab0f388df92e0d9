"""`/api/v1/shift-templates`: plain CRUD through the generic resource layer."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.blueprints.shift_templates.schemas import (
    ShiftTemplateCreateSchema,
    ShiftTemplateQueryArgsSchema,
    ShiftTemplateSchema,
)
from app.models import ShiftTemplate

blp = Blueprint(
    "shift_templates",
    __name__,
    url_prefix="/api/v1",
    description="Shift templates: recurring wall-clock schedules, their breaks, grace and rules.",
)

register(
    blp,
    "/shift-templates",
    Resource(
        model=ShiftTemplate,
        schema=ShiftTemplateSchema,
        create_schema=ShiftTemplateCreateSchema,
        patch_schema=ShiftTemplateSchema,
        query_schema=ShiftTemplateQueryArgsSchema,
        read="shift_templates:read",
        write="shift_templates:write",
        equal_filters=("is_active",),
        text_search=("name",),
        label="shift templates",
    ),
)
