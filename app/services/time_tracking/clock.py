"""The clock: punches open and close time entries and breaks; every punch received is logged.

If a rule refuses a punch, its partial writes are undone (`_undone_on_failure`) but its
`clock_events` row stays, and the caller commits that before answering with the error; so
a punch the server received is never lost, accepted or not.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from app.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.models import Break, ClockEvent, Employee, Shift, Task, TimeEntry, User
from app.services import outbox
from app.services.tenancy import get_or_404
from app.services.time_tracking import punches, shifts, time_rules
from app.services.time_tracking.punches import (
    Fix,
    Punch,
    Screening,
    TimestampOutOfRange,
    Unreadable,
    screen,
)
from app.services.timezones import employee_zone, local_date


class AlreadyClockedIn(Conflict):
    code, default_message = "ALREADY_CLOCKED_IN", "You are already clocked in."


class NotClockedIn(Conflict):
    code, default_message = "NOT_CLOCKED_IN", "You are not clocked in."


class AlreadyOnBreak(Conflict):
    code, default_message = "ALREADY_ON_BREAK", "You are already on a break."


class NotOnBreak(Conflict):
    code, default_message = "NOT_ON_BREAK", "You are not on a break."


class NotAnEmployee(Forbidden):
    code, default_message = "NOT_AN_EMPLOYEE", "Only employees can punch."


class DuplicatePunch(Conflict):
    code, default_message = "DUPLICATE_PUNCH", "This punch was already received."


# What any punch can be refused with, besides its kind's own state errors (documentation).
PUNCH_ERRORS = (
    NotAnEmployee,
    DuplicatePunch,
    punches.TimestampOutOfRange,
    punches.GeofenceOutside,
    punches.AccuracyTooLow,
)


@dataclass
class PunchOutcome:
    punch: Punch | Unreadable
    decision: str = ""  # as logged in clock_events: accepted, rejected or duplicate
    entry: TimeEntry | None = None
    previous_entry: TimeEntry | None = None
    brk: Break | None = None
    screening: Screening | None = None
    error: DomainError | None = None
    flags: list[str] = field(default_factory=list)


def employee_of(actor: User) -> Employee:
    employee = actor.employee
    if employee is None or employee.status not in ("active", "pending"):
        raise NotAnEmployee()
    return employee


_IS_OPEN = sa.and_(
    TimeEntry.employee_id == sa.bindparam("employee_id"),
    TimeEntry.status == "open",
    TimeEntry.deleted_at.is_(None),
)


def open_entry(employee: Employee) -> TimeEntry | None:
    stmt = sa.select(TimeEntry).where(_IS_OPEN)
    entry: TimeEntry | None = db.session.scalars(stmt, {"employee_id": employee.id}).first()
    return entry


@dataclass
class PunchContext:
    """What a punch is judged against."""

    entry: TimeEntry | None  # the open entry
    brk: Break | None  # its open break
    shift: Shift | None  # the entry's shift; for a clock-in, the one named or scheduled now
    previous: Fix | None  # the last accepted punch with a location (impossible travel)


# A punch's context is read in one prebuilt statement: punches arrive by the thousand at a
# shift change, and every round trip (and every statement built anew) shows. Anything but a
# clock-in locks the open entry, so that two punches on it apply one after the other; a
# clock-in's race is decided by the one-open-entry index instead.
_PREVIOUS = aliased(ClockEvent, name="previous_punch")
_FIX = (_PREVIOUS.lat, _PREVIOUS.lon, _PREVIOUS.accuracy_m, _PREVIOUS.occurred_at)
_ON_PREVIOUS = _PREVIOUS.id == punches.PREVIOUS_FIX_ID


def _clock_in_context(on_shift: sa.ColumnElement[bool]) -> Any:
    return (
        sa.select(TimeEntry, Shift, *_FIX)
        .select_from(Employee)
        .outerjoin(TimeEntry, _IS_OPEN)
        .outerjoin(Shift, on_shift)
        .outerjoin(_PREVIOUS, _ON_PREVIOUS)
        .where(Employee.id == sa.bindparam("employee_id"))
    )


_SCHEDULED_IN = _clock_in_context(Shift.id == shifts.SCHEDULED_SHIFT_ID)
_NAMED_SHIFT_IN = _clock_in_context(
    sa.and_(
        Shift.id == sa.bindparam("shift_id"),
        Shift.employee_id == sa.bindparam("employee_id"),
        Shift.deleted_at.is_(None),
    )
)
_ON_OPEN_ENTRY = (
    sa.select(TimeEntry, Break, Shift, *_FIX)
    .outerjoin(Break, sa.and_(Break.time_entry_id == TimeEntry.id, Break.ended_at.is_(None)))
    .outerjoin(Shift, Shift.id == TimeEntry.shift_id)
    .outerjoin(_PREVIOUS, _ON_PREVIOUS)
    .where(_IS_OPEN)
    .with_for_update(of=TimeEntry)
)


def _context(employee: Employee, punch: Punch) -> PunchContext:
    params = shifts.scheduled_shift_params(employee.id, punch.occurred_at)
    if punch.kind != "in":
        stmt = _ON_OPEN_ENTRY
    elif punch.shift_id is None:
        stmt = _SCHEDULED_IN
    else:
        stmt, params["shift_id"] = _NAMED_SHIFT_IN, punch.shift_id
    row = db.session.execute(stmt, params).first()
    if row is None:
        return PunchContext(None, None, None, None)
    previous = (
        Fix(row.lat, row.lon, row.accuracy_m, row.occurred_at)
        if row.occurred_at is not None
        else None
    )
    context = PunchContext(row.TimeEntry, row._mapping.get("Break"), row.Shift, previous)
    if punch.shift_id is not None and punch.kind == "in" and context.shift is None:
        raise punches.not_your_shift()
    return context


def open_break(entry: TimeEntry) -> Break | None:
    stmt = sa.select(Break).where(Break.time_entry_id == entry.id, Break.ended_at.is_(None))
    brk: Break | None = db.session.scalars(stmt).first()
    return brk


def _merge_flags(entry: TimeEntry, flags: list[str]) -> None:
    merged = list(entry.flags or [])
    merged += [f for f in flags if f not in merged]
    entry.flags = merged


def _check_task(employee: Employee, task_id: uuid.UUID | None, actor: User) -> None:
    if task_id is None:
        return
    try:
        get_or_404(Task, task_id, actor)
    except NotFound:
        raise ValidationFailed(errors={"task_id": ["No such task."]}) from None


def _open(employee: Employee, punch: Punch, screening: Screening, actor: User) -> TimeEntry:
    site = screening.fence.site
    zone = employee_zone(employee, site.timezone if site else None)
    entry = TimeEntry(
        id=uuid.uuid4(),  # the punch's log row refers to it before the flush
        organization_id=employee.organization_id,
        workspace_id=employee.workspace_id,
        employee_id=employee.id,
        created_by=actor.id,
        entry_date=local_date(punch.occurred_at, zone),
        started_at=punch.occurred_at,
        paid_started_at=punch.occurred_at,
        status="open",
        source=punch.source,
        task_id=punch.task_id,
        shift_id=screening.shift.id if screening.shift else None,
        geofence_id=site.id if site else None,
        clock_in_geo=screening.geo(punch),
        flags=list(dict.fromkeys(screening.flags)),
        note=punch.note,
    )
    db.session.add(entry)
    return entry


def _race_error(exc: IntegrityError) -> DomainError:
    """A race lost on a unique index: the one-open-entry index (PostgreSQL names it, SQLite
    names the column) means another clock-in won; otherwise another sync batch applied the
    same offline punch first."""
    text = str(exc.orig)
    if "uq_time_entries_one_open_per_employee" in text or "time_entries.employee_id" in text:
        return AlreadyClockedIn()
    return DuplicatePunch()


def _close(entry: TimeEntry, brk: Break | None, punch: Punch, screening: Screening) -> None:
    if punch.occurred_at < entry.started_at:
        raise TimestampOutOfRange("occurred_at is before the entry's start.")
    if brk is not None:
        brk.ended_at = punch.occurred_at
    entry.ended_at = punch.occurred_at
    entry.status = "submitted"
    entry.clock_out_geo = screening.geo(punch)
    _merge_flags(entry, screening.flags)
    db.session.flush()
    breaks = db.session.scalars(sa.select(Break).where(Break.time_entry_id == entry.id))
    time_rules.close_totals(entry, list(breaks))
    outbox.entry_changed(entry)  # alerts and the week's summary, after this commits


def _apply(employee: Employee, punch: Punch, actor: User, outcome: PunchOutcome) -> None:
    _check_task(employee, punch.task_id, actor)
    context = _context(employee, punch)
    entry = context.entry
    if punch.kind == "in":
        if entry is not None:
            raise AlreadyClockedIn(details={"time_entry_id": str(entry.id)})
        outcome.screening = screen(employee, punch, context.shift, context.previous)
        outcome.screening.raise_refusal()
        outcome.entry = _open(employee, punch, outcome.screening, actor)
        _set_shift_status(outcome.screening.shift, "in_progress")
        return
    if entry is None:
        raise NotClockedIn()
    shift = context.shift
    if shift is None and punch.kind == "switch_task":
        shift = punches.punch_shift(employee, punch)
    outcome.screening = screen(employee, punch, shift, context.previous)
    outcome.screening.raise_refusal()
    if punch.kind == "out":
        _close(entry, context.brk, punch, outcome.screening)
        outcome.entry = entry
        _set_shift_status(shift, "completed")
    elif punch.kind == "switch_task":
        _close(entry, context.brk, punch, outcome.screening)
        outcome.previous_entry = entry
        outcome.entry = _open(employee, punch, outcome.screening, actor)
    else:
        _break(entry, context.brk, punch, outcome)


def _set_shift_status(shift: Shift | None, status: str) -> None:
    """A scheduled shift is in progress from its clock-in and completed at its clock-out."""
    if shift is not None and shift.status in ("scheduled", "in_progress"):
        shift.status = status


def _break(entry: TimeEntry, current: Break | None, punch: Punch, outcome: PunchOutcome) -> None:
    if punch.kind == "break_start" and current is not None:
        raise AlreadyOnBreak()
    if punch.kind == "break_end" and current is None:
        raise NotOnBreak()
    if punch.occurred_at < (current.started_at if current else entry.started_at):
        raise TimestampOutOfRange("occurred_at is before the entry's or the break's start.")
    if current is None:
        current = Break(
            organization_id=entry.organization_id,
            time_entry_id=entry.id,
            employee_id=entry.employee_id,
            started_at=punch.occurred_at,
        )
        db.session.add(current)
    else:
        current.ended_at = punch.occurred_at
    _merge_flags(entry, outcome.screening.flags if outcome.screening else [])
    db.session.flush()
    outcome.entry, outcome.brk = entry, current


_EVENTS = cast(sa.Table, ClockEvent.__table__)


def _log(
    employee: Employee, punch: Punch, actor: User, outcome: PunchOutcome, decision: str
) -> None:
    """Append the punch to `clock_events`."""
    fence = outcome.screening.fence if outcome.screening else None
    outcome.decision = decision
    _append(
        employee,
        actor,
        {
            "type": punch.kind,
            "client_id": punch.client_id,
            "occurred_at": punch.occurred_at,
            "received_at": punch.received_at,
            "lat": punch.lat,
            "lon": punch.lon,
            "accuracy_m": punch.accuracy_m,
            "device_id": punch.device_id,
            "mock_location": punch.mock_location,
            "source": punch.source,
            "payload": punch.raw,
            "decision": decision,
            "reason": outcome.error.code if outcome.error else None,
            "geofence_id": fence.site.id if fence and fence.site else None,
            "geofence_result": fence.result if fence else None,
            "distance_m": fence.distance_m if fence else None,
            "flags": outcome.flags,
            "time_entry_id": outcome.entry.id if outcome.entry else None,
        },
    )


def _append(employee: Employee, actor: User, row: dict[str, Any]) -> None:
    """One plain INSERT into `clock_events`, as the log is never read back by the request (nor
    updated, nor audited: it is an audit log of its own)."""
    identity = {
        "id": uuid.uuid4(),
        "organization_id": employee.organization_id,
        "workspace_id": employee.workspace_id,
        "employee_id": employee.id,
        "user_id": actor.id,
    }
    db.session.execute(sa.insert(_EVENTS), [{**identity, **row}])


_AS_PARSED = ("type", "client_id", "occurred_at", "lat", "lon", "accuracy_m", "device_id")


def refuse_unreadable(employee: Employee, item: Unreadable, actor: User) -> PunchOutcome:
    """Refuse a punch that could not be read, and log it with the fields that did parse (a
    missing or unreadable `type` or `occurred_at` is logged as null)."""
    fields = sorted(item.errors)
    error = ValidationFailed(f"Unreadable punch: {', '.join(fields)}.", errors=item.errors)
    outcome = PunchOutcome(punch=item, decision="rejected", error=error)
    valid = item.valid
    _append(
        employee,
        actor,
        {
            **{k: valid.get(k) for k in _AS_PARSED},
            "mock_location": bool(valid.get("mock_location", False)),
            "received_at": item.received_at,
            "source": item.source,
            "payload": item.raw,
            "decision": "rejected",
            "reason": item.reason,
            "flags": [],
        },
    )
    return outcome


def _seen(employee: Employee, client_id: uuid.UUID | None) -> bool:
    if client_id is None:
        return False
    stmt = sa.select(ClockEvent.id).where(
        ClockEvent.employee_id == employee.id,
        ClockEvent.client_id == client_id,
        ClockEvent.decision != "duplicate",
    )
    return db.session.scalar(stmt.limit(1)) is not None


@contextmanager
def _undone_on_failure(alone: bool) -> Iterator[None]:
    """A punch's writes are undone if it fails. One alone in its transaction rolls the whole
    transaction back, which spares the happy path a SAVEPOINT and a RELEASE per punch; one that
    shares it (a sync batch, an Idempotency-Key's claim) uses a savepoint."""
    if not alone:
        with db.session.begin_nested():
            yield
        return
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise


def punch(employee: Employee, punch_: Punch, actor: User, *, alone: bool = False) -> PunchOutcome:
    """Apply one punch. A refused punch comes back with `error` set, its event recorded.
    `alone`: nothing else is, or will be, written in the caller's transaction."""
    outcome = PunchOutcome(punch=punch_)
    if _seen(employee, punch_.client_id):
        outcome.error = DuplicatePunch()
        _log(employee, punch_, actor, outcome, "duplicate")
        return outcome
    try:
        with _undone_on_failure(alone):
            _apply(employee, punch_, actor, outcome)
            outcome.flags = list(
                dict.fromkeys(outcome.screening.flags if outcome.screening else [])
            )
            db.session.flush()  # a concurrent clock-in loses here, on the one-open-entry index
            _log(employee, punch_, actor, outcome, "accepted")
    except (IntegrityError, DomainError) as exc:
        error = exc if isinstance(exc, DomainError) else _race_error(exc)
        outcome.entry = outcome.previous_entry = outcome.brk = None
        outcome.error, outcome.flags = error, []
        decision = "duplicate" if isinstance(error, DuplicatePunch) else "rejected"
        _log(employee, punch_, actor, outcome, decision)
    return outcome


def sync(employee: Employee, items: list[Punch | Unreadable], actor: User) -> list[PunchOutcome]:
    """Apply an offline batch in `occurred_at` order; each punch stands or falls alone (an
    unreadable one too). Outcomes come back in the order the phone sent them."""
    outcomes: dict[int, PunchOutcome] = {}
    readable: dict[int, Punch] = {}
    for i, item in enumerate(items):
        if isinstance(item, Unreadable):
            outcomes[i] = refuse_unreadable(employee, item, actor)
        else:
            readable[i] = item
    for i in sorted(readable, key=lambda i: (readable[i].occurred_at, i)):
        outcomes[i] = punch(employee, readable[i], actor)
    return [outcomes[i] for i in range(len(items))]
