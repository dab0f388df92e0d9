"""`/api/v1/settings/time`: the organization's rounding rule and automatic break (owner/admin);
`/api/v1/settings/approval-thresholds`: the amounts at which documents wait for an approval."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint
from app.blueprints.settings.schemas import ApprovalThresholdsSchema, TimeSettingsSchema
from app.extensions import db
from app.security import current_actor, requires
from app.services import approval_settings, settings

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


@blp.route("/approval-thresholds")
class ApprovalThresholds(MethodView):
    @requires("settings:approvals:read")
    @blp.response(200, ApprovalThresholdsSchema)
    def get(self) -> Any:
        """Get the approval thresholds (purchase orders, invoices, payments) and whether
        inventory adjustments need an approval; defaults when never set."""
        return approval_settings.approval_settings(current_actor().organization_id)

    @requires("settings:approvals:write")
    @blp.arguments(ApprovalThresholdsSchema)
    @blp.response(200, ApprovalThresholdsSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Replace them: a field left out goes back to its default, a null threshold turns
        that approval off."""
        result = approval_settings.put_approval_settings(current_actor(), body)
        db.session.commit()
        return result
