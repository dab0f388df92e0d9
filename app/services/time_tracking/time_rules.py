"""How a closed time entry's paid span, breaks and worked seconds are computed.

`close_totals(entry, breaks)` is called whenever an entry gets an end (clock-out, switch-task,
manual entry, edit). The rules, as Kimai and TimeTrex users expect them:

- **Rounding** (`/settings/time`, or the shift template's own `rounding`) moves only
  `paid_started_at` (in_mode) and `paid_ended_at` (out_mode) to the grid of `minutes` in the
  entry's local time; `started_at`/`ended_at` stay the punches as received. An entry that
  starts exactly where the employee's previous entry ended (a task switch) is not rounded at
  its start: it continues the previous entry's paid end, so splitting a day never pays a
  minute twice or loses one.
- **Paid break allowance**: of the punched breaks, the shift's `paid_break_minutes` are paid
  (a rest break); only the rest is unpaid.
- **Automatic break**: when the work is longer than `after_hours` and the unpaid break taken
  is shorter than the required minutes, the shortfall is deducted and recorded in
  `auto_break_seconds` (and included in `break_seconds`). Required minutes: the template's own
  `auto_break.minutes` if it overrides the rule, else the shift's `unpaid_break_minutes`, else
  the organization's `auto_break.minutes`. Entries chained by task switches count together,
  so a switch cannot dodge the automatic break.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Break, Employee, Shift, ShiftTemplate, TimeEntry
from app.services import settings
from app.services.timezones import employee_zone, geofence_timezone

ROUNDING_MINUTES = (0, 1, 5, 6, 10, 15)
ROUNDING_MODES = ("nearest", "up", "down")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")
MAX_CHAIN = 50  # task switches followed back when an entry closes


@dataclass(frozen=True)
class TimeRules:
    """Everything `compute_totals` needs, resolved from the organization, shift and template."""

    zone: ZoneInfo = UTC_ZONE
    rounding_minutes: int = 0
    in_mode: str = "nearest"
    out_mode: str = "nearest"
    auto_break_after_seconds: int = 6 * 3600
    auto_break_seconds: int = 0
    paid_break_seconds: int = 0


@dataclass(frozen=True)
class Totals:
    paid_started_at: datetime
    paid_ended_at: datetime
    duration_seconds: int
    break_seconds: int
    auto_break_seconds: int
    worked_seconds: int


@dataclass(frozen=True)
class Earlier:
    """The entries this one continues (task switches): their paid end and what they counted."""

    paid_ended_at: datetime
    duration_seconds: int
    break_seconds: int


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from start to end (fractions of a second are dropped, never rounded up)."""
    return max(0, int((end - start).total_seconds()))


def round_instant(at: datetime, minutes: int, mode: str, zone: ZoneInfo) -> datetime:
    """`at` moved to the `minutes` grid of local wall-clock time; ties of `nearest` go up."""
    if minutes == 0:
        return at
    grid = timedelta(minutes=minutes)
    offset = at.astimezone(zone).utcoffset() or timedelta(0)
    remainder = (at + offset - EPOCH) % grid
    if not remainder:
        return at
    down = at - remainder
    if mode == "down" or (mode == "nearest" and remainder * 2 < grid):
        return down
    return down + grid


def unpaid_break_seconds(entry: TimeEntry, breaks: Iterable[Break]) -> int:
    """Punched unpaid breaks, clipped to the entry's span."""
    total = 0
    for brk in breaks:
        if brk.paid or brk.ended_at is None or entry.ended_at is None:
            continue
        start, end = max(brk.started_at, entry.started_at), min(brk.ended_at, entry.ended_at)
        total += seconds_between(start, end)
    return total


def compute_totals(
    started_at: datetime,
    ended_at: datetime,
    unpaid_break: int,
    rules: TimeRules,
    earlier: Earlier | None = None,
) -> Totals:
    """The paid span and seconds of one entry (pure: no database)."""
    if earlier is not None:
        paid_start = earlier.paid_ended_at
    else:
        paid_start = round_instant(started_at, rules.rounding_minutes, rules.in_mode, rules.zone)
    paid_end = round_instant(ended_at, rules.rounding_minutes, rules.out_mode, rules.zone)
    paid_end = max(paid_end, paid_start)
    duration = seconds_between(paid_start, paid_end)
    taken = min(max(unpaid_break, 0), duration)
    chain_duration = duration + (earlier.duration_seconds if earlier else 0)
    chain_break = taken + (earlier.break_seconds if earlier else 0)
    auto = 0
    if chain_duration > rules.auto_break_after_seconds and chain_break < rules.auto_break_seconds:
        auto = min(rules.auto_break_seconds - chain_break, duration - taken)
    return Totals(paid_start, paid_end, duration, taken + auto, auto, duration - taken - auto)


