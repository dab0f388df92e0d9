"""`/api/v1/settings/overtime`, `/overtime-policies`, `/overtime-alerts` and the alert webhook
(`/settings/alert-webhook`)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint, PageArgsSchema, paginate
from app.blueprints.overtime.schemas import (
    AlertWebhookPutSchema,
    AlertWebhookSchema,
    OvertimeAlertQueryArgsSchema,
    OvertimeAlertSchema,
    OvertimePolicyCreateSchema,
    OvertimePolicySchema,
    OvertimeSettingsSchema,
)
from app.extensions import db
from app.openapi import raises
from app.security import current_actor, requires
from app.services.overtime import alert_webhooks, overtime_alerts
from app.services.overtime import overtime_settings as settings
from app.services.overtime.overtime_settings import PolicyInUse

blp = Blueprint("overtime", __name__, url_prefix="/api/v1", description="Overtime.")


@blp.route("/settings/overtime")
class OvertimeSettings(MethodView):
    @requires("settings:overtime:read")
    @blp.response(200, OvertimePolicySchema)
    def get(self) -> Any:
        """Get the organization's overtime policy (FLSA defaults until one is saved)."""
        return settings.get_settings(current_actor())

    @requires("settings:overtime:write")
    @blp.arguments(OvertimeSettingsSchema)
    @blp.response(200, OvertimePolicySchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Replace the overtime policy; only `rule` is required, the rest default to its own."""
        result = settings.put_settings(current_actor(), body)
        db.session.commit()
        return result


@blp.route("/overtime-policies")
class OvertimePolicies(MethodView):
    @requires("settings:overtime:read")
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, OvertimePolicySchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List the saved policies (the default one first)."""
        rows, status, headers = paginate(settings.list_policies(current_actor()), args)
        return [settings.view(r, r.organization_id) for r in rows], status, headers

    @requires("settings:overtime:write")
    @blp.arguments(OvertimePolicyCreateSchema)
    @blp.response(201, OvertimePolicySchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a named policy that employees can carry (`overtime_policy_id`)."""
        row = settings.create_policy(current_actor(), body)
        db.session.commit()
        return settings.view(row, row.organization_id)


@blp.route("/overtime-policies/<uuid:policy_id>")
class OvertimePolicyById(MethodView):
    @requires("settings:overtime:read")
    @blp.response(200, OvertimePolicySchema)
    def get(self, policy_id: uuid.UUID) -> Any:
        """Get a policy."""
        return settings.view_policy(current_actor(), policy_id)

    @requires("settings:overtime:write")
    @blp.arguments(OvertimePolicyCreateSchema)
    @blp.response(200, OvertimePolicySchema)
    def put(self, body: dict[str, Any], policy_id: uuid.UUID) -> Any:
        """Replace a policy (omitted values: the rule's defaults)."""
        row = settings.replace_policy(current_actor(), policy_id, body)
        db.session.commit()
        return settings.view(row, row.organization_id)

    @requires("settings:overtime:write")
    @blp.response(204)
    @raises(PolicyInUse)
    def delete(self, policy_id: uuid.UUID) -> Any:
        """Delete a named policy nobody carries."""
        settings.delete_policy(current_actor(), policy_id)
        db.session.commit()


@blp.route("/overtime-alerts")
@requires("overtime_alerts:read")
@blp.arguments(OvertimeAlertQueryArgsSchema, location="query")
@blp.response(200, OvertimeAlertSchema(many=True))
@blp.doc(operationId="listOvertimeAlerts")
def list_alerts(args: dict[str, Any]) -> Any:
    """List overtime alerts of the employees you may see, newest first."""
    return paginate(overtime_alerts.search(current_actor(), args), args)


@blp.route("/overtime-alerts/<uuid:alert_id>/acknowledge", methods=["POST"])
@requires("overtime_alerts:acknowledge")
@blp.response(200, OvertimeAlertSchema)
@blp.doc(operationId="acknowledgeOvertimeAlert")
def acknowledge_alert(alert_id: uuid.UUID) -> Any:
    """Acknowledge an alert (idempotent: the first acknowledgement is kept)."""
    alert = overtime_alerts.acknowledge(current_actor(), alert_id)
    db.session.commit()
    return alert


@blp.route("/settings/alert-webhook")
class AlertWebhook(MethodView):
    @requires("settings:overtime:write")
    @blp.response(200, AlertWebhookSchema)
    def get(self) -> Any:
        """Get the alert webhook (the secret is never shown)."""
        return alert_webhooks.get_config(current_actor())

    @requires("settings:overtime:write")
    @blp.arguments(AlertWebhookPutSchema)
    @blp.response(200, AlertWebhookSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Set where new overtime alerts are POSTed, signed with HMAC-SHA256 of the secret."""
        result = alert_webhooks.put_config(current_actor(), body)
        db.session.commit()
        return result

    @requires("settings:overtime:write")
    @blp.response(204)
    def delete(self) -> Any:
        """Remove the alert webhook."""
        alert_webhooks.delete_config(current_actor())
        db.session.commit()
