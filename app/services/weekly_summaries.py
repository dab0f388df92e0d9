"""Weekly summaries: `time_summary_weekly`, one row per employee and workweek, upserted.

How a week is computed, set-based (the same few statements for 10 or 100,000 employees):

1. The workweek's eight workday boundaries come from the overtime calendar (DST-correct, the
   policy's timezone and workday start), as UTC instants.
2. **One aggregate query per policy group** sums, per employee, the worked seconds of each of
   the seven workdays for entries lying inside one workday (the overwhelming majority), plus
   the week's entry, flagged, approved and break counts; the employee's rate and currency come
   in the same query. On PostgreSQL its result stays in a temporary table and Python reads it
   as arrays (`summary_writes`).
3. Entries crossing a workday boundary (night shifts, and those reaching in from the previous
   week) are loaded individually (few) and cut by `overtime.split_by_workday`, their unpaid
   break apportioned with `overtime.apportion`, exactly as the engine does.
4. `overtime.allocate_weeks` allocates every employee's seven daily totals at once (numpy; it
   is `allocate_day_totals`, which agrees with `compute_overtime` exactly) and
   `overtime.pay_cents` prices the buckets at each employee's rate, in exact cents.
5. **One upsert** writes the new and changed rows (an unchanged summary is not rewritten, so
   `computed_at` says when it last changed); rows of the computed scope nobody has any more are
   deleted.

Counted: entries `submitted`, `approved`, `exported`, `paid` (open, draft and rejected ones are
not worked time yet). `entries`, `flagged_entries` and `approved` are about entries starting in
the week; `approved` is true when there is at least one and all of them are approved (or
later).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from app.extensions import db
from app.models import Employee, TimeEntry, TimeSummaryWeekly, User
from app.models.base import utcnow
from app.services import bulk, outbox, summary_writes
from app.services.employees import visible_employees
from app.services.overtime_settings import PolicyBook
from app.services.work_time import APPROVED_STATUSES, COUNTED_STATUSES, EntryRow, to_interval
from overtime import (
    Policy,
    allocate_weeks,
    apportion,
    pay_cents,
    rate_ratios,
    split_by_workday,
    week_start_of,
    workday_of,
    workday_starts_at,
)

TABLE = cast(sa.Table, TimeSummaryWeekly.__table__)
# The summary's own columns, then when it was computed: rewritten with the others, but never a
# reason to rewrite a row.
UPDATED = (*summary_writes.UPDATED, "computed_at")
UNIQUE = ("employee_id", "week_start")
RATE_SCALE = cast(sa.Numeric, Employee.__table__.c.hourly_rate.type).scale or 0


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


class _Weeks:
    """The scope's employee-weeks while they are computed, as columns (one row per employee):
    tens of thousands of them go through numpy, not one object each."""

    def __init__(self, columns: Sequence[Sequence[Any]], rate_scale: int | None = None) -> None:
        """`_aggregate`'s columns (n, employee_id, d0..d6, brk, entries, flagged, ok, rate,
        currency); rates as Decimals, or as integers `rate * 10**rate_scale`."""
        self.numbers: list[int] = list(columns[0])
        self.employee_ids: list[uuid.UUID | str] = list(columns[1])  # text from PostgreSQL
        self.days = _ints(columns[2:9]).T.reshape(-1, 7)
        self.breaks, self.entries, self.flagged, self.approved = map(_ints, columns[9:13])
        if rate_scale is None:
            self.rates: list[Any] = list(columns[13])
            self.rate_num, self.rate_den = rate_ratios(self.rates)
        else:  # exact: the column's scale
            self.rates = [None] * len(self.numbers)
            self.rate_num = _ints(columns[13])
            self.rate_den = np.full(len(self.numbers), 10**rate_scale, dtype=np.int64)
        self.currencies: list[Any] = list(columns[14])
        self._position: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.employee_ids)

    def position(self, employee_id: uuid.UUID) -> int | None:
        """Where the employee's week is (ids may be UUIDs or, from PostgreSQL, their text)."""
        if self._position is None:
            self._position = {str(e): i for i, e in enumerate(self.employee_ids)}
        return self._position.get(str(employee_id))

    def append(self, employee_id: uuid.UUID, rate: Decimal, currency: str) -> int:
        """A week made of crossing entries alone (nothing started in it): zero counts."""
        index = len(self)
        self.numbers.append(max(self.numbers, default=0) + 1)
        self.employee_ids.append(employee_id)
        self.days = np.vstack([self.days, np.zeros((1, 7), dtype=np.int64)])
        self.breaks, self.entries, self.flagged, self.approved = (
            np.append(column, 0)
            for column in (self.breaks, self.entries, self.flagged, self.approved)
        )
        num, den = rate_ratios([rate])
        self.rate_num = np.append(self.rate_num, num)
        self.rate_den = np.append(self.rate_den, den)
        self.rates.append(rate)
        self.currencies.append(currency)
        if self._position is not None:
            self._position[str(employee_id)] = index
        return index


