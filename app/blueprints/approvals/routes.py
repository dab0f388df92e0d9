"""`/api/v1/approvals`: the caller's queue of requests (time entries and, later, other modules)
and decisions on them, one by one or in bulk."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.blueprints.approvals.schemas import (
    ApprovalQueryArgsSchema,
    ApprovalSchema,
    BulkDecisionSchema,
    BulkResultsSchema,
    DecisionSchema,
)
from app.blueprints.common import Blueprint, paginate
from app.errors import InvalidTransition
from app.extensions import db
from app.openapi import raises
from app.security import current_actor, requires
from app.services import approvals
from app.services.approvals import NoApprovalHandler
from app.services.time_tracking import time_entry_lifecycle
from app.services.time_tracking.time_entry_lifecycle import EntryLocked, SelfApprovalForbidden

blp = Blueprint(
    "approvals",
    __name__,
    url_prefix="/api/v1/approvals",
    description="Approval requests: a manager's reports' (transitively), all for owner/admin.",
)


@blp.route("")
class Approvals(MethodView):
    @requires("approvals:read")
    @blp.arguments(ApprovalQueryArgsSchema, location="query")
    @blp.response(200, ApprovalSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List the caller's queue, oldest first (`?status=pending` for what waits)."""
        return paginate(approvals.queue(current_actor(), args), args)


@blp.route("/<uuid:approval_id>/decision")
class ApprovalDecision(MethodView):
    @requires("time:approve")
    @blp.arguments(DecisionSchema)
    @blp.response(200, ApprovalSchema)
    @raises(InvalidTransition, SelfApprovalForbidden, EntryLocked, NoApprovalHandler)
    @blp.doc(operationId="decideApproval")
    def post(self, body: dict[str, Any], approval_id: uuid.UUID) -> Any:
        """Approve or reject one request through its module's rules.

        The queue's way: `{approval_id}` is an approval request from `GET /approvals`, whatever
        its module. For a time entry this does exactly what `POST /time-entries/{id}/approve`
        or `/reject` does (same checks, same audit), so a client holding a time entry's id uses
        those, and a client working through the queue uses this.
        """
        approval = approvals.get_in_queue(current_actor(), approval_id)
        approvals.decide(current_actor(), approval, body["decision"], body.get("reason"))
        db.session.commit()
        return approval


@blp.route("/time-entries")
class TimeEntryDecisions(MethodView):
    @requires("time:approve")
    @blp.arguments(BulkDecisionSchema)
    @blp.response(200, BulkResultsSchema)
    @blp.doc(operationId="decideTimeEntries")
    def post(self, body: dict[str, Any]) -> Any:
        """Approve or reject many time entries; each id gets its own result."""
        results = time_entry_lifecycle.bulk_decide(
            current_actor(), body["ids"], body["decision"], body.get("reason")
        )
        db.session.commit()
        return {"results": results}
