"""The payroll export job: a thin wrapper over `app.services.payroll.payroll_exports.run`.

Idempotent: a finished export is left alone; a killed or failed attempt is redone from the
start (nothing of it was committed). On the last attempt a transient error marks the export
`failed`, so that it never stays `running` for ever.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.jobs import job, run_or_mark_failed
from app.services.payroll import payroll_exports


@job
def run_export(export_id: str) -> dict[str, Any]:
    """Produce the export's file and mark its entries exported."""
    status = run_or_mark_failed(
        payroll_exports.run, payroll_exports.mark_failed, uuid.UUID(export_id)
    )
    return {"export_id": export_id, "status": status}
