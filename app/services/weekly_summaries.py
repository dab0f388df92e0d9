"""Weekly summaries: `time_summary_weekly`, one row per employee and workweek, upserted.

How a week is computed, set-based (the same few statements for 10 or 100,000 employees):

1. The workweek's eight workday boundaries come from the overtime calendar (DST-correct, the
   policy's timezone and workday start), as UTC instants.
2. **One aggregate query per policy group** sums, per employee, the worked seconds of each of
   the seven workdays for entries lying inside one workday (the overwhelming majority), plus
   the week's entry, flagged, approved and break counts; the employee's rate and currency come
   in the same query.
3. Entries crossing a workday boundary (night shifts, and those reaching in from the previous
   week) are loaded individually (few) and cut by `overtime.split_by_workday`, their unpaid
   break apportioned with `overtime.apportion`, exactly as the engine does.
4. `overtime.allocate_day_totals` allocates each employee's seven daily totals (it agrees with
   `compute_overtime` exactly), `overtime.gross_pay` prices the buckets at the employee's rate.
5. **One upsert** writes every row; rows of the computed scope not rewritten by this run
   (nobody worked any more) are deleted.

Counted: entries `submitted`, `approved`, `exported`, `paid` (open, draft and rejected ones are
not worked time yet). `entries`, `flagged_entries` and `approved` are about entries starting in
the week; `approved` is true when there is at least one and all of them are approved (or
later).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.extensions import db
from app.models import Employee, TimeEntry, TimeSummaryWeekly, User
from app.models.base import utcnow
from app.services import bulk, outbox
from app.services.employees import visible_employees
from app.services.overtime_settings import PolicyBook
from app.services.work_time import APPROVED_STATUSES, COUNTED_STATUSES, load_entries, to_interval
from overtime import (
    Buckets,
    Policy,
    allocate_day_totals,
    apportion,
    pay_amounts,
    split_by_workday,
    week_start_of,
    workday_of,
    workday_starts_at,
)

TABLE = cast(sa.Table, TimeSummaryWeekly.__table__)
UPDATED = (
    "regular_seconds",
    "overtime_seconds",
    "double_time_seconds",
    "break_seconds",
    "worked_seconds",
    "hourly_rate",
    "regular_pay",
    "overtime_pay",
    "double_time_pay",
    "gross_pay",
    "currency",
    "entries",
    "flagged_entries",
    "approved",
    "computed_at",  # last: rewritten with the others, but no reason to rewrite a row
)
UNIQUE = ("employee_id", "week_start")


class json_array_nonempty(FunctionElement[bool]):
    """`flags` holds at least one flag (a JSON array), on PostgreSQL and SQLite alike."""

    type = sa.Boolean()
    inherit_cache = True


@compiles(json_array_nonempty)
def _nonempty_pg(element: json_array_nonempty, compiler: Any, **kw: Any) -> str:
    return f"(jsonb_array_length({compiler.process(element.clauses, **kw)}) > 0)"


@compiles(json_array_nonempty, "sqlite")
def _nonempty_sqlite(element: json_array_nonempty, compiler: Any, **kw: Any) -> str:
    return f"(json_array_length({compiler.process(element.clauses, **kw)}) > 0)"


class _Week:
    """One employee's week while it is being computed (slots: there are many of them)."""

    __slots__ = ("approved", "break_seconds", "currency", "days", "entries", "flagged", "rate")

    def __init__(
        self,
        days: list[int],
        break_seconds: int = 0,
        entries: int = 0,
        flagged: int = 0,
        approved: int = 0,
        rate: Decimal = Decimal("0"),
        currency: str = "USD",
    ) -> None:
        self.days, self.break_seconds = days, break_seconds
        self.entries, self.flagged, self.approved = entries, flagged, approved
        self.rate, self.currency = rate, currency


