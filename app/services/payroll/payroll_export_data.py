"""The rows of a payroll export: which entries go in, and their hours split into pay buckets.

- **Period**: whole days in the organization's timezone, `period_start` to `period_end`
  inclusive; an entry belongs to the period of its (paid) start.
- **Included**: the period's `approved` entries (locked `FOR UPDATE` on PostgreSQL until the
  export's transaction ends, so that nobody reopens one half-way). Everything else of the
  period is counted in `excluded`: `unapproved` (submitted, rejected, draft), `open`, and
  `already_exported` (exported or paid by an earlier export).
- **Buckets**: overtime is a property of whole workweeks, and a workweek's entries can reach
  payroll in several exports (a period ending mid-week, an entry approved late). Each export
  pays, for every workweek it touches, what the week owes now minus what it owed before: the
  allocation of the week's *settled* entries (exported or paid by earlier exports) plus the
  carried ones, minus the allocation of the settled entries alone. Summed over the exports of a
  week this is exactly the week's allocation, whatever order the entries were approved in
  (an entry approved after later hours were exported turns those hours into overtime in this
  export, instead of being paid as regular time twice over). Entries approved but not exported
  yet are left out: they count when their own export carries them. Allocation is by
  `overtime.allocate_day_totals` when no entry crosses a workday boundary (the usual case: fast,
  no datetimes), else by `overtime.compute_overtime` per interval; the detail formats (`xlsx`,
  `quickbooks_iif`) always take the per-interval path, which gives each entry-day its line.
  Should the difference lower a bucket (a late entry making a seventh consecutive workday of
  hours already paid as regular time), the export fails with the employee's name rather than
  write a negative line.
"""

from __future__ import annotations

import math
import uuid
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.extensions import db
from app.models import Employee, Organization, PayrollExport, Task, TimeEntry, User
from app.models.base import utcnow
from app.services import audit
from app.services.overtime.overtime_settings import PolicyBook
from app.services.payroll import payroll_export_days
from app.services.time_tracking.work_time import (
    EntryRow,
    load_entries,
    starting_within,
    to_interval,
)
from app.services.timezones import local_midnight
from overtime import (
    Buckets,
    Policy,
    allocate_day_totals,
    compute_overtime,
    week_start_of,
    workday_starts_at,
)
from payroll_exports import EmployeeTotals, EntryDetail, ExportError

DETAIL_FORMATS = frozenset({"xlsx", "quickbooks_iif"})
# the entries an allocation counts: settled ones and, once `claim` has run, the carried ones
CONTEXT_STATUSES = ("exported", "paid")
MARGIN = timedelta(days=8)  # a workweek around the period, whatever the policy's calendar
PROGRESS_EVERY = 500  # employees between progress reports


@dataclass
class ExportData:
    totals: list[EmployeeTotals] = field(default_factory=list)
    details: list[EntryDetail] = field(default_factory=list)
    entry_count: int = 0  # entries carried (marked `exported` by `claim`)
    excluded: dict[str, int] = field(default_factory=dict)


