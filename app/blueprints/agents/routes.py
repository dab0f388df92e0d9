"""`/api/v1/conversations`, `/messages`, `/tool-calls` (append-only), `/documents`,
`/model-registry`, `/agent-runs`, `/agent-steps` (append-only): plain resources."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import APPEND_ONLY, Resource, register
from app.models.agents import (
    AgentRun,
    AgentStep,
    Conversation,
    Document,
    Message,
    ModelRegistryEntry,
    ToolCall,
)
from app.services.periods import PeriodService

blp = Blueprint("agents", __name__, url_prefix="/api/v1", description="Agents and documents.")

register(
    blp,
    Resource(
        Conversation,
        "agents",
        date_field="started_at",
        default_sort=("-started_at",),
        service=PeriodService(("started_at", "ended_at")),
    ),
)
register(
    blp,
    Resource(
        Message,
        "agents",
        date_field="created_at",
        search=("content",),
        default_sort=("created_at",),
    ),
)
register(
    blp,
    Resource(
        ToolCall,
        "agents",
        methods=APPEND_ONLY,
        date_field="created_at",
        search=("tool_name", "agent"),
        default_sort=("-created_at",),
    ),
)
register(blp, Resource(Document, "agents", search=("title", "path"), date_field="created_at"))
register(blp, Resource(ModelRegistryEntry, "agents", path="/model-registry"))
register(
    blp,
    Resource(
        AgentRun,
        "agents",
        date_field="started_at",
        search=("goal",),
        default_sort=("-started_at",),
        service=PeriodService(("started_at", "finished_at")),
    ),
)
register(
    blp,
    Resource(
        AgentStep,
        "agents",
        methods=APPEND_ONLY,
        search=("tool_id",),
        default_sort=("run_id", "step_number"),
    ),
)
