"""`/api/v1/time-entries`: worked time, scoped to what the caller may see."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint, paginate, with_etag
from app.blueprints.time_entries.schemas import TimeEntryQueryArgsSchema, TimeEntrySchema
from app.security import current_actor, requires
from app.services import time_entries

blp = Blueprint(
    "time_entries", __name__, url_prefix="/api/v1/time-entries", description="Time entries."
)


@blp.route("")
class TimeEntries(MethodView):
    @requires("time:read")
    @blp.arguments(TimeEntryQueryArgsSchema, location="query")
    @blp.response(200, TimeEntrySchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List time entries (own, reports', or all by role), newest first."""
        return paginate(time_entries.search(current_actor(), args), args)


@blp.route("/<uuid:entry_id>")
class TimeEntryById(MethodView):
    @requires("time:read")
    @blp.response(200, TimeEntrySchema)
    def get(self, entry_id: uuid.UUID) -> Any:
        """Get a time entry."""
        return with_etag(
            TimeEntrySchema(), time_entries.get_visible_entry(current_actor(), entry_id)
        )