@dataclass(frozen=True)
class Scope:
    """Which summaries to compute: one workweek of one policy group, all or some employees."""

    policy: Policy
    policy_id: uuid.UUID | None  # None: the organization's default policy group
    week_start: date
    employee_ids: frozenset[uuid.UUID] | None = None  # None: everyone in the group


def boundaries(week_start: date, policy: Policy) -> list[datetime]:
    return [workday_starts_at(week_start + timedelta(days=i), policy) for i in range(8)]


def _group_filter(
    column: Any, organization_id: uuid.UUID, scope: Scope, named: list[uuid.UUID]
) -> Any:
    """`column` (an employee id) is in the scope's policy group (and its list, when given)."""
    e = Employee
    members = sa.select(e.id).where(e.organization_id == organization_id)
    if scope.policy_id is not None:
        members = members.where(e.overtime_policy_id == scope.policy_id)
    elif named:  # the default group: no policy, or one that is no longer live
        members = members.where(
            sa.or_(e.overtime_policy_id.is_(None), e.overtime_policy_id.not_in(named))
        )
    condition = column.in_(members)
    if scope.employee_ids is not None:
        condition = sa.and_(condition, column.in_(sorted(scope.employee_ids)))
    return condition


def _aggregate(
    organization_id: uuid.UUID, scope: Scope, bounds: list[datetime], named: list[uuid.UUID]
) -> dict[uuid.UUID, _Week]:
    t = TimeEntry
    inside = [
        sa.and_(t.paid_started_at >= bounds[i], t.paid_started_at < bounds[i + 1]) for i in range(7)
    ]
    contained = [sa.and_(inside[i], t.paid_ended_at <= bounds[i + 1]) for i in range(7)]
    day_sums = [
        sa.func.sum(sa.case((contained[i], t.worked_seconds), else_=0)).label(f"d{i}")
        for i in range(7)
    ]
    agg = (
        sa.select(
            t.employee_id,
            *day_sums,
            sa.func.sum(sa.case((sa.or_(*contained), t.break_seconds), else_=0)).label("brk"),
            sa.func.count().label("entries"),
            sa.func.sum(sa.case((json_array_nonempty(t.flags), 1), else_=0)).label("flagged"),
            sa.func.sum(sa.case((t.status.in_(APPROVED_STATUSES), 1), else_=0)).label("ok"),
        )
        .where(
            t.organization_id == organization_id,
            t.deleted_at.is_(None),
            t.status.in_(COUNTED_STATUSES),
            t.paid_started_at >= bounds[0],
            t.paid_started_at < bounds[7],
            _group_filter(t.employee_id, organization_id, scope, named),
        )
        .group_by(t.employee_id)
        .subquery()
    )
    stmt = sa.select(agg, Employee.hourly_rate, Employee.currency).join(
        Employee, Employee.id == agg.c.employee_id
    )
    weeks: dict[uuid.UUID, _Week] = {}
    result = db.session.connection().execute(stmt).all()  # Core: plain rows, no ORM loading
    for e, d0, d1, d2, d3, d4, d5, d6, brk, n, flagged, ok, rate, currency in result:
        weeks[e] = _Week([d0, d1, d2, d3, d4, d5, d6], brk, n, flagged, ok, rate, currency)
    return weeks


