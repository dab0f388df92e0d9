"""`POST /api/v1/inventory/imports` (a CSV, processed by a job), `GET
/api/v1/inventory/imports/template` and `GET /api/v1/data-imports/{id}/errors`; an import's
progress is `GET /api/v1/data-imports/{id}` (the generic resource) or `GET /api/v1/jobs/{id}`."""

from __future__ import annotations

import posixpath
import uuid
from typing import Any

import marshmallow as ma
from flask import Response, request

import app.blueprints.data.routes  # noqa: F401  (registers data_imports and import_errors)
from app.blueprints.common import Blueprint, PageArgsSchema, Schema, accepts_upload, paginate
from app.blueprints.resource import REGISTRY
from app.errors import ValidationFailed
from app.extensions import db
from app.models.data import IMPORT_MODES
from app.openapi import raises
from app.security import current_actor, requires
from app.services.inventory import import_rows
from app.services.inventory import imports as service
from app.services.inventory.imports import DuplicateImport

blp = Blueprint("imports", __name__, url_prefix="/api/v1", description="Inventory CSV imports.")

MEDIA_TYPES = ("multipart/form-data", "text/csv")
DEFAULT_FILE_NAME = "inventory.csv"
UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The CSV (Soft SME's template, `GET /inventory/imports/template`): a "
        "form field `file`; the whole body sent as `Content-Type: text/csv` is accepted too. "
        f"At most {service.MAX_BYTES} bytes (413) and {import_rows.MAX_ROWS} rows (422).",
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            # A `text/csv` body is taken too (ERP_API.md), but is left out here: client
            # generators (openapi-python-client) refuse a request body of that media type.
        },
    }
}
TEMPLATE_DOC: dict[str, Any] = {
    "responses": {
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "headers": {
                "Content-Disposition": {
                    "description": "`attachment; filename=inventory-import-template.csv`",
                    "schema": {"type": "string"},
                }
            },
        }
    }
}


class ImportArgsSchema(Schema):
    mode = ma.fields.String(
        load_default="add",
        validate=ma.validate.OneOf(IMPORT_MODES),
        metadata={
            "description": "`add` (the default) adds each quantity to on-hand; `set` (a stock "
            "count) sets on-hand to it. Either way through one `import` stock movement."
        },
    )
    force = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Import a file imported before (else 409 DUPLICATE_IMPORT)."},
    )
    file_name = ma.fields.String(
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "The name to keep (default: the form file's own name)."},
    )


def _upload() -> tuple[bytes, str]:
    """The uploaded bytes and the file's name."""
    if request.mimetype == "multipart/form-data":
        sent = request.files.get("file")
        if sent is None:
            message = "Send the CSV in the form field `file`."
            raise ValidationFailed(message, errors={"file": [message]})
        name = posixpath.basename((sent.filename or "").replace("\\", "/")).strip()
        return sent.read(), name[:255] or DEFAULT_FILE_NAME
    return request.get_data(), DEFAULT_FILE_NAME


@blp.route("/inventory/imports", methods=["POST"])
@accepts_upload(*MEDIA_TYPES, max_bytes=service.MAX_BYTES)
@requires("inventory:write")
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(202, REGISTRY["data_imports"].dump)
@raises(DuplicateImport)
@blp.doc(operationId="createInventoryImport", **UPLOAD_DOC)
def create_inventory_import(args: dict[str, Any]) -> Any:
    """Import parts and quantities from a CSV, in the background: 202 with the import (its
    `id` for `GET /data-imports/{id}` and `/errors`, its `job_id` for `GET /jobs/{id}`)."""
    content, name = _upload()
    data_import = service.request_import(
        current_actor(),
        content,
        file_name=args.get("file_name") or name,
        mode=args["mode"],
        force=args["force"],
    )
    db.session.commit()
    return data_import


@blp.route("/inventory/imports/template")
@requires("inventory:read")
@blp.response(200, description="The template CSV (its header row).")
@blp.doc(operationId="getInventoryImportTemplate", **TEMPLATE_DOC)
def get_inventory_import_template() -> Any:
    """Download the import template: Soft SME's columns, in order."""
    return Response(
        import_rows.TEMPLATE,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=inventory-import-template.csv"},
    )


@blp.route("/data-imports/<uuid:import_id>/errors")
@requires("data:read")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, REGISTRY["import_errors"].dump(many=True))
@blp.doc(operationId="listDataImportErrors")
def list_data_import_errors(args: dict[str, Any], import_id: uuid.UUID) -> Any:
    """An import's errors and warnings, by row number (the header is row 1; a problem with the
    whole file has none)."""
    return paginate(service.import_errors(current_actor(), import_id), args)
