"""Generic approval requests: one `approvals` row per thing waiting for a decision.

A module (today `time_entries`; purchase orders, invoices and inventory adjustments later)
asks for a decision by adding a pending row naming the entity and, when a person's work is
concerned, the `subject_employee_id` that puts it in their managers' queue. Deciding goes
back to the module through `DECIDERS`, so the queue and the generic decision endpoint never
need to know a module's rules.

Time entries are mirrored automatically by a session listener (`install`): whoever moves an
entry into `submitted` (clock-out, switch-task, sync, a manual entry, `/submit`, `/reopen`)
opens its pending request, and whoever moves it out (approve, reject) resolves it, in the
same flush. No write path can forget it, the clock's included.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

from app.errors import Conflict, NotFound
from app.extensions import db
from app.models import Approval, TimeEntry, User
from app.models.base import utcnow
from app.services import audit
from app.services.identity.employees import report_ids
from app.services.tenancy import get_or_404, scoped

TIME_ENTRIES = "time_entries"
SEES_ALL = frozenset({"owner", "admin"})
# What an entry's status becomes → what its pending approval becomes.
RESOLUTIONS = {"approved": "approved", "rejected": "rejected"}


class NoApprovalHandler(Conflict):
    code = "NO_APPROVAL_HANDLER"
    default_message = "Requests of this module are decided in their own module."


def _status_change(session: Session, obj: TimeEntry) -> tuple[str | None, str]:
    if obj in session.new:
        return None, obj.status
    history = sa.inspect(obj).attrs.status.history
    before = history.deleted[0] if history.deleted else obj.status
    return before, obj.status


def _pending(session: Session, module: str, entity_id: uuid.UUID) -> list[Approval]:
    with session.no_autoflush:
        stmt = sa.select(Approval).where(
            Approval.module == module,
            Approval.entity_id == entity_id,
            Approval.status == "pending",
        )
        rows = list(session.scalars(stmt))
    rows += [
        obj
        for obj in session.new
        if isinstance(obj, Approval)
        and obj.module == module
        and obj.entity_id == entity_id
        and obj.status == "pending"
    ]
    return rows


def _request_for(session: Session, entry: TimeEntry) -> None:
    if entry.id is None:
        entry.id = uuid.uuid4()
    if _pending(session, TIME_ENTRIES, entry.id):
        return
    session.add(
        Approval(
            id=uuid.uuid4(),
            organization_id=entry.organization_id,
            workspace_id=entry.workspace_id,
            module=TIME_ENTRIES,
            entity_id=entry.id,
            subject_employee_id=entry.employee_id,
            payload_json={
                "employee_id": str(entry.employee_id),
                "started_at": entry.started_at.isoformat(),
                "ended_at": entry.ended_at.isoformat() if entry.ended_at else None,
                "source": entry.source,
            },
            status="pending",
            requested_by=audit.current_context().user_id,
        )
    )


def _resolve_for(session: Session, entry: TimeEntry, outcome: str) -> None:
    actor_id = audit.current_context().user_id
    for approval in _pending(session, TIME_ENTRIES, entry.id):
        approval.status = outcome
        approval.decided_by = entry.approved_by if outcome == "approved" else actor_id
        approval.decided_at = utcnow()
        approval.reason = entry.rejection_reason if outcome == "rejected" else None


def _mirror_time_entries(session: Session, _ctx: UOWTransaction, _instances: Any) -> None:
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, TimeEntry):
            continue
        before, after = _status_change(session, obj)
        if obj.deleted_at is not None:
            if before == "submitted" or after == "submitted":
                _resolve_for(session, obj, "cancelled")
        elif after == "submitted" and before != "submitted":
            _request_for(session, obj)
        elif before == "submitted" and after != "submitted":
            _resolve_for(session, obj, RESOLUTIONS.get(after, "cancelled"))


def install(session_factory: Any) -> None:
    """Attach the time-entry mirror to the app's session class (idempotent)."""
    if not event.contains(session_factory, "before_flush", _mirror_time_entries):
        event.listen(session_factory, "before_flush", _mirror_time_entries)


def queue(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    """Requests the actor may decide: all for owner/admin; a manager's reports' (transitively),
    never their own. Oldest first, as a queue is worked."""
    stmt = scoped(Approval, actor)
    if actor.role not in SEES_ALL:
        own = actor.employee
        if own is None:
            return stmt.where(sa.false())
        tree = report_ids(own.id)
        stmt = stmt.where(Approval.subject_employee_id.in_(sa.select(tree.c.id)))
    for field in ("status", "module", "subject_employee_id", "entity_id"):
        if field in filters:
            stmt = stmt.where(getattr(Approval, field) == filters[field])
    return stmt.order_by(Approval.created_at, Approval.id)


def get_in_queue(actor: User, approval_id: uuid.UUID) -> Approval:
    approval = get_or_404(Approval, approval_id, actor)
    if db.session.scalar(queue(actor, {}).where(Approval.id == approval.id)) is None:
        raise NotFound("No such approval request.")
    return approval


def _decide_time_entry(actor: User, approval: Approval, decision: str, reason: str | None) -> Any:
    from app.services.time_tracking import time_entry_lifecycle as lifecycle
    from app.services.time_tracking.time_entries import get_visible_entry

    entry = get_visible_entry(actor, approval.entity_id)
    if decision == "approve":
        return lifecycle.approve(actor, entry)
    return lifecycle.reject(actor, entry, reason or "")


# module → how a decision is carried out; a module joins the generic queue by adding itself.
DECIDERS: dict[str, Callable[[User, Approval, str, str | None], Any]] = {
    TIME_ENTRIES: _decide_time_entry,
}


def decide(actor: User, approval: Approval, decision: str, reason: str | None) -> Approval:
    """Approve or reject a pending request through its module's own rules."""
    decider = DECIDERS.get(approval.module)
    if decider is None:
        raise NoApprovalHandler(
            f"Requests of module {approval.module!r} are decided in their own module."
        )
    decider(actor, approval, decision, reason)
    db.session.flush()
    db.session.refresh(approval)
    return approval
