"""`/api/v1/shift-templates`: plain CRUD through the generic resource layer."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.blueprints.shift_templates.schemas import SHIFT_TEMPLATE_FIELDS
from app.models import ShiftTemplate
from app.services.time_tracking.shifts import ShiftTemplateService

blp = Blueprint(
    "shift_templates",
    __name__,
    url_prefix="/api/v1",
    description="Shift templates: recurring wall-clock schedules, their breaks, grace and rules.",
)

register(
    blp,
    Resource(
        ShiftTemplate,
        "shift_templates",
        fields=SHIFT_TEMPLATE_FIELDS,
        service=ShiftTemplateService(),
    ),
)
