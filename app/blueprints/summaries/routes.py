"""`/api/v1/summaries/weekly`: per employee and workweek, computed by the workers."""

from __future__ import annotations

from typing import Any

from app.blueprints.common import Blueprint, paginate
from app.blueprints.summaries.schemas import (
    JobAcceptedSchema,
    RecomputeSchema,
    WeeklySummaryQueryArgsSchema,
    WeeklySummarySchema,
)
from app.extensions import db
from app.security import current_actor, requires
from app.services.payroll import weekly_summaries

blp = Blueprint(
    "summaries", __name__, url_prefix="/api/v1/summaries", description="Weekly summaries."
)


@blp.route("/weekly")
@requires("summaries:read")
@blp.arguments(WeeklySummaryQueryArgsSchema, location="query")
@blp.response(200, WeeklySummarySchema(many=True))
@blp.doc(operationId="listWeeklySummaries")
def weekly(args: dict[str, Any]) -> Any:
    """List weekly summaries of the employees you may see, newest week first."""
    return paginate(weekly_summaries.search(current_actor(), args), args)


@blp.route("/weekly/recompute", methods=["POST"])
@requires("summaries:recompute")
@blp.arguments(RecomputeSchema)
@blp.response(202, JobAcceptedSchema)
@blp.doc(operationId="recomputeWeeklySummaries")
def recompute(body: dict[str, Any]) -> Any:
    """Recompute the workweek containing `week_start` for every employee, in the background."""
    job_id = weekly_summaries.request_recompute(current_actor(), body["week_start"])
    db.session.commit()
    return {"job_id": job_id}