def _ints(values: Any) -> Any:
    return np.array(values, dtype=np.int64)


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
    """`column` (an employee id of the organization) is in the scope's policy group (and its
    list, when given)."""
    e = Employee
    conditions = []
    if scope.policy_id is not None or named:  # else the group is the whole organization
        members = sa.select(e.id).where(e.organization_id == organization_id)
        if scope.policy_id is not None:
            members = members.where(e.overtime_policy_id == scope.policy_id)
        else:  # the default group: no policy, or one that is no longer live
            members = members.where(
                sa.or_(e.overtime_policy_id.is_(None), e.overtime_policy_id.not_in(named))
            )
        conditions.append(column.in_(members))
    if scope.employee_ids is not None:
        conditions.append(column.in_(sorted(scope.employee_ids)))
    return sa.and_(sa.true(), *conditions)


def _next_boundary(bounds: list[datetime]) -> Any:
    """The end of the workday of the week an entry starts in (for entries starting in it)."""
    t = TimeEntry
    return sa.case(
        *((t.paid_started_at < bounds[i + 1], bounds[i + 1]) for i in range(6)),
        else_=bounds[7],
    )


def _aggregate(
    organization_id: uuid.UUID, scope: Scope, bounds: list[datetime], named: list[uuid.UUID]
) -> sa.Select[Any]:
    """Per employee (numbered `n` from 1): the worked seconds of each workday from entries
    inside one workday, the break seconds of those, the week's entry, flagged and approved
    counts, rate and currency."""
    t = TimeEntry

    def total(column: Any, *where: Any) -> Any:
        # FILTER: the transition function only runs for the rows that count
        return sa.func.coalesce(sa.func.sum(column).filter(sa.and_(*where)), 0)

    day_sums = [
        total(t.worked_seconds, t.paid_started_at < bounds[i + 1], t.paid_ended_at <= bounds[i + 1])
        if i == 0
        else total(
            t.worked_seconds,
            t.paid_started_at >= bounds[i],
            t.paid_started_at < bounds[i + 1],
            t.paid_ended_at <= bounds[i + 1],
        )
        for i in range(7)
    ]
    agg = (
        sa.select(
            t.employee_id,
            *(day.label(f"d{i}") for i, day in enumerate(day_sums)),
            total(t.break_seconds, t.paid_ended_at <= _next_boundary(bounds)).label("brk"),
            sa.func.count().label("entries"),
            sa.func.count().filter(json_array_nonempty(t.flags)).label("flagged"),
            sa.func.count().filter(t.status.in_(APPROVED_STATUSES)).label("ok"),
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
    return sa.select(
        sa.func.row_number().over().label("n"),
        agg,
        Employee.hourly_rate,
        Employee.currency,
    ).join(Employee, Employee.id == agg.c.employee_id)


def _add_crossing(
    organization_id: uuid.UUID,
    scope: Scope,
    bounds: list[datetime],
    named: list[uuid.UUID],
    weeks: _Weeks,
) -> list[int]:
    """Entries cut by a workday boundary: split as the engine does, then added by day (the
    aggregate already counted those starting in the week); the positions of weeks added."""
    t = TimeEntry
    crossing = (
        sa.select(
            t.id,
            t.employee_id,
            t.status,
            t.paid_started_at,
            t.paid_ended_at,
            t.duration_seconds,
            t.break_seconds,
            t.worked_seconds,
            sa.null(),
            t.shift_id,
        )
        .where(
            t.organization_id == organization_id,
            t.deleted_at.is_(None),
            t.status.in_(COUNTED_STATUSES),
            t.paid_started_at < bounds[7],
            t.paid_ended_at > bounds[0],
            sa.or_(t.paid_started_at < bounds[0], t.paid_ended_at > _next_boundary(bounds)),
            _group_filter(t.employee_id, organization_id, scope, named),
        )
        .order_by(t.employee_id, t.paid_started_at, t.id)
    )
    rows: dict[uuid.UUID, list[EntryRow]] = defaultdict(list)
    for r in db.session.connection().execute(crossing):
        rows[r[1]].append(EntryRow(*r[:8], (), r[9]))
    missing = sorted(e for e in rows if weeks.position(e) is None)
    added = []
    if missing:
        rates = db.session.execute(
            sa.select(Employee.id, Employee.hourly_rate, Employee.currency).where(
                Employee.id.in_(missing)
            )
        )
        added = [weeks.append(employee_id, rate, currency) for employee_id, rate, currency in rates]
    now = utcnow()
    for employee_id, entries in rows.items():
        index = weeks.position(employee_id)
        assert index is not None
        for entry in entries:
            interval = to_interval(entry, now)
            if interval is None:
                continue
            spans = list(split_by_workday(interval.start_utc, interval.end_utc, scope.policy))
            lengths = [int((s.ends_at - s.starts_at).total_seconds()) for s in spans]
            shares = apportion(interval.unpaid_break_seconds, lengths)
            for span, length, brk in zip(spans, lengths, shares, strict=True):
                day = (span.workday - scope.week_start).days
                if 0 <= day < 7:
                    weeks.days[index, day] += length - brk
                    weeks.breaks[index] += brk
    return added


@dataclass(frozen=True)
class _Priced:
    """Every week's buckets (seconds) and pay lines (cents), aligned with `_Weeks`."""

    regular: Any
    overtime: Any
    double_time: Any
    regular_pay: Any
    overtime_pay: Any
    double_time_pay: Any


def _price(weeks: _Weeks, policy: Policy) -> _Priced:
    """The engine's allocation of every week at once, priced at each employee's rate."""
    regular, overtime, double = allocate_weeks(weeks.days, policy).totals()
    rate_num, rate_den = weeks.rate_num, weeks.rate_den
    return _Priced(
        regular,
        overtime,
        double,
        pay_cents(regular, rate_num, rate_den, Decimal(1)),
        pay_cents(overtime, rate_num, rate_den, policy.overtime_multiplier),
        pay_cents(double, rate_num, rate_den, policy.double_time_multiplier),
    )


COLUMNS = ("id", "organization_id", "employee_id", "week_start", *UPDATED)


def _cents(value: Any) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


def _rows(
    organization_id: uuid.UUID,
    scope: Scope,
    weeks: _Weeks,
    priced: _Priced,
    computed_at: datetime,
) -> list[tuple[Any, ...]]:
    """One tuple per employee, in `COLUMNS` order."""
    p = priced
    columns = zip(
        weeks.employee_ids,
        p.regular.tolist(),
        p.overtime.tolist(),
        p.double_time.tolist(),
        weeks.breaks.tolist(),
        weeks.rates,
        p.regular_pay.tolist(),
        p.overtime_pay.tolist(),
        p.double_time_pay.tolist(),
        weeks.currencies,
        weeks.entries.tolist(),
        weeks.flagged.tolist(),
        weeks.approved.tolist(),
        strict=True,
    )
    return [
        (
            uuid.uuid4(),
            organization_id,
            employee_id,
            scope.week_start,
            regular,
            overtime,
            double,
            brk,
            regular + overtime + double,
            rate,
            _cents(regular_pay),
            _cents(overtime_pay),
            _cents(double_pay),
            _cents(regular_pay + overtime_pay + double_pay),
            currency,
            entries,
            flagged,
            entries > 0 and approved == entries,
            computed_at,
        )
        for (
            employee_id,
            regular,
            overtime,
            double,
            brk,
            rate,
            regular_pay,
            overtime_pay,
            double_pay,
            currency,
            entries,
            flagged,
            approved,
        ) in columns
    ]


def compute(organization_id: uuid.UUID, scope: Scope, named: list[uuid.UUID]) -> int:
    """Compute the scope's summaries and make the table hold exactly those (a row nobody has
    any more is deleted; an unchanged one is not rewritten); how many there are."""
    computed_at = utcnow()
    bounds = boundaries(scope.week_start, scope.policy)
    aggregate = _aggregate(organization_id, scope, bounds, named)
    in_scope = sa.and_(
        TABLE.c.organization_id == organization_id,
        TABLE.c.week_start == scope.week_start,
        _group_filter(TABLE.c.employee_id, organization_id, scope, named),
    )
    if db.session.get_bind().dialect.name == "postgresql":
        with summary_writes.Staged(aggregate) as staged:
            weeks = _Weeks(staged.columns(RATE_SCALE), RATE_SCALE)
            staged.add(_add_crossing(organization_id, scope, bounds, named, weeks), weeks)
            staged.write(
                organization_id,
                scope.week_start,
                weeks,
                _price(weeks, scope.policy),
                computed_at,
                in_scope,
            )
        return len(weeks)
    fetched = db.session.connection().execute(aggregate).all()
    width = len(aggregate.selected_columns)
    weeks = _Weeks(list(zip(*fetched, strict=True)) if fetched else [()] * width)
    _add_crossing(organization_id, scope, bounds, named, weeks)
    rows = _rows(organization_id, scope, weeks, _price(weeks, scope.policy), computed_at)
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