def _add_crossing(
    organization_id: uuid.UUID,
    scope: Scope,
    bounds: list[datetime],
    named: list[uuid.UUID],
    weeks: dict[uuid.UUID, _Week],
) -> None:
    """Entries cut by a workday boundary: split as the engine does, then added by day (the
    aggregate already counted those starting in the week)."""
    t = TimeEntry
    next_boundary = sa.case(
        *((t.paid_started_at < bounds[i + 1], bounds[i + 1]) for i in range(7)),
        else_=bounds[7],
    )
    crossing = sa.select(t.id).where(
        t.organization_id == organization_id,
        t.deleted_at.is_(None),
        t.status.in_(COUNTED_STATUSES),
        t.paid_started_at < bounds[7],
        t.paid_ended_at > bounds[0],
        sa.or_(t.paid_started_at < bounds[0], t.paid_ended_at > next_boundary),
        _group_filter(t.employee_id, organization_id, scope, named),
    )
    rows = load_entries(organization_id, bounds[0], bounds[7], entry_ids=crossing)
    missing: set[uuid.UUID] = set()
    for employee_id, entries in rows.items():
        week = weeks.get(employee_id)
        if week is None:
            week = weeks[employee_id] = _Week([0] * 7)
            missing.add(employee_id)
        for entry in entries:
            interval = to_interval(entry, utcnow())
            if interval is None:
                continue
            spans = list(split_by_workday(interval.start_utc, interval.end_utc, scope.policy))
            lengths = [int((s.ends_at - s.starts_at).total_seconds()) for s in spans]
            shares = apportion(interval.unpaid_break_seconds, lengths)
            for span, length, brk in zip(spans, lengths, shares, strict=True):
                index = (span.workday - scope.week_start).days
                if 0 <= index < 7:
                    week.days[index] += length - brk
                    week.break_seconds += brk
    if missing:
        rates = db.session.execute(
            sa.select(Employee.id, Employee.hourly_rate, Employee.currency).where(
                Employee.id.in_(sorted(missing))
            )
        )
        for employee_id, rate, currency in rates:
            weeks[employee_id].rate, weeks[employee_id].currency = rate, currency


COLUMNS = (
    "id",
    "organization_id",
    "employee_id",
    "week_start",
    "regular_seconds",
    "overtime_seconds",
    "double_time_seconds",
    "break_seconds",
    "worked_seconds",
    "hourly_rate",
    "regular_pay",
    "overtime_pay",
    "double_time_pay",
    "gross_pay",
    "currency",
    "entries",
    "flagged_entries",
    "approved",
    "computed_at",
)
Priced = tuple[int, int, int, int, Decimal, Decimal, Decimal, Decimal]


def _priced(days: list[int], rate: Decimal, policy: Policy) -> Priced:
    """Buckets and pay of one week, by the engine; `compute` memoises it per (days, rate), as
    standard schedules repeat from one employee to the next."""
    buckets: Buckets = allocate_day_totals(days, policy).totals
    regular, overtime, double = pay_amounts(buckets, rate, policy)
    return (
        buckets.regular_seconds,
        buckets.overtime_seconds,
        buckets.double_time_seconds,
        buckets.worked_seconds,
        regular,
        overtime,
        double,
        regular + overtime + double,
    )


def _rows(
    organization_id: uuid.UUID, scope: Scope, weeks: dict[uuid.UUID, _Week], computed_at: datetime
) -> list[tuple[Any, ...]]:
    """One tuple per employee, in `COLUMNS` order."""
    memo: dict[tuple[tuple[int, ...], Decimal], Priced] = {}
    rows = []
    for employee_id, week in weeks.items():
        key = (tuple(week.days), week.rate)
        priced = memo.get(key)
        if priced is None:
            priced = memo[key] = _priced(week.days, week.rate, scope.policy)
        regular, overtime, double, worked, regular_pay, overtime_pay, double_pay, gross = priced
        rows.append(
            (
                uuid.uuid4(),
                organization_id,
                employee_id,
                scope.week_start,
                regular,
                overtime,
                double,
                week.break_seconds,
                worked,
                week.rate,
                regular_pay,
                overtime_pay,
                double_pay,
                gross,
                week.currency,
                week.entries,
                week.flagged,
                week.entries > 0 and week.approved == week.entries,
                computed_at,
            )
        )
    return rows


