"""Overtime alerts: found by the engine for many employees at once, stored at most once each.

`check(organization_id, touched, now)` is what the coalesced alert job runs: `touched` maps
employees to instants (clock-outs, approvals, or "now" for the 15-minute scan of open entries).
For each employee it evaluates the workweeks containing those instants (in the employee's
policy), with one query loading every entry of every touched employee (an open entry counts
as ending now), `overtime.compute_overtime` and `overtime.detect_alerts`; the result is
inserted with ON CONFLICT DO NOTHING on (employee, kind, day/week), the unique constraint
that makes "at most one alert per employee, kind and day/week" true under any concurrency.

`MISSED_CLOCK_OUT` is the application's own rule (the engine knows nothing of shifts): an
entry still open 2 h after its shift's end, or 14 h after clock-in without a shift.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa

from app.errors import NotFound
from app.extensions import db
from app.models import AlertWebhook, Employee, OvertimeAlert, Shift, TimeEntry, User
from app.models.base import utcnow
from app.services import bulk, outbox
from app.services.identity.employees import visible_employees
from app.services.overtime.overtime_settings import PolicyBook
from app.services.tenancy import get_or_404
from app.services.time_tracking.work_time import (
    COUNTED_STATUSES,
    intervals_of,
    load_entries,
    open_break_seconds,
    whole_second,
)
from overtime import (
    Alert,
    Policy,
    compute_overtime,
    detect_alerts,
    seconds_to_hours,
    week_start_of,
    workday_of,
    workday_starts_at,
)

log = logging.getLogger(__name__)

TABLE = cast(sa.Table, OvertimeAlert.__table__)
UNIQUE = ("employee_id", "kind", "period_start")
MISSED_AFTER_SHIFT = timedelta(hours=2)
MISSED_WITHOUT_SHIFT = timedelta(hours=14)
MISSED_CLOCK_OUT = "MISSED_CLOCK_OUT"

MESSAGES = {
    "APPROACHING_WEEKLY_OVERTIME": "{hours} h counted toward weekly overtime this week.",
    "WEEKLY_OVERTIME": "{hours} h of weekly overtime.",
    "DAILY_OVERTIME": "{hours} h past the daily overtime threshold.",
    "DOUBLE_TIME": "{hours} h of double time.",
    "SEVENTH_DAY": "Seventh consecutive workday of the week: {hours} h worked.",
    "SHORT_REST": "Only {hours} h of rest between shifts (11 h required).",
    MISSED_CLOCK_OUT: "Still clocked in after {hours} h; did they forget to clock out?",
}


def message(kind: str, seconds: int) -> str:
    return MESSAGES[kind].format(hours=seconds_to_hours(seconds))


def _alert_row(organization_id: uuid.UUID, employee_id: uuid.UUID, alert: Alert) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": organization_id,
        "employee_id": employee_id,
        "kind": str(alert.kind),
        "period": alert.period,
        "period_start": alert.period_start,
        "week_start": alert.week_start,
        "seconds": alert.seconds,
        "time_entry_id": None,
        "details": {"message": message(str(alert.kind), alert.seconds)},
        "created_at": utcnow(),
    }


def _weeks(policy: Policy, instants: set[datetime]) -> set[Any]:
    return {week_start_of(workday_of(at, policy), policy) for at in instants}


def _window(book: PolicyBook, weeks: dict[uuid.UUID, set[Any]]) -> tuple[datetime, datetime]:
    """One loading window covering every employee's weeks, plus a day before (short rests)."""
    starts, ends = [], []
    for employee_id, employee_weeks in weeks.items():
        policy = book.for_employee(employee_id)
        starts.append(workday_starts_at(min(employee_weeks), policy))
        ends.append(workday_starts_at(max(employee_weeks) + timedelta(days=7), policy))
    return min(starts) - timedelta(days=1), max(ends)


def engine_alerts(
    organization_id: uuid.UUID, touched: dict[uuid.UUID, set[datetime]], now: datetime
) -> list[dict[str, Any]]:
    """Alert rows for the touched employees' weeks (not yet stored)."""
    if not touched:
        return []
    book = PolicyBook(organization_id)
    weeks = {e: _weeks(book.for_employee(e), instants) for e, instants in touched.items()}
    start, end = _window(book, weeks)
    entries = load_entries(
        organization_id, start, end, statuses=(*COUNTED_STATUSES, "open"), employee_ids=weeks
    )
    open_ids = [r.id for rows in entries.values() for r in rows if r.is_open]
    breaks = open_break_seconds(open_ids, now)
    rows = []
    for employee_id, employee_weeks in weeks.items():
        intervals = intervals_of(entries.get(employee_id, []), now, breaks)
        try:
            result = compute_overtime(intervals, book.for_employee(employee_id))
        except ValueError as exc:  # overlapping entries: a data error, one employee only
            log.warning("alerts: employee %s skipped: %s", employee_id, exc)
            continue
        rows += [
            _alert_row(organization_id, employee_id, alert)
            for alert in detect_alerts(result)
            if alert.week_start in employee_weeks
        ]
    return rows


