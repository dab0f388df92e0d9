"""`/api/v1/workspaces`, `/roles`, `/permissions`, `/feature-flags`, `/app-settings`, and
`/user-sessions` (read-only; `POST /user-sessions/{id}/revoke` signs a device out)."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma

from app.blueprints.common import Blueprint
from app.blueprints.resource import READ_ONLY, REGISTRY, Resource, register
from app.extensions import db
from app.models import UserSession, Workspace
from app.models.access import AppSetting, FeatureFlag, Permission, Role
from app.security import current_actor, requires
from app.services.identity import auth
from app.services.identity.app_settings import AppSettingService, SecretValue
from app.services.identity.workspaces import CLIENT_TYPES, WorkspaceService
from app.services.tenancy import get_or_404

blp = Blueprint(
    "access", __name__, url_prefix="/api/v1", description="Workspaces, roles, flags, settings."
)

register(
    blp,
    Resource(
        Workspace,
        "identity",
        default_sort=("created_at",),
        fields={
            # The model's CHECKs, as 422s; `main` is the registration's workspace alone.
            "type": ma.fields.String(load_only=True, validate=ma.validate.OneOf(CLIENT_TYPES)),
            "status": ma.fields.String(
                load_only=True, validate=ma.validate.OneOf(("active", "inactive", "archived"))
            ),
        },
        service=WorkspaceService(),
    ),
)
register(blp, Resource(Role, "identity"))
register(blp, Resource(Permission, "identity", search=("code", "name", "module")))
register(
    blp,
    Resource(
        FeatureFlag,
        "identity",
        search=("key", "name"),
        fields={"rollout_percentage": ma.fields.Integer(validate=ma.validate.Range(0, 100))},
    ),
)
# Settings may hold secrets: admins only, also for reading.
register(
    blp,
    Resource(
        AppSetting,
        "identity",
        search=("key", "category"),
        default_sort=("category", "key"),
        read_permission="users:read",
        fields={"value": SecretValue(required=True)},
        service=AppSettingService(),
    ),
)
# Who is signed in where: admins only (addresses and devices of every user), newest first.
# Sessions are written by sign-in and refresh, never over this resource; revoking is an action.
sessions = register(
    blp,
    Resource(
        UserSession,
        "identity",
        methods=READ_ONLY,
        date_field="created_at",
        default_sort=("-created_at",),
        read_permission="users:read",
    ),
)


@blp.route("/user-sessions/<uuid:item_id>/revoke", methods=["POST"])
@requires(sessions.write)
@blp.response(200, REGISTRY[sessions.table].dump)
@blp.doc(operationId="revokeUserSession")
def revoke_session(item_id: uuid.UUID) -> Any:
    """Sign one session out now: its refresh token and access tokens stop working (idempotent:
    a session already ended keeps its first end)."""
    session = get_or_404(UserSession, item_id, current_actor())
    auth.revoke_session(session, "revoked")
    db.session.commit()
    return session
