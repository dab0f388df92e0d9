"""`/api/v1/jobs/{id}`: a background job's status and progress, for its own organization."""

from __future__ import annotations

from typing import Any

from app.blueprints.common import Blueprint
from app.blueprints.jobs.schemas import JobSchema
from app.security import current_actor, requires
from app.services import job_status

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Background jobs.")


@blp.route("/<job_id>")
@requires("jobs:read")
@blp.response(200, JobSchema)
def get_job(job_id: str) -> Any:
    """Get a job's status, progress (from its meta), result or error."""
    return job_status.job_status(current_actor(), job_id)