def compute(organization_id: uuid.UUID, scope: Scope, named: list[uuid.UUID]) -> int:
    """Compute the scope's summaries and make the table hold exactly those (a row nobody has
    any more is deleted; an unchanged one is not rewritten); how many there are."""
    computed_at = utcnow()
    bounds = boundaries(scope.week_start, scope.policy)
    weeks = _aggregate(organization_id, scope, bounds, named)
    _add_crossing(organization_id, scope, bounds, named, weeks)
    rows = _rows(organization_id, scope, weeks, computed_at)
    in_scope = sa.and_(
        TABLE.c.organization_id == organization_id,
        TABLE.c.week_start == scope.week_start,
        _group_filter(TABLE.c.employee_id, organization_id, scope, named),
    )
    bulk.replace_scope(TABLE, COLUMNS, rows, UNIQUE, UPDATED, in_scope, compare=UPDATED[:-1])
    return len(rows)


# --- what to compute -----------------------------------------------------------------------


def group_of(book: PolicyBook, employee_id: uuid.UUID) -> uuid.UUID | None:
    """The employee's policy group: a named policy's id, or None for the default."""
    policy_id = book.assigned.get(employee_id)
    return policy_id if policy_id in book.named else None


def week_scopes(book: PolicyBook, day: date) -> list[Scope]:
    """Every policy group's workweek containing `day`, for all of its employees."""
    groups: list[tuple[uuid.UUID | None, Policy]] = [(None, book.default)]
    groups += list(book.named.items())
    return [Scope(p, key, week_start_of(day, p)) for key, p in groups]


def recompute_week(organization_id: uuid.UUID, day: date) -> int:
    """Recompute the workweek containing `day` for every employee; rows written."""
    book = PolicyBook(organization_id)
    named = list(book.named)
    return sum(compute(organization_id, scope, named) for scope in week_scopes(book, day))


def refresh(organization_id: uuid.UUID, touched: dict[uuid.UUID, set[datetime]]) -> int:
    """Recompute the weeks of these employees that contain these instants; rows written."""
    book = PolicyBook(organization_id)
    wanted: dict[tuple[uuid.UUID | None, date], set[uuid.UUID]] = defaultdict(set)
    for employee_id, instants in touched.items():
        policy = book.for_employee(employee_id)
        for instant in instants:
            week = week_start_of(workday_of(instant, policy), policy)
            wanted[(group_of(book, employee_id), week)].add(employee_id)
    written = 0
    for (key, week), employees in sorted(wanted.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        policy = book.named[key] if key is not None else book.default
        scope = Scope(policy, key, week, frozenset(employees))
        written += compute(organization_id, scope, list(book.named))
    return written


def weeks_just_ended(organization_id: uuid.UUID, now: datetime, within: timedelta) -> list[date]:
    """First days of the organization's workweeks (per policy) that ended in the last `within`."""
    book = PolicyBook(organization_id)
    ended = set()
    for policy in book.policies():
        this_week = week_start_of(workday_of(now, policy), policy)
        if now - workday_starts_at(this_week, policy) < within:
            ended.add(this_week - timedelta(days=7))
    return sorted(ended)


# --- the API's side ------------------------------------------------------------------------


def search(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    """Summaries of the employees the caller may see, newest week first."""
    s = TimeSummaryWeekly
    stmt = sa.select(s).where(
        s.organization_id == actor.organization_id,
        s.employee_id.in_(visible_employees(actor).with_only_columns(Employee.id)),
    )
    if "week_start" in filters:
        stmt = stmt.where(s.week_start == filters["week_start"])
    if "employee_id" in filters:
        stmt = stmt.where(s.employee_id == filters["employee_id"])
    return stmt.order_by(s.week_start.desc(), s.employee_id)


def request_recompute(actor: User, week_start: date) -> str:
    """Queue a recompute of the workweek containing `week_start`; the job id (the job runs
    after the commit, or when the outbox relay finds it)."""
    job_id = str(uuid.uuid4())
    args = [str(actor.organization_id), week_start.isoformat()]
    outbox.publish("summaries.recompute", actor.organization_id, {"args": args}, job_id=job_id)
    return job_id
