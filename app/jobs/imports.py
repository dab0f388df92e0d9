"""The inventory import job: a thin wrapper over `app.services.inventory.imports.run`.

Idempotent: a finished import is left alone; a killed or failed attempt goes on from the first
chunk it had not committed. On the last attempt a transient error marks the import `failed`
(with a `JOB_FAILED` error row), so that it never stays `running` for ever.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.jobs import job, run_or_mark_failed
from app.services.inventory import imports


@job
def run_import(import_id: str) -> dict[str, Any]:
    """Import the uploaded file: its parts, quantities and every row's outcome."""
    status = run_or_mark_failed(imports.run, imports.mark_failed, uuid.UUID(import_id))
    return {"import_id": import_id, "status": status}
