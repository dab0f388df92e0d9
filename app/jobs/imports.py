"""The inventory import job: a thin wrapper over `app.services.inventory.imports.run`.

Idempotent: a finished import is left alone; a killed or failed attempt goes on from the first
chunk it had not committed. On the last attempt a transient error marks the import `failed`
(with a `JOB_FAILED` error row), so that it never stays `running` for ever.
"""

from __future__ import annotations

import uuid
from typing import Any

from rq import get_current_job

from app.extensions import db
from app.jobs import job, report_progress
from app.services.inventory import imports


@job
def run_import(import_id: str) -> dict[str, Any]:
    """Import the uploaded file: its parts, quantities and every row's outcome."""
    key = uuid.UUID(import_id)
    try:
        status = imports.run(key, progress=report_progress)
    except Exception as exc:
        db.session.rollback()
        current = get_current_job()
        if current is None or not current.retries_left:
            imports.mark_failed(key, f"{type(exc).__name__}: {exc}")
        raise
    return {"import_id": import_id, "status": status}
