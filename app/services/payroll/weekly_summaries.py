"""Weekly summaries: `time_summary_weekly`, one row per employee and workweek, upserted.

How a week is computed, set-based (the same few statements for 10 or 100,000 employees);
steps 1-3 are `summary_reads`, the writing of step 5 on PostgreSQL is `summary_writes`:

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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import sqlalchemy as sa

from app.extensions import db
from app.models import Employee, TimeSummaryWeekly, User
from app.models.base import utcnow
from app.services import bulk, done_markers, outbox
from app.services.identity.employees import visible_employees
from app.services.overtime.overtime_settings import PolicyBook
from app.services.payroll import summary_writes
from app.services.payroll.summary_reads import (
    RATE_SCALE,
    Scope,
    Weeks,
    add_crossing,
    aggregate_week,
    boundaries,
    group_filter,
)
from overtime import (
    Policy,
    allocate_weeks,
    pay_cents,
    week_start_of,
    workday_of,
    workday_starts_at,
)

TABLE = cast(sa.Table, TimeSummaryWeekly.__table__)
# The summary's own columns, then when it was computed: rewritten with the others, but never a
# reason to rewrite a row.
UPDATED = (*summary_writes.UPDATED, "computed_at")
UNIQUE = ("employee_id", "week_start")


@dataclass(frozen=True)
class _Priced:
    """Every week's buckets (seconds) and pay lines (cents), aligned with `Weeks`."""

    regular: Any
    overtime: Any
    double_time: Any
    regular_pay: Any
    overtime_pay: Any
    double_time_pay: Any


def _price(weeks: Weeks, policy: Policy) -> _Priced:
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
    weeks: Weeks,
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
    aggregate = aggregate_week(organization_id, scope, bounds, named)
    in_scope = sa.and_(
        TABLE.c.organization_id == organization_id,
        TABLE.c.week_start == scope.week_start,
        group_filter(TABLE.c.employee_id, organization_id, scope, named),
    )
    if db.session.get_bind().dialect.name == "postgresql":
        with summary_writes.Staged(aggregate) as staged:
            weeks = Weeks(staged.columns(RATE_SCALE), RATE_SCALE)
            staged.add(add_crossing(organization_id, scope, bounds, named, weeks), weeks)
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
    weeks = Weeks(list(zip(*fetched, strict=True)) if fetched else [()] * width)
    add_crossing(organization_id, scope, bounds, named, weeks)
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


CLOSED_TOPIC = "summaries.closed"  # `done_markers.record_done` markers: a workweek was closed


def weeks_just_ended(organization_id: uuid.UUID, now: datetime, within: timedelta) -> list[date]:
    """First days of the organization's workweeks (per policy) that ended in the last `within`."""
    book = PolicyBook(organization_id)
    ended = set()
    for policy in book.policies():
        week = week_start_of(workday_of(now, policy), policy)  # the week under way
        while now - workday_starts_at(week, policy) < within:  # the previous one ended then
            week -= timedelta(days=7)
            ended.add(week)
    return sorted(ended)


def weeks_to_close(organization_id: uuid.UUID, now: datetime, within: timedelta) -> list[date]:
    """The weeks that ended since the last close that closed one (at least `within` back, as
    for an organization never closed yet) and were not closed yet (`mark_closed`).

    Each close closes every week that ended since the one before, so every week that ended
    before the latest marker is closed: however long workers or Redis were down, the first
    run after reaches back to it. The markers are never purged (`outbox.KEPT_TOPICS`)."""
    last = done_markers.last_done_at(CLOSED_TOPIC, organization_id)
    if last is not None:
        within = max(within, now - last)
    ended = weeks_just_ended(organization_id, now, within)
    closed = done_markers.done_keys(CLOSED_TOPIC, organization_id, [w.isoformat() for w in ended])
    return [week for week in ended if week.isoformat() not in closed]


def mark_closed(organization_id: uuid.UUID, week: date, now: datetime) -> None:
    """Note, in the transaction that recomputed it, that the week is closed (for good)."""
    done_markers.record_done(CLOSED_TOPIC, organization_id, week.isoformat(), now)


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
