"""The hourly weekly close cannot be skipped for good: a week is closed by the first run after it
ended, however late (workers down across the boundary), and only once.

The organization is in America/Los_Angeles (PST = UTC-8 in late November), California rules,
workweeks from Monday: the week of 2026-11-16 ends at 2026-11-23 00:00 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.jobs import summaries as summary_jobs
from app.models import TimeSummaryWeekly
from app.services import outbox
from app.services.overtime import overtime_settings
from app.services.payroll import weekly_summaries

LA = ZoneInfo("America/Los_Angeles")
H = 3600
BOUNDARY = datetime(2026, 11, 23, 0, 0, tzinfo=LA).astimezone(UTC)


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LA).astimezone(UTC)


@pytest.fixture
def california(make_org, make_employee):
    owner = make_org(timezone="America/Los_Angeles")
    overtime_settings.put_settings(owner, {"rule": "california"})
    return owner, make_employee(owner, hourly_rate=Decimal("20.00"))


def closed_for(org_id, result):
    return [c for c in result["closed"] if c.startswith(str(org_id))]


def worked(db, employee):
    db.session.expire_all()
    return {
        r.week_start.isoformat(): (r.worked_seconds, r.regular_seconds, r.overtime_seconds)
        for r in db.session.scalars(
            sa.select(TimeSummaryWeekly).where(TimeSummaryWeekly.employee_id == employee.id)
        )
    }


def test_a_week_is_closed_30_hours_late_and_only_once(db, california, make_entry):
    owner, employee = california
    org = owner.organization_id
    # A 10-hour Monday (8 regular, 2 overtime in California) never refreshed by a job.
    make_entry(employee, local(2026, 11, 16, 7), local(2026, 11, 16, 17))
    assert worked(db, employee) == {}

    with time_machine.travel(BOUNDARY + timedelta(hours=30), tick=False):
        result = summary_jobs.close_weeks()
    assert closed_for(org, result) == [f"{org}:2026-11-16"]  # not the week before: long closed
    assert worked(db, employee) == {"2026-11-16": (10 * H, 8 * H, 2 * H)}

    # A second run, and one a few days later, have nothing new to close: the week stays as it
    # was closed (an entry written behind the outbox's back is not picked up by a recompute).
    make_entry(employee, local(2026, 11, 17, 7), local(2026, 11, 17, 9))
    for later in (timedelta(hours=31), timedelta(days=6)):
        with time_machine.travel(BOUNDARY + later, tick=False):
            assert closed_for(org, summary_jobs.close_weeks()) == []
    assert worked(db, employee) == {"2026-11-16": (10 * H, 8 * H, 2 * H)}


def test_weeks_missed_in_an_outage_longer_than_the_purge_age_are_all_closed(
    db, california, make_entry
):
    """Workers down from an hour after one close until three weeks later: the daily purge of
    processed outbox messages ran meanwhile (an API process's maintenance, say), and the first
    run after closes both weeks that ended during the outage, and not the one before again."""
    owner, employee = california
    org = owner.organization_id
    for day in (16, 23, 30):  # a 10-hour Monday in each of three weeks
        make_entry(employee, local(2026, 11, day, 7), local(2026, 11, day, 17))
    with time_machine.travel(BOUNDARY + timedelta(hours=1), tick=False):
        assert closed_for(org, summary_jobs.close_weeks()) == [f"{org}:2026-11-16"]
    assert weekly_summaries.CLOSED_TOPIC in outbox.KEPT_TOPICS
    with time_machine.travel(BOUNDARY + timedelta(days=20), tick=False):
        outbox.purge_processed()
        db.session.commit()
    # an entry written behind the outbox's back: recomputed only if its week is closed again
    make_entry(employee, local(2026, 11, 17, 7), local(2026, 11, 17, 9))

    with time_machine.travel(BOUNDARY + timedelta(days=20, hours=1), tick=False):
        result = summary_jobs.close_weeks()
    assert closed_for(org, result) == [f"{org}:2026-11-23", f"{org}:2026-11-30"]
    assert worked(db, employee) == {
        "2026-11-16": (10 * H, 8 * H, 2 * H),
        "2026-11-23": (10 * H, 8 * H, 2 * H),
        "2026-11-30": (10 * H, 8 * H, 2 * H),
    }
    with time_machine.travel(BOUNDARY + timedelta(days=20, hours=2), tick=False):
        assert closed_for(org, summary_jobs.close_weeks()) == []


def test_an_organization_never_closed_looks_back_one_week(db, california):
    owner, _employee = california
    org = owner.organization_id
    within = summary_jobs.CLOSE_WITHIN
    assert within.total_seconds() == 7 * 24 * H
    week = datetime(2026, 11, 16).date()
    at = BOUNDARY + timedelta(days=3)
    # the week of 11-09 ended 7 days before BOUNDARY: out of reach without a note
    assert weekly_summaries.weeks_to_close(org, at, within) == [week]
    weekly_summaries.mark_closed(org, week, at)
    db.session.flush()
    assert weekly_summaries.weeks_to_close(org, at, within) == []
    # 30 days later, from the note on: the four weeks that ended since, not the one closed
    later = BOUNDARY + timedelta(days=30)
    assert weekly_summaries.weeks_to_close(org, later, within) == [
        week + timedelta(days=7 * n) for n in (1, 2, 3, 4)
    ]
