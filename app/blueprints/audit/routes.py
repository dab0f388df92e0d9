"""`/api/v1/audit-logs`: who changed what, with old and new values (owner/admin)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from app.blueprints.common import Blueprint, PageArgsSchema, Schema, paginate
from app.models import AuditLog
from app.security import current_actor, requires

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Audit trail.")


class AuditLogSchema(Schema):
    id = ma.fields.UUID()
    entity_type = ma.fields.String()
    entity_id = ma.fields.UUID()
    action = ma.fields.String()
    user_id = ma.fields.UUID(allow_none=True)
    user_email = ma.fields.String(allow_none=True)
    old_values = ma.fields.Dict(allow_none=True)
    new_values = ma.fields.Dict(allow_none=True)
    changes = ma.fields.List(ma.fields.String(), allow_none=True)
    request_path = ma.fields.String(allow_none=True)
    http_method = ma.fields.String(allow_none=True)
    ip_address = ma.fields.String(allow_none=True)
    source = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    timestamp = ma.fields.AwareDateTime()


class AuditQueryArgsSchema(PageArgsSchema):
    entity_type = ma.fields.String(validate=ma.validate.Length(max=100))
    entity_id = ma.fields.UUID()
    user_id = ma.fields.UUID()
    action = ma.fields.String(validate=ma.validate.Length(max=50))


@blp.route("/audit-logs")
@requires("audit:read")
@blp.arguments(AuditQueryArgsSchema, location="query")
@blp.response(200, AuditLogSchema(many=True))
def list_audit_logs(args: dict[str, Any]) -> Any:
    """List audit rows, newest first."""
    stmt = sa.select(AuditLog).where(AuditLog.organization_id == current_actor().organization_id)
    for field in ("entity_type", "entity_id", "user_id", "action"):
        if field in args:
            stmt = stmt.where(getattr(AuditLog, field) == args[field])
    return paginate(stmt.order_by(AuditLog.timestamp.desc(), AuditLog.id), args)
