"""`GET /clock/status`: the phone's home screen (state, open entry and break, today and week)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import Break, Employee, TimeEntry
from app.services.overtime import overtime_settings
from app.services.time_tracking.clock import open_break, open_entry
from app.services.time_tracking.time_rules import seconds_between
from app.services.timezones import (
    day_bounds,
    employee_zone,
    geofence_timezone,
    local_date,
    week_bounds,
)


@dataclass(frozen=True)
class ClockStatus:
    state: str  # off | working | on_break
    time_entry: TimeEntry | None
    brk: Break | None
    today_seconds: int
    week_seconds: int


def _overlap(start: datetime, end: datetime, lo: datetime, hi: datetime) -> int:
    return seconds_between(max(start, lo), min(end, hi)) if start < hi and end > lo else 0


def worked_between(employee: Employee, lo: datetime, hi: datetime, now: datetime) -> int:
    """Seconds worked in [lo, hi): punched time (an open entry counts until now) minus unpaid
    breaks, each clipped to the window."""
    entries = db.session.scalars(
        sa.select(TimeEntry).where(
            TimeEntry.employee_id == employee.id,
            TimeEntry.deleted_at.is_(None),
            TimeEntry.status != "rejected",
            TimeEntry.started_at < hi,
            sa.or_(TimeEntry.ended_at.is_(None), TimeEntry.ended_at > lo),
        )
    ).all()
    if not entries:
        return 0
    breaks = db.session.scalars(
        sa.select(Break).where(
            Break.time_entry_id.in_([e.id for e in entries]), Break.paid.is_(False)
        )
    ).all()
    total = sum(_overlap(e.started_at, e.ended_at or now, lo, hi) for e in entries)
    total -= sum(_overlap(b.started_at, b.ended_at or now, lo, hi) for b in breaks)
    return max(total, 0)


def site_timezone(employee: Employee, entry: TimeEntry | None) -> str | None:
    """The timezone of the site the employee works at, as clock-in stamped it on their
    entries: the open entry's geofence, else the most recent entry's (a fence deleted since
    still says where that work was done)."""
    if employee.timezone:  # their own zone wins in `employee_zone`: nothing to read
        return None
    if entry is not None:
        geofence_id = entry.geofence_id
    else:
        geofence_id = db.session.scalar(
            sa.select(TimeEntry.geofence_id)
            .where(
                TimeEntry.employee_id == employee.id,
                TimeEntry.deleted_at.is_(None),
                TimeEntry.status != "rejected",
            )
            .order_by(TimeEntry.started_at.desc(), TimeEntry.id.desc())
            .limit(1)
        )
    return geofence_timezone(geofence_id)


def status(employee: Employee, now: datetime) -> ClockStatus:
    """Today and this week are the local day and week of the zone clock-in uses."""
    entry = open_entry(employee)
    brk = open_break(entry) if entry is not None else None
    zone = employee_zone(employee, site_timezone(employee, entry))
    today = local_date(now, zone)
    day_lo, day_hi = day_bounds(today, zone)
    week_lo, week_hi = week_bounds(today, zone, overtime_settings.workweek_start_day(employee))
    state = "off" if entry is None else ("on_break" if brk is not None else "working")
    return ClockStatus(
        state,
        entry,
        brk,
        worked_between(employee, day_lo, min(day_hi, now), now),
        worked_between(employee, week_lo, min(week_hi, now), now),
    )
