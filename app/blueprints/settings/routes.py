"""`/api/v1/settings/time`: the organization's rounding rule and automatic break (owner/admin)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint
from app.blueprints.settings.schemas import TimeSettingsSchema
from app.extensions import db
from app.security import current_actor, requires
from app.services import settings

blp = Blueprint(
    "settings", __name__, url_prefix="/api/v1/settings", description="Organization settings."
)


@blp.route("/time")
class TimeSettings(MethodView):
    @requires("settings:time")
    @blp.response(200, TimeSettingsSchema)
    def get(self) -> Any:
        """Get the time rules (rounding, automatic break); defaults when never set."""
        return settings.time_settings(current_actor().organization_id)

    @requires("settings:time")
    @blp.arguments(TimeSettingsSchema)
    @blp.response(200, TimeSettingsSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Replace the time rules; shift templates may override them for their shifts."""
        result = settings.put_time_settings(current_actor(), body)
        db.session.commit()
        return result
