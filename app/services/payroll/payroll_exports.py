"""Payroll exports: the request, the run (the job's work), the file, and the confirmation.

    queued ──job──▶ running ──▶ succeeded ──confirm──▶ confirmed
                            └─▶ failed (a setting or a row no format can represent)

The run, made to survive being killed at any instant:

1. `running` is committed on its own (so readers see it) and the attempt counted; temporary
   files an earlier, killed attempt left are removed.
2. In one transaction: the period's approved entries are marked `exported` with the export's
   id (`payroll_export_data.claim`: one UPDATE with the period's predicate, whose row locks keep
   them from changing until the commit), the buckets computed, the file rendered
   (`payroll_exports.render_export`, deterministic bytes) and written atomically (temporary
   file, fsync, rename: `app.services.payroll.export_files`), the export marked `succeeded` with its
   sha256, totals and `excluded` counts, and its outbox message processed. Then one commit; a
   format error rolls it all back (the export `failed`, its entries `approved` again).

A kill before that commit leaves the entries `approved`, the export `running` and at most an
orphan temporary file; the retried job does it all again. A kill between the rename and the
commit leaves a complete file nobody can download yet (the export is not `succeeded`); the
retry writes the same bytes over it. Entries are marked set-based, not through the ORM, so
the flush listener does not see them: `audit.bulk_update` writes each entry's `UPDATE` audit
row (status, payroll_export_id) in the same transaction, here and on `confirm`; the export's
own audit row (`EXPORT`) records the file.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from dataclasses import fields
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.models import Organization, PayrollExport, TimeEntry, User
from app.models.base import utcnow
from app.services import audit, outbox
from app.services.payroll import export_files
from app.services.payroll.payroll_export_data import ExportData, gather
from app.services.tenancy import get_or_404
from payroll_exports import ExportContext, ExportError, compute_pay, render_export

FINISHED = ("succeeded", "failed", "confirmed")
MAX_PERIOD = timedelta(days=366)
DOWNLOADABLE = ("succeeded", "confirmed")
PAYROLL_SETTING_FIELDS = (
    "adp_company_code",
    "adp_batch_id",
    "adp_double_time_code",
    "adp_file_suffix",
    "quickbooks_company_name",
    "quickbooks_company_create_time",
    "quickbooks_regular_item",
    "quickbooks_overtime_item",
    "quickbooks_double_time_item",
)


class ExportNotReady(Conflict):
    code, default_message = "EXPORT_NOT_READY", "The export has no file (yet)."


# --- payroll settings (organizations.settings["payroll"]) ----------------------------------


def payroll_settings(organization_id: uuid.UUID) -> dict[str, Any]:
    org = db.session.get(Organization, organization_id)
    stored = (org.settings or {}).get("payroll", {}) if org else {}
    defaults = {f.name: f.default for f in fields(ExportContext)}
    return {name: stored.get(name, defaults[name]) for name in PAYROLL_SETTING_FIELDS}


def put_payroll_settings(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    org = db.session.get(Organization, actor.organization_id)
    assert org is not None
    merged = copy.deepcopy(org.settings or {})
    merged["payroll"] = {f: data[f] for f in PAYROLL_SETTING_FIELDS if data.get(f) is not None}
    org.settings = merged  # a new dict, so that the change is seen (and audited)
    db.session.flush()
    return payroll_settings(org.id)


def file_ordinal(export: PayrollExport) -> int:
    """1 for the organization's first file of this format and period, 2 for the next...: a
    second export of a period (entries approved late) must not download under the first's name,
    where a browser or a payroll clerk would take one for the other."""
    e = PayrollExport
    earlier = db.session.scalar(
        sa.select(sa.func.count()).where(
            e.organization_id == export.organization_id,
            e.format == export.format,
            e.period_start == export.period_start,
            e.period_end == export.period_end,
            e.status.in_(DOWNLOADABLE),
            e.id != export.id,
        )
    )
    return int(earlier or 0) + 1


def export_context(export: PayrollExport, ordinal: int = 1) -> ExportContext:
    org = db.session.get(Organization, export.organization_id)
    assert org is not None
    settings = payroll_settings(org.id)
    stored = (org.settings or {}).get("payroll", {})
    if ordinal > 1 and "adp_file_suffix" not in stored:
        # ADP names the file EPI + company + 2 characters: the ordinal is those characters.
        settings["adp_file_suffix"] = f"{ordinal % 100:02d}"
    return ExportContext(
        organization_name=org.name,
        period_start=export.period_start,
        period_end=export.period_end,
        currency=org.currency,
        timezone=org.timezone,
        **settings,
    )


def _numbered(filename: str, export_format: str, ordinal: int) -> str:
    """``name.csv`` for the first file of a period, ``name-2.csv`` for the second... (ADP's
    vendor-shaped name carries the ordinal in its suffix instead: `export_context`)."""
    if ordinal == 1 or export_format == "adp":
        return filename
    stem, _, extension = filename.rpartition(".")
    return f"{stem}-{ordinal}.{extension}"


# --- the API's side ------------------------------------------------------------------------


def request_export(actor: User, data: dict[str, Any]) -> PayrollExport:
    """Record the request and its outbox message; the job runs after the commit."""
    if data["period_end"] < data["period_start"]:
        raise ValidationFailed(errors={"period_end": ["Must not be before period_start."]})
    if data["period_end"] - data["period_start"] >= MAX_PERIOD:
        raise ValidationFailed(errors={"period_end": ["A period is at most a year."]})
    export_id = uuid.uuid4()
    export = PayrollExport(
        id=export_id,
        organization_id=actor.organization_id,
        workspace_id=actor.workspace_id,
        requested_by=actor.id,
        format=data["format"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        status="queued",
        job_id=str(export_id),
    )
    db.session.add(export)
    db.session.flush()
    outbox.publish(
        "payroll.export", actor.organization_id, {"args": [str(export_id)]}, job_id=export.job_id
    )
    return export


def list_exports(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    stmt = sa.select(PayrollExport).where(PayrollExport.organization_id == actor.organization_id)
    if "status" in filters:
        stmt = stmt.where(PayrollExport.status == filters["status"])
    return stmt.order_by(PayrollExport.created_at.desc(), PayrollExport.id)


def get_export(actor: User, export_id: uuid.UUID) -> PayrollExport:
    return get_or_404(PayrollExport, export_id, actor)


def live_progress(export: PayrollExport) -> int:
    """A running export's progress from its job's meta (the row is only written at the end)."""
    if export.status != "running":
        return export.progress
    from app import jobs

    try:
        running = jobs.fetch_job(export.job_id)
    except Exception:  # Redis down: the stored value will do
        return export.progress
    return int(running.meta.get("progress", export.progress)) if running else export.progress


def file_of(actor: User, export_id: uuid.UUID) -> tuple[PayrollExport, Path]:
    export = get_export(actor, export_id)
    if export.status not in DOWNLOADABLE or not export.file_path:
        raise ExportNotReady(details={"status": export.status})
    path = export_files.resolve(export.file_path)
    if not path.is_file():
        raise NotFound("The export's file is missing.")
    return export, path


def confirm(actor: User, export_id: uuid.UUID) -> PayrollExport:
    """Payroll was run from this file: its entries become `paid` (idempotent)."""
    export = get_export(actor, export_id)
    if export.status == "confirmed":
        return export
    if export.status != "succeeded":
        raise ExportNotReady("Only a succeeded export can be confirmed.")
    audit.bulk_update(
        TimeEntry,
        sa.and_(TimeEntry.payroll_export_id == export.id, TimeEntry.status == "exported"),
        old={"status": "exported"},
        new={"status": "paid", "updated_at": utcnow()},
    )
    export.status, export.confirmed_at, export.confirmed_by = "confirmed", utcnow(), actor.id
    db.session.flush()
    return export


# --- the job's side ------------------------------------------------------------------------


def _totals(data: ExportData, currency: str) -> dict[str, Any]:
    pay = [compute_pay(row) for row in data.totals]

    def total(name: str) -> str:
        return str(sum((getattr(p, name) for p in pay), Decimal("0.00")))

    return {
        "employees": len(data.totals),
        "entries": data.entry_count,
        "regular_hours": total("regular_hours"),
        "overtime_hours": total("overtime_hours"),
        "double_time_hours": total("double_time_hours"),
        "gross_pay": total("gross_pay"),
        "currency": currency,
    }


def mark_failed(export_id: uuid.UUID, error: str) -> None:
    export = db.session.get(PayrollExport, export_id)
    if export is None or export.status in FINISHED:
        return
    export.status, export.error, export.finished_at = "failed", error[:2000], utcnow()
    outbox.mark_job_done("payroll.export", export.job_id)
    db.session.commit()


def run(export_id: uuid.UUID, progress: Callable[[int], None] = lambda _p: None) -> str:
    """Produce the export (see the module docstring); returns its final status."""
    export = db.session.get(PayrollExport, export_id)
    if export is None:
        return "missing"
    if export.status in FINISHED:
        outbox.mark_job_done("payroll.export", export.job_id)
        db.session.commit()
        return export.status
    export.status, export.started_at, export.error = "running", utcnow(), None
    export.attempts += 1
    db.session.commit()
    export_files.remove_partials(export.id)
    try:
        data = gather(export, progress)
        ordinal = file_ordinal(export)
        ctx = export_context(export, ordinal)
        rendered = render_export(export.format, ctx, data.totals, data.details)
    except ExportError as exc:  # the same input fails the same way: no retry
        db.session.rollback()
        mark_failed(export_id, str(exc))
        return "failed"
    relative = export_files.relative_path(export.organization_id, export.id, rendered.filename)
    export_files.write_atomically(relative, rendered.content, export.id)
    progress(90)
    export.status, export.progress, export.finished_at = "succeeded", 100, utcnow()
    export.file_name, export.media_type, export.file_path = (
        _numbered(rendered.filename, export.format, ordinal),
        rendered.media_type,
        relative,
    )
    export.size_bytes, export.sha256 = len(rendered.content), rendered.sha256
    export.row_count, export.entry_count = len(data.totals), data.entry_count
    export.totals, export.excluded = _totals(data, ctx.currency), data.excluded
    audit.record("EXPORT", export, metadata={"sha256": rendered.sha256, **export.totals})
    outbox.mark_job_done("payroll.export", export.job_id)
    db.session.commit()
    return "succeeded"
