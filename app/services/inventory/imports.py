"""Inventory CSV imports (ERP_API.md, "Inventory imports"): the upload, and the job's run.

    queued ──job──▶ running ──▶ completed
                            └─▶ failed (the file cannot be read; or the job gave up)

The upload stores the file (`data_import_files`) and the `data_imports` row, and publishes an
outbox message in the same transaction; the job (`app.jobs.imports`) runs after the commit,
as the payroll export does. The same file (sha256) again is a 409 `DUPLICATE_IMPORT` naming the
earlier import, unless `force`: an accidental second upload must not double the stock.

The run reads and checks the whole file first (`import_rows`: every rule decided before a row
is written), then writes it in chunks of `CHUNK_ROWS` data rows, one transaction each: the
parts whose first row falls in the chunk (`import_apply`), the chunk's `import_errors` rows,
and the import's counters (`processed_rows`, ...). So progress is visible while it runs, good
rows are applied whatever the bad ones do, and a job killed at any instant is retried from
the first chunk not committed: `processed_rows` says where, and it commits with the chunk's
writes, so no chunk is written twice. At the end the stored file is removed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import DataImport, DataImportFile, ImportRowError, Organization, User
from app.models.base import utcnow
from app.models.inventory import Product, StockMovement
from app.openapi import raises
from app.services import audit, outbox
from app.services.inventory import import_rows
from app.services.inventory.import_apply import apply_parts
from app.services.inventory.import_rows import FileProblem, Issue, Parsed
from app.services.tenancy import get_or_404, scoped

TOPIC = "inventory.import"
MAX_BYTES = 10 * 1024 * 1024  # the largest upload (the request body, multipart envelope included)
CHUNK_ROWS = 1000
FINISHED = ("completed", "failed")


class DuplicateImport(Conflict):
    code, default_message = "DUPLICATE_IMPORT", "This file was imported already."


# --- the API's side ------------------------------------------------------------------------


def _earlier_import(actor: User, sha256: str) -> DataImport | None:
    """An import of the same file that may have changed stock: queued, running, completed, or
    failed after applying rows (a file refused as a whole changed nothing)."""
    stmt = scoped(DataImport, actor).where(
        DataImport.kind == "inventory",
        DataImport.sha256 == sha256,
        sa.or_(DataImport.status != "failed", DataImport.succeeded_rows > 0),
    )
    return db.session.scalars(stmt.order_by(DataImport.created_at.desc())).first()


@raises(DuplicateImport)
def request_import(
    actor: User, content: bytes, *, file_name: str, mode: str = "add", force: bool = False
) -> DataImport:
    """Record the upload and its outbox message; the job runs after the commit."""
    if not content.strip():
        raise ValidationFailed("The file is empty.", errors={"file": ["The file is empty."]})
    rows = import_rows.data_row_count(content)
    if rows > import_rows.MAX_ROWS:
        message = f"The file has {rows} rows; an import takes at most {import_rows.MAX_ROWS}."
        raise ValidationFailed(message, errors={"file": [message]})
    sha256 = hashlib.sha256(content).hexdigest()
    # Uploads of one organization one at a time, so that two copies of a file sent at once
    # cannot both pass the duplicate check (SQLite's writers are serialized already).
    db.session.execute(
        sa.select(Organization.id).where(Organization.id == actor.organization_id).with_for_update()
    )
    earlier = None if force else _earlier_import(actor, sha256)
    if earlier is not None:
        raise DuplicateImport(
            f"This file was imported already ({earlier.file_name}, {earlier.status}); "
            "send force=true to import it again.",
            details={"import_id": str(earlier.id), "status": earlier.status},
        )
    import_id = uuid.uuid4()
    data_import = DataImport(
        id=import_id,
        organization_id=actor.organization_id,
        created_by=actor.id,
        kind="inventory",
        mode=mode,
        status="queued",
        file_name=file_name,
        sha256=sha256,
        file_size_bytes=len(content),
        total_rows=rows,
        job_id=str(import_id),
    )
    db.session.add(data_import)
    db.session.flush()
    db.session.add(DataImportFile(import_id=import_id, content=content))
    outbox.publish(TOPIC, actor.organization_id, {"args": [str(import_id)]}, job_id=str(import_id))
    db.session.flush()
    return data_import


def import_errors(actor: User, import_id: uuid.UUID) -> sa.Select[Any]:
    """The import's errors and warnings, by row (the file's own first)."""
    get_or_404(DataImport, import_id, actor)
    e = ImportRowError
    return (
        scoped(e, actor)
        .where(e.import_id == import_id)
        .order_by(sa.func.coalesce(e.row_number, 0), e.severity, e.column, e.code, e.id)
    )


# --- the job's side ------------------------------------------------------------------------


def _error_rows(data_import: DataImport, issues: list[Issue]) -> None:
    db.session.add_all(
        ImportRowError(
            organization_id=data_import.organization_id,
            created_by=data_import.created_by,
            import_id=data_import.id,
            row_number=i.row_number,
            column=i.column,
            value=i.value,
            code=i.code,
            severity=i.severity,
            message=i.message,
        )
        for i in issues
    )


def _finish(data_import: DataImport, status: str) -> None:
    data_import.status, data_import.finished_at = status, utcnow()
    db.session.execute(sa.delete(DataImportFile).where(DataImportFile.import_id == data_import.id))
    counts = {
        k: getattr(data_import, k)
        for k in ("total_rows", "succeeded_rows", "failed_rows", "warning_count")
    }
    audit.record("IMPORT", data_import, metadata={"status": status, **counts})
    outbox.mark_job_done(TOPIC, str(data_import.job_id))
    db.session.commit()


def _fail_file(data_import: DataImport, code: str, message: str, column: str | None) -> str:
    db.session.rollback()
    data_import = db.session.get(DataImport, data_import.id) or data_import
    row = ImportRowError(
        organization_id=data_import.organization_id,
        created_by=data_import.created_by,
        import_id=data_import.id,
        row_number=None if code == "NOT_CSV" else 1,
        column=column,
        code=code,
        message=message,
    )
    db.session.add(row)
    _finish(data_import, "failed")
    return "failed"


def mark_failed(import_id: uuid.UUID, error: str) -> None:
    """The job gave up (its last attempt failed): the import is `failed`, and says why."""
    data_import = db.session.get(DataImport, import_id)
    if data_import is None or data_import.status in FINISHED:
        return
    _fail_file(data_import, "JOB_FAILED", error[:2000], None)


def _chunk(parsed: Parsed, index: int) -> tuple[list[int], list[import_rows.Part], list[Issue]]:
    rows = parsed.rows[index * CHUNK_ROWS : (index + 1) * CHUNK_ROWS]
    here = set(rows)
    parts = [p for p in parsed.parts if p.rows[0] in here]
    return rows, parts, [i for i in parsed.issues if i.row_number in here]


def _let_go() -> None:
    """The chunk's rows leave the session, so that it does not grow with the file."""
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Product | StockMovement | ImportRowError):
            db.session.expunge(obj)


