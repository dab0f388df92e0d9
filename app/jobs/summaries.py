"""Weekly summary jobs: the coalesced refresh after clock-outs and approvals, the on-demand
recompute of a week, and the hourly close of the weeks that just ended (per organization and
policy timezone). All upsert, so running one twice changes nothing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from rq import get_current_job

from app.extensions import db
from app.jobs import job, report_progress
from app.models import Organization
from app.models.base import utcnow
from app.services import outbox, weekly_summaries

# The hourly job closes a week during the first two hours after it ends (two chances).
CLOSE_WITHIN = timedelta(hours=2)


@job
def refresh_summaries(organization_id: str) -> dict[str, Any]:
    """Recompute the weeks of every employee touched since the last run."""
    org = uuid.UUID(organization_id)
    with outbox.coalesced_run("summaries.refresh", org) as messages:
        rows = weekly_summaries.refresh(org, outbox.touched_employees(messages))
    db.session.commit()
    return {"messages": len(messages), "rows": rows}


@job
def recompute_week(organization_id: str, week_start: str) -> dict[str, Any]:
    """Recompute one workweek of every employee (POST /summaries/weekly/recompute)."""
    report_progress(0)
    rows = weekly_summaries.recompute_week(
        uuid.UUID(organization_id), date.fromisoformat(week_start)
    )
    current = get_current_job()
    if current is not None:
        outbox.mark_job_done("summaries.recompute", current.id)
    db.session.commit()
    report_progress(100)
    return {"week_start": week_start, "rows": rows}


@job
def close_weeks() -> dict[str, Any]:
    """Periodic (hourly): compute the week that just ended in each organization's timezone."""
    now = utcnow()
    closed = []
    organizations = db.session.scalars(
        sa.select(Organization.id).where(Organization.deleted_at.is_(None))
    ).all()
    for org in organizations:
        for week in weekly_summaries.weeks_just_ended(org, now, CLOSE_WITHIN):
            weekly_summaries.recompute_week(org, week)
            closed.append(f"{org}:{week.isoformat()}")
        db.session.commit()
    return {"closed": closed}
