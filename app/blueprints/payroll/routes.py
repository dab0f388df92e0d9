"""`/api/v1/payroll-exports` (runs, files, confirmation) and `/api/v1/settings/payroll`."""

from __future__ import annotations

import uuid
from typing import Any

from flask import send_file
from flask.views import MethodView

from app.blueprints.common import Blueprint, paginate
from app.blueprints.idempotency import commit_work, idempotent
from app.blueprints.payroll.schemas import (
    PayrollExportCreateSchema,
    PayrollExportQueryArgsSchema,
    PayrollExportSchema,
    PayrollSettingsSchema,
)
from app.extensions import db
from app.openapi import raises
from app.security import current_actor, requires
from app.services.payroll import payroll_exports as exports
from app.services.payroll.payroll_exports import ExportNotReady
from payroll_exports import FORMATS

blp = Blueprint("payroll", __name__, url_prefix="/api/v1", description="Payroll exports.")


# Each format's media type, a binary body; the ETag is the file's sha256 (If-None-Match: 304).
FILE_DOC: dict[str, Any] = {
    "parameters": [
        {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "schema": {"type": "string"},
            "description": "The ETag of the copy the client holds: 304 when it is still this.",
        }
    ],
    "responses": {
        200: {
            "content": {
                media_type: {"schema": {"type": "string", "format": "binary"}}
                for media_type in sorted({f.media_type for f in FORMATS.values()})
            },
            "headers": {
                "ETag": {"description": "The file's sha256.", "schema": {"type": "string"}},
                "Content-Disposition": {
                    "description": "`attachment; filename=...`: the format's file name.",
                    "schema": {"type": "string"},
                },
            },
        },
    },
}


def _shown(export: Any) -> Any:
    export.progress = exports.live_progress(export)
    return export


@blp.route("/payroll-exports")
class PayrollExports(MethodView):
    @requires("payroll_exports:read")
    @blp.arguments(PayrollExportQueryArgsSchema, location="query")
    @blp.response(200, PayrollExportSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List export runs, newest first."""
        return paginate(exports.list_exports(current_actor(), args), args)

    @requires("payroll_exports:write")
    @idempotent
    @blp.arguments(PayrollExportCreateSchema)
    @blp.response(202, PayrollExportSchema)
    def post(self, body: dict[str, Any]) -> Any:
        """Export the period's approved entries in a format, in the background. Idempotency-Key."""
        export = exports.request_export(current_actor(), body)
        commit_work()
        return export


@blp.route("/payroll-exports/<uuid:export_id>")
@requires("payroll_exports:read")
@blp.response(200, PayrollExportSchema)
@blp.doc(operationId="getPayrollExport")
def get_export(export_id: uuid.UUID) -> Any:
    """Get an export's status, progress, totals, what it left out, and its sha256."""
    return _shown(exports.get_export(current_actor(), export_id))


@blp.route("/payroll-exports/<uuid:export_id>/file")
@requires("payroll_exports:read")
@blp.response(200, description="The file, as an attachment.")
@blp.alt_response(304, description="The file has not changed (If-None-Match).")
@raises(ExportNotReady)
@blp.doc(operationId="downloadPayrollExportFile", **FILE_DOC)
def get_export_file(export_id: uuid.UUID) -> Any:
    """Download the export's file (attachment; ETag = sha256, honours If-None-Match)."""
    export, path = exports.file_of(current_actor(), export_id)
    response = send_file(
        path,
        as_attachment=True,
        download_name=export.file_name,
        etag=export.sha256 or False,
        conditional=True,
        max_age=0,
    )
    response.headers["Content-Type"] = export.media_type  # as the format says, charset and all
    return response


@blp.route("/payroll-exports/<uuid:export_id>/confirm", methods=["POST"])
@requires("payroll_exports:write")
@blp.response(200, PayrollExportSchema)
@raises(ExportNotReady)
@blp.doc(operationId="confirmPayrollExport")
def confirm_export(export_id: uuid.UUID) -> Any:
    """Confirm that payroll ran from this export: its entries become `paid` (idempotent)."""
    export = exports.confirm(current_actor(), export_id)
    db.session.commit()
    return export


@blp.route("/settings/payroll")
class PayrollSettings(MethodView):
    @requires("settings:payroll")
    @blp.response(200, PayrollSettingsSchema)
    def get(self) -> Any:
        """Get the payroll vendors' identifiers (ADP company code, QuickBooks names...)."""
        return exports.payroll_settings(current_actor().organization_id)

    @requires("settings:payroll")
    @blp.arguments(PayrollSettingsSchema)
    @blp.response(200, PayrollSettingsSchema)
    def put(self, body: dict[str, Any]) -> Any:
        """Replace the payroll settings (omitted: the formats' defaults)."""
        result = exports.put_payroll_settings(current_actor(), body)
        db.session.commit()
        return result
