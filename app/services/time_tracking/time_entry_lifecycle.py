"""The time-entry lifecycle of API.md: manual entries, edits, submit/approve/reject/reopen.

    draft ──submit──▶ submitted ──approve──▶ approved ──(payroll export)──▶ exported ─▶ paid
    open ──clock-out──▶ submitted ──reject──▶ rejected ──(edit)──submit──▶ submitted
                       approved ──reopen {reason}──▶ submitted

`approved`, `exported` and `paid` entries are immutable (409 `ENTRY_LOCKED`) except that a
manager may reopen an `approved` one. Nobody decides on their own time (403
`SELF_APPROVAL_FORBIDDEN`). Intervals are half-open: an entry ending at 10:00 and another
starting at 10:00 do not overlap. Pending approval requests follow the status by themselves
(`app.services.approvals`); old values of every edit are in the audit log by themselves.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from app.extensions import db
from app.models import Break, Employee, Task, TimeEntry, User
from app.models.base import utcnow
from app.models.time_tracking import LOCKED_STATUSES
from app.services import audit, outbox
from app.services.identity.employees import can_manage, get_visible
from app.services.tenancy import get_or_404
from app.services.time_tracking import shifts, time_rules
from app.services.time_tracking.time_entries import get_visible_entry
from app.services.timezones import employee_zone, geofence_timezone, local_date

MAX_ENTRY_LENGTH = timedelta(hours=24)
FUTURE_TOLERANCE = timedelta(minutes=5)  # device clocks run a little fast
SPAN_FIELDS = ("started_at", "ended_at")


class EntryLocked(Conflict):
    code, default_message = "ENTRY_LOCKED", "Approved, exported and paid entries cannot change."


class EntryOverlap(Conflict):
    code, default_message = "ENTRY_OVERLAP", "This overlaps another entry of the employee."


class SelfApprovalForbidden(Forbidden):
    code, default_message = "SELF_APPROVAL_FORBIDDEN", "Nobody decides on their own time."


def _own_employee_id(actor: User) -> uuid.UUID | None:
    return actor.employee.id if actor.employee is not None else None


def _employee_for_write(actor: User, employee_id: uuid.UUID | None) -> Employee:
    """The employee a manual entry is for: oneself by default, or someone the actor manages."""
    own = _own_employee_id(actor)
    if employee_id is None:
        if own is None:
            raise ValidationFailed(errors={"employee_id": ["Required: you have no employee."]})
        employee_id = own
    try:
        employee = get_visible(actor, employee_id)
    except NotFound:
        raise ValidationFailed(errors={"employee_id": ["No such employee."]}) from None
    if employee.id != own and not can_manage(actor, employee):
        raise Forbidden("You can enter time only for yourself or your reports.")
    return employee


def _authorise_write(actor: User, entry: TimeEntry) -> None:
    if entry.employee_id == _own_employee_id(actor):
        return
    employee = db.session.get(Employee, entry.employee_id)
    if employee is None or not can_manage(actor, employee):
        raise Forbidden("You can change only your own or your reports' time.")


def _authorise_decision(actor: User, entry: TimeEntry) -> None:
    if entry.employee_id == _own_employee_id(actor):
        raise SelfApprovalForbidden()
    employee = db.session.get(Employee, entry.employee_id)
    if employee is None or not can_manage(actor, employee):
        raise Forbidden("You can decide only on your reports' time.")


def _refuse_locked(entry: TimeEntry) -> None:
    if entry.status in LOCKED_STATUSES:
        raise EntryLocked(details={"status": entry.status})


def _lock_employee(employee_id: uuid.UUID) -> None:
    """Serialise writes of one employee's entries, so two overlapping entries cannot both pass
    the overlap check (a row lock on PostgreSQL; SQLite has one writer anyway)."""
    db.session.execute(sa.select(Employee.id).where(Employee.id == employee_id).with_for_update())


def _check_span(started_at: datetime, ended_at: datetime | None) -> None:
    errors: dict[str, list[str]] = {}
    if ended_at is not None:
        if ended_at <= started_at:
            errors["ended_at"] = ["Must be after started_at."]
        elif ended_at - started_at > MAX_ENTRY_LENGTH:
            errors["ended_at"] = ["An entry is at most 24 hours long."]
        elif ended_at > utcnow() + FUTURE_TOLERANCE:
            errors["ended_at"] = ["Cannot be in the future."]
    if started_at > utcnow() + FUTURE_TOLERANCE:
        errors["started_at"] = ["Cannot be in the future."]
    if errors:
        raise ValidationFailed(errors=errors)


def check_overlap(
    employee_id: uuid.UUID,
    started_at: datetime,
    ended_at: datetime | None,
    except_id: uuid.UUID | None = None,
) -> None:
    """409 `ENTRY_OVERLAP` when [started_at, ended_at) meets another live entry of the
    employee; an open entry reaches into the future, and so does an entry without an end."""
    stmt = sa.select(TimeEntry.id).where(
        TimeEntry.employee_id == employee_id,
        TimeEntry.deleted_at.is_(None),
        sa.or_(TimeEntry.ended_at.is_(None), TimeEntry.ended_at > started_at),
    )
    if ended_at is not None:
        stmt = stmt.where(TimeEntry.started_at < ended_at)
    if except_id is not None:
        stmt = stmt.where(TimeEntry.id != except_id)
    other = db.session.scalar(stmt.order_by(TimeEntry.started_at).limit(1))
    if other is not None:
        raise EntryOverlap(details={"time_entry_id": str(other)})


def _check_task(actor: User, task_id: uuid.UUID | None) -> None:
    if task_id is None:
        return
    try:
        get_or_404(Task, task_id, actor)
    except NotFound:
        raise ValidationFailed(errors={"task_id": ["No such task."]}) from None


def _check_break(started_at: datetime, ended_at: datetime | None, declared: int | None) -> None:
    span = time_rules.seconds_between(started_at, ended_at) if ended_at else None
    if declared and span is not None and declared >= span:
        raise ValidationFailed(errors={"break_seconds": ["Must be shorter than the entry."]})


def create_manual(actor: User, data: dict[str, Any]) -> TimeEntry:
    """A manual entry (flag `MANUAL`), `submitted` unless asked to stay a `draft`."""
    employee = _employee_for_write(actor, data.get("employee_id"))
    started_at, ended_at = data["started_at"], data["ended_at"]
    _check_span(started_at, ended_at)
    _check_break(started_at, ended_at, data.get("break_seconds"))
    _check_task(actor, data.get("task_id"))
    _lock_employee(employee.id)
    check_overlap(employee.id, started_at, ended_at)
    shift = shifts.scheduled_shift(employee, started_at)
    site_zone = geofence_timezone(shift.geofence_id if shift else None)
    entry = TimeEntry(
        id=uuid.uuid4(),
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        employee_id=employee.id,
        created_by=actor.id,
        entry_date=local_date(started_at, employee_zone(employee, site_zone)),
        started_at=started_at,
        ended_at=ended_at,
        paid_started_at=started_at,
        status=data.get("status", "submitted"),
        source="manual",
        task_id=data.get("task_id"),
        shift_id=shift.id if shift else None,
        flags=["MANUAL"],
        note=data["note"],
    )
    time_rules.close_totals(entry, [], declared_break_seconds=data.get("break_seconds", 0))
    db.session.add(entry)
    db.session.flush()
    outbox.entry_changed(entry)  # alerts and the week's summary, after this commits
    return entry


def _declared_break(entry: TimeEntry, data: dict[str, Any]) -> int | None:
    """The unpaid break an edit recomputes with: the one sent, else the punched breaks (None)
    when the entry has any, else the break it already had (less what was automatic)."""
    if "break_seconds" in data:
        return int(data["break_seconds"])
    punched = db.session.scalar(sa.select(Break.id).where(Break.time_entry_id == entry.id))
    if punched is not None:
        return None
    return entry.break_seconds - entry.auto_break_seconds


def update_entry(actor: User, entry: TimeEntry, data: dict[str, Any]) -> TimeEntry:
    """Edit an entry (flag `EDITED`); its totals are recomputed under the time rules."""
    _authorise_write(actor, entry)
    _refuse_locked(entry)
    current = {"break_seconds": entry.break_seconds - entry.auto_break_seconds}
    changed = {k: v for k, v in data.items() if current.get(k, getattr(entry, k)) != v}
    if not changed:
        return entry
    if entry.status == "open" and ({"ended_at", "break_seconds"} & changed.keys()):
        raise InvalidTransition("Clock out to close an open entry.")
    started_at = changed.get("started_at", entry.started_at)
    ended_at = changed.get("ended_at", entry.ended_at)
    if SPAN_FIELDS[0] in changed or SPAN_FIELDS[1] in changed:
        _check_span(started_at, ended_at)
        _lock_employee(entry.employee_id)
        check_overlap(entry.employee_id, started_at, ended_at, except_id=entry.id)
    if "task_id" in changed:
        _check_task(actor, changed["task_id"])
    declared = _declared_break(entry, changed)
    _check_break(started_at, ended_at, declared)
    breaks = list(db.session.scalars(sa.select(Break).where(Break.time_entry_id == entry.id)))
    employee = db.session.get(Employee, entry.employee_id)
    previous = (entry.paid_started_at, entry.paid_ended_at)
    with db.session.no_autoflush:  # one flush, so one audit row holds the whole edit
        for field in ("started_at", "ended_at", "task_id", "note"):
            if field in changed:
                setattr(entry, field, changed[field])
        if employee is not None:
            site_zone = geofence_timezone(entry.geofence_id)
            entry.entry_date = local_date(entry.started_at, employee_zone(employee, site_zone))
        if entry.ended_at is None:
            entry.paid_started_at = entry.started_at
        else:
            time_rules.close_totals(entry, breaks, declared_break_seconds=declared)
        if "EDITED" not in (entry.flags or []):
            entry.flags = [*(entry.flags or []), "EDITED"]
    db.session.flush()
    # Even a note alone flags the entry EDITED (a summary counts flagged entries); a moved entry
    # has the week it left recomputed too.
    outbox.entry_changed(entry, previous=previous)
    return entry


def submit(actor: User, entry: TimeEntry) -> TimeEntry:
    """A `draft` or `rejected` entry goes (back) to `submitted`."""
    _authorise_write(actor, entry)
    _refuse_locked(entry)
    if entry.status not in ("draft", "rejected") or entry.ended_at is None:
        raise InvalidTransition(
            f"A {entry.status} entry cannot be submitted.", details={"status": entry.status}
        )
    entry.status = "submitted"
    db.session.flush()
    outbox.entry_changed(entry)
    return entry


def _decidable(actor: User, entry: TimeEntry) -> None:
    _authorise_decision(actor, entry)
    _refuse_locked(entry)
    if entry.status != "submitted":
        raise InvalidTransition(
            f"A {entry.status} entry cannot be decided; it must be submitted.",
            details={"status": entry.status},
        )


def approve(actor: User, entry: TimeEntry) -> TimeEntry:
    _decidable(actor, entry)
    entry.status = "approved"
    entry.approved_by = actor.id
    entry.approved_at = utcnow()
    db.session.flush()
    outbox.entry_changed(entry)  # alerts and the week's summary, after this commits
    return entry


def _reason(reason: str | None) -> str:
    if not reason or not reason.strip():
        raise ValidationFailed(errors={"reason": ["A reason is required."]})
    return reason.strip()


def reject(actor: User, entry: TimeEntry, reason: str) -> TimeEntry:
    reason = _reason(reason)
    _decidable(actor, entry)
    entry.status = "rejected"
    entry.rejection_reason = reason
    entry.approved_by = None
    entry.approved_at = None
    db.session.flush()
    outbox.entry_changed(entry)  # rejected time is not worked time any more
    return entry


def reopen(actor: User, entry: TimeEntry, reason: str) -> TimeEntry:
    """An `approved` entry back to `submitted`, with the reason in the audit log."""
    reason = _reason(reason)
    _authorise_decision(actor, entry)
    if entry.status in ("exported", "paid"):
        raise EntryLocked("Exported and paid entries cannot be reopened.")
    if entry.status != "approved":
        raise InvalidTransition(
            f"Only approved entries are reopened; this one is {entry.status}.",
            details={"status": entry.status},
        )
    entry.status = "submitted"
    entry.approved_by = None
    entry.approved_at = None
    db.session.flush()
    outbox.entry_changed(entry)  # the week is not all approved any more
    # The status change has its own automatic UPDATE row; this one carries the why.
    audit.record("UPDATE", entry, reason=reason, metadata={"transition": "reopen"})
    return entry


def bulk_decide(
    actor: User, ids: list[uuid.UUID], decision: str, reason: str | None
) -> list[dict[str, Any]]:
    """Approve or reject many entries; each one succeeds or fails on its own."""
    if decision == "reject":
        reason = _reason(reason)
    results: list[dict[str, Any]] = []
    for entry_id in ids:
        entry: TimeEntry | None = None
        try:
            with db.session.begin_nested():
                entry = get_visible_entry(actor, entry_id)
                if decision == "approve":
                    approve(actor, entry)
                else:
                    reject(actor, entry, reason or "")
            results.append(
                {"id": entry_id, "ok": True, "status": entry.status, "error": None, "message": None}
            )
        except DomainError as exc:
            results.append(
                {
                    "id": entry_id,
                    "ok": False,
                    "status": entry.status if entry is not None else None,
                    "error": exc.code,
                    "message": exc.message,
                }
            )
    return results
