"""`/api/v1/data-imports`, `/import-errors`, `/import-templates`, `/system-settings`."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint, Timestamp
from app.blueprints.resource import APPEND_ONLY, READ_ONLY, Resource, register
from app.models.data import DataImport, ImportRowError, ImportTemplate, SystemSetting
from app.services.data.settings import SystemSettingService

blp = Blueprint("data", __name__, url_prefix="/api/v1", description="Data management.")

# Imports are made by `POST /inventory/imports` and written by their job (ERP II). ERP_API.md
# names their timestamps `created` and `updated`: both spellings are served.
IMPORT_TIMESTAMPS: dict[str, ma.fields.Field] = {
    "created": Timestamp(dump_only=True, attribute="created_at"),
    "updated": Timestamp(dump_only=True, attribute="updated_at"),
}
register(
    blp,
    Resource(
        DataImport,
        "data",
        methods=READ_ONLY,
        date_field="created_at",
        search=("file_name", "sha256"),
        default_sort=("-created_at",),
        fields=IMPORT_TIMESTAMPS,
    ),
)
register(
    blp,
    Resource(
        ImportRowError,
        "data",
        methods=APPEND_ONLY,
        search=("code", "column", "message"),
        default_sort=("row_number",),
    ),
)
register(blp, Resource(ImportTemplate, "data"))
register(
    blp,
    Resource(
        SystemSetting,
        "data",
        search=("key", "name", "category"),
        default_sort=("category", "key"),
        service=SystemSettingService(),
    ),
)
