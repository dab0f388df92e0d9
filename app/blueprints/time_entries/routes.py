"""`/api/v1/time-entries`: worked time, scoped to what the caller may see, and its lifecycle
(manual entries, edits, submit/approve/reject/reopen)."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.idempotency import commit_work, idempotent
from app.blueprints.time_entries.schemas import (
    ReasonSchema,
    TimeEntryCreateSchema,
    TimeEntryPatchSchema,
    TimeEntryQueryArgsSchema,
    TimeEntrySchema,
)
from app.errors import InvalidTransition
from app.extensions import db
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services.time_tracking import time_entries
from app.services.time_tracking import time_entry_lifecycle as lifecycle
from app.services.time_tracking.time_entry_lifecycle import (
    EntryLocked,
    EntryOverlap,
    SelfApprovalForbidden,
)

blp = Blueprint(
    "time_entries", __name__, url_prefix="/api/v1/time-entries", description="Time entries."
)


@blp.route("")
class TimeEntries(MethodView):
    @requires("time:read")
    @blp.arguments(TimeEntryQueryArgsSchema, location="query")
    @blp.response(200, TimeEntrySchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List time entries (own, reports', or all by role), newest first."""
        return paginate(time_entries.search(current_actor(), args), args)

    @requires("time:write")
    @idempotent
    @blp.arguments(TimeEntryCreateSchema)
    @blp.response(201, TimeEntrySchema)
    @etagged
    @raises(EntryOverlap, InvalidTransition)
    def post(self, body: dict[str, Any]) -> Any:
        """Enter time by hand (flag MANUAL); 409 ENTRY_OVERLAP on overlaps. Idempotency-Key."""
        entry = lifecycle.create_manual(current_actor(), body)
        commit_work()
        return with_etag(TimeEntrySchema(), entry, 201)


@blp.route("/<uuid:entry_id>")
class TimeEntryById(MethodView):
    @requires("time:read")
    @blp.response(200, TimeEntrySchema)
    @etagged
    def get(self, entry_id: uuid.UUID) -> Any:
        """Get a time entry."""
        return with_etag(
            TimeEntrySchema(), time_entries.get_visible_entry(current_actor(), entry_id)
        )

    @requires("time:write")
    @blp.arguments(TimeEntryPatchSchema)
    @blp.response(200, TimeEntrySchema)
    @etagged
    @raises(EntryLocked, EntryOverlap, InvalidTransition)
    def patch(self, body: dict[str, Any], entry_id: uuid.UUID) -> Any:
        """Edit an entry (flag EDITED; old values in the audit log); 409 ENTRY_LOCKED."""
        entry = time_entries.get_visible_entry(current_actor(), entry_id)
        check_if_match(TimeEntrySchema(), entry)
        lifecycle.update_entry(current_actor(), entry, body)
        db.session.commit()
        return with_etag(TimeEntrySchema(), entry)


@blp.route("/<uuid:entry_id>/submit")
class SubmitEntry(MethodView):
    @requires("time:write")
    @blp.response(200, TimeEntrySchema)
    @etagged
    @raises(InvalidTransition, EntryLocked)
    def post(self, entry_id: uuid.UUID) -> Any:
        """Submit a draft or rejected entry for approval."""
        entry = time_entries.get_visible_entry(current_actor(), entry_id)
        lifecycle.submit(current_actor(), entry)
        db.session.commit()
        return with_etag(TimeEntrySchema(), entry)


@blp.route("/<uuid:entry_id>/approve")
class ApproveEntry(MethodView):
    @requires("time:approve")
    @blp.response(200, TimeEntrySchema)
    @etagged
    @raises(InvalidTransition, SelfApprovalForbidden, EntryLocked)
    def post(self, entry_id: uuid.UUID) -> Any:
        """Approve a submitted entry of a report; it is locked from then on.

        The entry's way: by the time entry's id. `POST /approvals/{approval_id}/decision` is
        the same decision reached from the approval queue; either one resolves both the entry
        and its pending approval request.
        """
        entry = time_entries.get_visible_entry(current_actor(), entry_id)
        lifecycle.approve(current_actor(), entry)
        db.session.commit()
        return with_etag(TimeEntrySchema(), entry)


@blp.route("/<uuid:entry_id>/reject")
class RejectEntry(MethodView):
    @requires("time:approve")
    @blp.arguments(ReasonSchema)
    @blp.response(200, TimeEntrySchema)
    @etagged
    @raises(InvalidTransition, SelfApprovalForbidden, EntryLocked)
    def post(self, body: dict[str, Any], entry_id: uuid.UUID) -> Any:
        """Reject a submitted entry of a report, with a reason."""
        entry = time_entries.get_visible_entry(current_actor(), entry_id)
        lifecycle.reject(current_actor(), entry, body["reason"])
        db.session.commit()
        return with_etag(TimeEntrySchema(), entry)


@blp.route("/<uuid:entry_id>/reopen")
class ReopenEntry(MethodView):
    @requires("time:approve")
    @blp.arguments(ReasonSchema)
    @blp.response(200, TimeEntrySchema)
    @etagged
    @raises(InvalidTransition, SelfApprovalForbidden, EntryLocked)
    def post(self, body: dict[str, Any], entry_id: uuid.UUID) -> Any:
        """Reopen an approved entry (back to submitted), with a reason."""
        entry = time_entries.get_visible_entry(current_actor(), entry_id)
        lifecycle.reopen(current_actor(), entry, body["reason"])
        db.session.commit()
        return with_etag(TimeEntrySchema(), entry)