def missed_clock_outs(organization_id: uuid.UUID, now: datetime) -> list[dict[str, Any]]:
    """Alert rows for open entries 2 h past their shift's end, or 14 h old without a shift."""
    t = TimeEntry
    stmt = (
        sa.select(t.id, t.employee_id, t.started_at, Shift.ends_at)
        .outerjoin(Shift, Shift.id == t.shift_id)
        .where(t.organization_id == organization_id, t.status == "open", t.deleted_at.is_(None))
    )
    book = PolicyBook(organization_id)
    rows = []
    for entry_id, employee_id, started_at, shift_end in db.session.execute(stmt):
        due = shift_end + MISSED_AFTER_SHIFT if shift_end else started_at + MISSED_WITHOUT_SHIFT
        if now < due:
            continue
        policy = book.for_employee(employee_id)
        workday = workday_of(whole_second(started_at), policy)
        seconds = int((now - started_at).total_seconds())
        rows.append(
            {
                "id": uuid.uuid4(),
                "organization_id": organization_id,
                "employee_id": employee_id,
                "kind": MISSED_CLOCK_OUT,
                "period": "workday",
                "period_start": workday,
                "week_start": week_start_of(workday, policy),
                "seconds": seconds,
                "time_entry_id": entry_id,
                "details": {"message": message(MISSED_CLOCK_OUT, seconds)},
                "created_at": utcnow(),
            }
        )
    return rows


def store(organization_id: uuid.UUID, rows: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Insert the alerts that are new (unique per employee, kind and day/week); their ids.
    New alerts go to the organization's webhook, if it has an active one."""
    inserted = bulk.insert_ignore(TABLE, rows, UNIQUE)
    if inserted and webhook_of(organization_id) is not None:
        outbox.publish("alerts.webhook", organization_id)
    return inserted


def check(
    organization_id: uuid.UUID,
    touched: dict[uuid.UUID, set[datetime]],
    now: datetime,
    *,
    scan_open: bool = False,
) -> list[uuid.UUID]:
    """Find and store the alerts of the touched employees (and, with `scan_open`, of every
    employee clocked in, and the missed clock-outs); the ids of the new alerts."""
    now = whole_second(now)
    if scan_open:
        for employee_id in open_employees(organization_id):
            touched.setdefault(employee_id, set()).add(now)
    rows = engine_alerts(organization_id, touched, now)
    if scan_open:
        rows += missed_clock_outs(organization_id, now)
    return store(organization_id, rows)


def open_employees(organization_id: uuid.UUID) -> list[uuid.UUID]:
    stmt = sa.select(TimeEntry.employee_id).where(
        TimeEntry.organization_id == organization_id,
        TimeEntry.status == "open",
        TimeEntry.deleted_at.is_(None),
    )
    return list(db.session.scalars(stmt.distinct()))


def organizations_clocked_in() -> list[uuid.UUID]:
    """Organizations with someone clocked in (the 15-minute scan publishes one check each)."""
    stmt = sa.select(TimeEntry.organization_id).where(
        TimeEntry.status == "open", TimeEntry.deleted_at.is_(None)
    )
    return list(db.session.scalars(stmt.distinct()))


# --- reading and acknowledging -------------------------------------------------------------


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    """The alerts of the employees the caller may see, newest first."""
    a = OvertimeAlert
    stmt = sa.select(a).where(
        a.organization_id == actor.organization_id,
        a.employee_id.in_(visible_employees(actor).with_only_columns(Employee.id)),
    )
    if "employee_id" in filters:
        stmt = stmt.where(a.employee_id == filters["employee_id"])
    if "kind" in filters:
        stmt = stmt.where(a.kind == filters["kind"])
    if "acknowledged" in filters:
        ack = a.acknowledged_at.is_not(None)
        stmt = stmt.where(ack if filters["acknowledged"] else sa.not_(ack))
    return stmt.order_by(a.created_at.desc(), a.id)


def acknowledge(actor: User, alert_id: uuid.UUID) -> OvertimeAlert:
    """Mark an alert seen (idempotent: the first acknowledgement is kept)."""
    alert = get_or_404(OvertimeAlert, alert_id, actor)
    visible = db.session.scalar(
        search(actor, {}).where(OvertimeAlert.id == alert.id).with_only_columns(OvertimeAlert.id)
    )
    if visible is None:
        raise NotFound("No such overtime alert.")
    if alert.acknowledged_at is None:
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by = actor.id
        db.session.flush()
    return alert


def webhook_of(organization_id: uuid.UUID) -> AlertWebhook | None:
    stmt = sa.select(AlertWebhook).where(
        AlertWebhook.organization_id == organization_id, AlertWebhook.active.is_(True)
    )
    webhook: AlertWebhook | None = db.session.scalars(stmt).first()
    return webhook