def period_bounds(organization: Organization, start: date, end: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(organization.timezone)
    return local_midnight(start, zone), local_midnight(end + timedelta(days=1), zone)


def _in_period(organization_id: uuid.UUID, start: datetime, end: datetime) -> Any:
    t = TimeEntry
    return sa.and_(
        t.organization_id == organization_id,
        t.deleted_at.is_(None),
        starting_within(start, end),
    )


def claim(export: PayrollExport, start: datetime, end: datetime) -> int:
    """Mark the period's approved entries `exported` by this export; how many. One set-based
    UPDATE with the period's predicate: its row locks are what keeps the entries from changing
    until the export commits, and a rollback (a failed or killed export) undoes it. Each
    entry's status change gets its audit row in the same statement (`audit.bulk_update`); an
    approved entry has no payroll_export_id (only this sets it, and an exported or paid entry
    never becomes approved again)."""
    return audit.bulk_update(
        TimeEntry,
        sa.and_(_in_period(export.organization_id, start, end), TimeEntry.status == "approved"),
        old={"status": "approved", "payroll_export_id": None},
        new={"status": "exported", "payroll_export_id": export.id, "updated_at": utcnow()},
    )


def carried_ids(export: PayrollExport, start: datetime, end: datetime) -> sa.Select[Any]:
    """The entries `claim` marked (the period's predicate first: the index is on the period)."""
    return sa.select(TimeEntry.id).where(
        _in_period(export.organization_id, start, end), TimeEntry.payroll_export_id == export.id
    )


def excluded_counts(organization_id: uuid.UUID, start: datetime, end: datetime) -> dict[str, int]:
    stmt = (
        sa.select(TimeEntry.status, sa.func.count())
        .where(_in_period(organization_id, start, end), TimeEntry.status != "approved")
        .group_by(TimeEntry.status)
    )
    counts = {"unapproved": 0, "open": 0, "already_exported": 0}
    for status, count in db.session.execute(stmt):
        key = {"open": "open", "exported": "already_exported", "paid": "already_exported"}
        counts[key.get(status, "unapproved")] += count
    return counts


def _people(employees: sa.Select[Any]) -> dict[uuid.UUID, Any]:
    stmt = (
        sa.select(
            Employee.id,
            Employee.employee_number,
            User.first_name,
            User.last_name,
            Employee.hourly_rate,
            Employee.currency,
            Employee.settings["gusto_employee_id"].as_string().label("gusto_employee_id"),
        )
        .join(User, User.id == Employee.user_id)
        .where(Employee.id.in_(employees))
    )
    return {row.id: row for row in db.session.connection().execute(stmt)}


def _extras(entry_ids: sa.Select[Any]) -> dict[uuid.UUID, Any]:
    """What the detail formats show besides hours: raw punches, task, approver, note."""
    approver = aliased(User)
    stmt = (
        sa.select(
            TimeEntry.id,
            TimeEntry.started_at,
            TimeEntry.ended_at,
            TimeEntry.note,
            Task.title,
            approver.first_name,
            approver.last_name,
        )
        .outerjoin(Task, Task.id == TimeEntry.task_id)
        .outerjoin(approver, approver.id == TimeEntry.approved_by)
        .where(TimeEntry.id.in_(entry_ids))
    )
    return {row.id: row for row in db.session.execute(stmt)}


class Workdays:
    """The policy's workdays around the period, for finding an instant's workday with one
    bisection (the same days as `overtime.workday_of`: day D is [start(D), start(D + 1)))."""

    def __init__(self, policy: Policy, first: date, last: date) -> None:
        count = (last - first).days + 1
        days = [first + timedelta(days=i) for i in range(count + 1)]
        self.starts = [workday_starts_at(day, policy).timestamp() for day in days]
        self.places = [
            (week_start_of(d, policy), (d - week_start_of(d, policy)).days) for d in days
        ]

    def index(self, timestamp: float) -> int | None:
        i = bisect_right(self.starts, timestamp) - 1
        return i if 0 <= i < len(self.starts) - 1 else None


def _fast_buckets(
    rows: list[EntryRow], carried: set[uuid.UUID], policy: Policy, workdays: Workdays
) -> tuple[Buckets, Buckets] | None:
    """The week allocations with and without the carried entries, from day totals; None when
    an entry crosses a workday boundary (the per-interval path splits it)."""
    weeks: dict[date, tuple[list[int], list[int]]] = {}
    for row in rows:
        start = row.started_at.timestamp()
        day = workdays.index(start)
        if day is None:
            return None
        last_second = math.floor(start) + row.duration_seconds - 1
        if row.duration_seconds and workdays.index(last_second) != day:
            return None
        week_start, weekday = workdays.places[day]
        if week_start not in weeks:
            weeks[week_start] = ([0] * 7, [0] * 7)
        everything, settled = weeks[week_start]
        everything[weekday] += row.worked_seconds
        if row.id not in carried:
            settled[weekday] += row.worked_seconds
    with_carried, without = Buckets(), Buckets()
    for everything, settled in weeks.values():
        with_carried = with_carried + allocate_day_totals(everything, policy).totals
        without = without + allocate_day_totals(settled, policy).totals
    return with_carried, without


def _owed(person: Any, with_carried: Buckets, without: Buckets) -> Buckets:
    """What the carried entries add to their workweeks' pay, bucket by bucket."""
    buckets = Buckets(
        with_carried.regular_seconds - without.regular_seconds,
        with_carried.overtime_seconds - without.overtime_seconds,
        with_carried.double_time_seconds - without.double_time_seconds,
    )
    if min(buckets.regular_seconds, buckets.overtime_seconds, buckets.double_time_seconds) < 0:
        raise ExportError(
            f"{_name(person)}: the entries this export carries change how hours of the same "
            "workweek that an earlier export paid must be paid (for example a seventh "
            "consecutive workday), so that a pay bucket would go below zero; settle that "
            "week's difference by hand, then export again without those entries."
        )
    return buckets


def _name(person: Any) -> str:
    return f"{person.first_name} {person.last_name} ({person.employee_number})"


def _detail(
    person: Any, extra: Any, row: EntryRow, segment: Any, buckets: list[int]
) -> EntryDetail:
    approver = " ".join(p for p in (extra.first_name, extra.last_name) if p) or None
    return EntryDetail(
        employee_number=person.employee_number,
        first_name=person.first_name,
        last_name=person.last_name,
        work_date=segment.workday,
        started_at=extra.started_at,
        ended_at=extra.ended_at or segment.ends_at,
        paid_started_at=segment.starts_at,
        paid_ended_at=segment.ends_at,
        break_seconds=segment.break_seconds,
        worked_seconds=segment.worked_seconds,
        regular_seconds=buckets[0],
        overtime_seconds=buckets[1],
        double_time_seconds=buckets[2],
        task_title=extra.title,
        flags=row.flags,
        approver_name=approver,
        note=extra.note,
    )


def gather(export: PayrollExport, progress: Callable[[int], None] = lambda _p: None) -> ExportData:
    """Claim the period's approved entries (`claim`) and compute everything the export's file
    needs."""
    org = db.session.get(Organization, export.organization_id)
    assert org is not None
    start, end = period_bounds(org, export.period_start, export.period_end)
    data = ExportData(excluded=excluded_counts(org.id, start, end))
    data.entry_count = claim(export, start, end)
    chosen = carried_ids(export, start, end)
    # straight from the period's predicate: `id IN (chosen)` costs a primary-key probe a row
    employees = chosen.with_only_columns(TimeEntry.employee_id)
    people = _people(employees)
    with_details = export.format in DETAIL_FORMATS
    book = PolicyBook(org.id)
    # Everyone's entries around the period (the day totals of those the export does not
    # carry are left unused): filtering by the carried employees makes the planner, blind to
    # the UPDATE that `claim` just made, probe the entries employee by employee.
    window = sa.and_(
        TimeEntry.organization_id == org.id,
        TimeEntry.deleted_at.is_(None),
        TimeEntry.status.in_(CONTEXT_STATUSES),
        TimeEntry.paid_started_at < end + MARGIN,
        TimeEntry.paid_ended_at > start - MARGIN,
    )
    fast: dict[uuid.UUID, tuple[Buckets, Buckets] | None] = {}
    if not with_details and db.session.get_bind().dialect.name == "postgresql":
        groups: dict[Policy, list[uuid.UUID]] = {}
        for employee_id in people:
            groups.setdefault(book.for_employee(employee_id), []).append(employee_id)
        days = (export.period_start - MARGIN, export.period_end + MARGIN)
        for policy, members in groups.items():
            chosen_members = None if len(groups) == 1 else members
            fast.update(
                payroll_export_days.bucket_totals(export.id, policy, days, window, chosen_members)
            )
    slow = [e for e in people if fast.get(e) is None]
    rows_by_employee: dict[uuid.UUID, list[EntryRow]] = {}
    included: set[uuid.UUID] = set()
    if slow:
        rows_by_employee = load_entries(
            org.id,
            start - MARGIN,
            end + MARGIN,
            statuses=CONTEXT_STATUSES,
            employee_ids=slow if len(slow) < len(people) else employees,  # few: a list
            with_flags=with_details,
        )
        few = len(slow) < len(people)
        included = set(
            db.session.scalars(chosen.where(TimeEntry.employee_id.in_(slow)) if few else chosen)
        )
    extras = _extras(chosen) if with_details else {}
    now = utcnow()
    calendars: dict[Policy, Workdays] = {}
    progress(10)
    for done, (employee_id, person) in enumerate(
        sorted(people.items(), key=lambda p: p[1].employee_number)
    ):
        policy = book.for_employee(employee_id)
        allocations = fast.get(employee_id)
        if allocations is None:
            rows = rows_by_employee.get(employee_id, [])
            carried = {r.id for r in rows if r.id in included}
            if not with_details:
                if policy not in calendars:
                    calendars[policy] = Workdays(
                        policy, export.period_start - MARGIN, export.period_end + MARGIN
                    )
                allocations = _fast_buckets(rows, carried, policy, calendars[policy])
        if allocations is not None:
            buckets = _owed(person, *allocations)
        else:
            buckets = _per_interval(data, person, rows, carried, extras, policy, now, with_details)
        data.totals.append(
            EmployeeTotals(
                employee_number=person.employee_number,
                first_name=person.first_name,
                last_name=person.last_name,
                hourly_rate=person.hourly_rate,
                currency=person.currency,
                regular_seconds=buckets.regular_seconds,
                overtime_seconds=buckets.overtime_seconds,
                double_time_seconds=buckets.double_time_seconds,
                overtime_multiplier=policy.overtime_multiplier,
                double_time_multiplier=policy.double_time_multiplier,
                gusto_employee_id=person.gusto_employee_id,
            )
        )
        if done % PROGRESS_EVERY == 0:
            progress(10 + 70 * done // max(1, len(people)))
    progress(80)
    return data


def _allocated(person: Any, rows: list[EntryRow], now: datetime, policy: Policy) -> Any:
    intervals = [i for r in rows if (i := to_interval(r, now)) is not None]
    try:
        return compute_overtime(intervals, policy)
    except ValueError as exc:  # overlapping entries: fix them, then export again
        raise ExportError(f"{_name(person)}: {exc}") from None


def _per_interval(
    data: ExportData,
    person: Any,
    rows: list[EntryRow],
    carried: set[uuid.UUID],
    extras: dict[uuid.UUID, Any],
    policy: Policy,
    now: datetime,
    with_details: bool,
) -> Buckets:
    """The carried entries' buckets by `compute_overtime`, and their detail lines: each carried
    entry-day as the week's allocation pays it, then, should the carried entries have changed
    how settled hours are paid, seconds moved between their buckets (latest first) so that the
    lines add up to the buckets."""
    everything = _allocated(person, rows, now, policy)
    settled = _allocated(person, [r for r in rows if r.id not in carried], now, policy)
    buckets = _owed(person, everything.totals, settled.totals)
    if with_details:
        by_id = {str(r.id): r for r in rows}
        lines = [
            (by_id[str(item.entry_id)], segment)
            for item in everything.intervals
            if by_id[str(item.entry_id)].id in carried
            for segment in item.segments
        ]
        parts = [[s.regular_seconds, s.overtime_seconds, s.double_time_seconds] for _, s in lines]
        _shift(parts, buckets)
        data.details += [
            _detail(person, extras[row.id], row, segment, part)
            for (row, segment), part in zip(lines, parts, strict=True)
        ]
    return buckets


def _shift(parts: list[list[int]], want: Buckets) -> None:
    """Move seconds between the buckets of `parts` ([regular, overtime, double time] each), the
    last parts first, until the buckets add up to `want`, which has the same total."""
    goal = [want.regular_seconds, want.overtime_seconds, want.double_time_seconds]
    have = [sum(part[k] for part in parts) for k in range(3)]
    for part in reversed(parts):
        for source in range(3):
            for target in range(3):
                moved = min(have[source] - goal[source], goal[target] - have[target], part[source])
                if source != target and moved > 0:
                    part[source] -= moved
                    part[target] += moved
                    have[source] -= moved
                    have[target] += moved
    assert have == goal, (have, goal)