def _hours_to_seconds(hours: str | Decimal) -> int:
    return int(Decimal(str(hours)) * 3600)


def rules_for(entry: TimeEntry) -> TimeRules:
    """The rules that apply to `entry`: its shift's template overrides the organization."""
    shift = db.session.get(Shift, entry.shift_id) if entry.shift_id else None
    template = (
        db.session.get(ShiftTemplate, shift.template_id) if shift and shift.template_id else None
    )
    org = settings.time_settings(entry.organization_id)
    rounding = settings.normalise_rounding(
        template.rounding if template and template.rounding else org["rounding"]
    )
    auto_break = org["auto_break"]
    minutes = int(auto_break["minutes"])
    if template is not None and template.auto_break:
        auto_break = settings.normalise_auto_break(template.auto_break)
        minutes = int(auto_break["minutes"])
    elif shift is not None and shift.unpaid_break_minutes:
        minutes = shift.unpaid_break_minutes
    if shift is not None and shift.timezone:
        zone = ZoneInfo(shift.timezone)
    else:
        employee = db.session.get(Employee, entry.employee_id)
        site_zone = geofence_timezone(entry.geofence_id)
        zone = employee_zone(employee, site_zone) if employee else UTC_ZONE
    return TimeRules(
        zone=zone,
        rounding_minutes=int(rounding["minutes"]),
        in_mode=rounding["in_mode"],
        out_mode=rounding["out_mode"],
        auto_break_after_seconds=_hours_to_seconds(auto_break["after_hours"]),
        auto_break_seconds=minutes * 60,
        paid_break_seconds=(shift.paid_break_minutes * 60) if shift else 0,
    )


def earlier_in_chain(entry: TimeEntry) -> Earlier | None:
    """The closed entries of the same employee that end exactly where this one starts, one
    after another (task switches), summed; None when the entry starts a fresh stretch."""
    if entry.id is None:  # a pending entry: give it its id now, to leave it out of the search
        entry.id = uuid.uuid4()
    chain: list[TimeEntry] = []
    start = entry.started_at
    seen = {entry.id}
    for _ in range(MAX_CHAIN):
        stmt = sa.select(TimeEntry).where(
            TimeEntry.employee_id == entry.employee_id,
            TimeEntry.ended_at == start,
            TimeEntry.deleted_at.is_(None),
            TimeEntry.id.not_in(seen),
        )
        previous = db.session.scalars(stmt.limit(1)).first()
        if previous is None or previous.paid_ended_at is None:
            break
        chain.append(previous)
        seen.add(previous.id)
        start = previous.started_at
    if not chain:
        return None
    return Earlier(
        paid_ended_at=chain[0].paid_ended_at,  # type: ignore[arg-type]
        duration_seconds=sum(e.duration_seconds for e in chain),
        break_seconds=sum(e.break_seconds for e in chain),
    )


def close_totals(
    entry: TimeEntry, breaks: Iterable[Break], *, declared_break_seconds: int | None = None
) -> None:
    """Set paid span, break and worked seconds of an entry that has an end.

    `declared_break_seconds` is the unpaid break of an entry without punched breaks (a manual
    entry or an edit says how long the break was); otherwise the punched breaks count, less
    the shift's paid break allowance.
    """
    assert entry.ended_at is not None, "only closed entries have totals"
    rules = rules_for(entry)
    if declared_break_seconds is not None:
        unpaid = declared_break_seconds
    else:
        unpaid = max(0, unpaid_break_seconds(entry, breaks) - rules.paid_break_seconds)
    totals = compute_totals(
        entry.started_at, entry.ended_at, unpaid, rules, earlier_in_chain(entry)
    )
    entry.paid_started_at = totals.paid_started_at
    entry.paid_ended_at = totals.paid_ended_at
    entry.duration_seconds = totals.duration_seconds
    entry.break_seconds = totals.break_seconds
    entry.auto_break_seconds = totals.auto_break_seconds
    entry.worked_seconds = totals.worked_seconds
