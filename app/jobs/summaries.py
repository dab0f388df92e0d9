"""Weekly summary jobs: the coalesced refresh after every time-entry change, the on-demand
recompute of a week, and the hourly close of the weeks that ended (per organization and policy
timezone). All upsert, so running one twice changes nothing."""

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
from app.services import outbox
from app.services.payroll import weekly_summaries

# The hourly job closes each week once, at its first run after the week ended. That a week was
# closed is noted in the outbox for good, and a run reaches back to the latest note, so runs
# missed during an outage of any length (workers or Redis down) are made up by the next one;
# an organization never closed yet looks back this far.
CLOSE_WITHIN = timedelta(days=7)


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
    """Periodic (hourly): compute each week that ended (in each organization's policy
    timezones) since the last close and was not closed yet (`weeks_to_close`); the week and
    its closed note commit together, so a crash leaves the week to the next run."""
    now = utcnow()
    closed = []
    organizations = db.session.scalars(
        sa.select(Organization.id).where(Organization.deleted_at.is_(None))
    ).all()
    for org in organizations:
        for week in weekly_summaries.weeks_to_close(org, now, CLOSE_WITHIN):
            weekly_summaries.recompute_week(org, week)
            weekly_summaries.mark_closed(org, week, now)
            closed.append(f"{org}:{week.isoformat()}")
        db.session.commit()
    return {"closed": closed}
