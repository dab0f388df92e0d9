"""The payroll export job: a thin wrapper over `app.services.payroll.payroll_exports.run`.

Idempotent: a finished export is left alone; a killed or failed attempt is redone from the
start (nothing of it was committed). On the last attempt a transient error marks the export
`failed`, so that it never stays `running` for ever.
"""

from __future__ import annotations

import uuid
from typing import Any

from rq import get_current_job

from app.extensions import db
from app.jobs import job, report_progress
from app.services.payroll import payroll_exports


@job
def run_export(export_id: str) -> dict[str, Any]:
    """Produce the export's file and mark its entries exported."""
    key = uuid.UUID(export_id)
    try:
        status = payroll_exports.run(key, progress=report_progress)
    except Exception as exc:
        db.session.rollback()
        current = get_current_job()
        if current is None or not current.retries_left:
            payroll_exports.mark_failed(key, f"{type(exc).__name__}: {exc}")
        raise
    return {"export_id": export_id, "status": status}
