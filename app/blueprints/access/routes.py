"""`/api/v1/workspaces`, `/roles`, `/permissions`, `/feature-flags`, `/app-settings`."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models import Workspace
from app.models.access import AppSetting, FeatureFlag, Permission, Role
from app.services.identity.app_settings import AppSettingService, SecretValue
from app.services.identity.workspaces import CLIENT_TYPES, WorkspaceService

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