def run(import_id: uuid.UUID, progress: Callable[[int], None] = lambda _p: None) -> str:
    """Import the file (see the module docstring); returns the import's final status."""
    data_import = db.session.get(DataImport, import_id)
    if data_import is None:
        return "missing"
    if data_import.status in FINISHED:
        outbox.mark_job_done(TOPIC, str(data_import.job_id))
        db.session.commit()
        return data_import.status
    stored = db.session.get(DataImportFile, import_id)
    if stored is None:
        return _fail_file(data_import, "JOB_FAILED", "The uploaded file is missing.", None)
    try:
        parsed = import_rows.parse(stored.content)
    except FileProblem as problem:
        return _fail_file(data_import, problem.code, problem.message, problem.column)
    data_import.status, data_import.total_rows = "running", len(parsed.rows)
    data_import.started_at = data_import.started_at or utcnow()
    db.session.commit()
    failed = parsed.failed_rows
    chunks = -(-len(parsed.rows) // CHUNK_ROWS)
    for index in range(data_import.processed_rows // CHUNK_ROWS, chunks):
        actor = db.session.get(User, data_import.created_by)
        assert actor is not None
        rows, parts, issues = _chunk(parsed, index)
        issues += apply_parts(actor, data_import, parts)
        _error_rows(data_import, issues)
        failed_here = sum(1 for r in rows if r in failed)
        data_import.processed_rows += len(rows)
        data_import.failed_rows += failed_here
        data_import.succeeded_rows += len(rows) - failed_here
        data_import.warning_count += sum(1 for i in issues if i.severity == "warning")
        db.session.commit()
        _let_go()
        progress(int(100 * data_import.processed_rows / max(1, len(parsed.rows))))
    _finish(data_import, "completed")
    return "completed"
