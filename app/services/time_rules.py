"""How a closed time entry's paid span, breaks and worked seconds are computed.

`close_totals` is called whenever an entry gets an end (clock-out, manual entry, edit).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.models import Break, TimeEntry


def seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds from start to end (fractions of a second are dropped, never rounded up)."""
    return max(0, int((end - start).total_seconds()))


def unpaid_break_seconds(entry: TimeEntry, breaks: Iterable[Break]) -> int:
    """Punched unpaid breaks, clipped to the entry's span."""
    total = 0
    for brk in breaks:
        if brk.paid or brk.ended_at is None or entry.ended_at is None:
            continue
        start, end = max(brk.started_at, entry.started_at), min(brk.ended_at, entry.ended_at)
        total += seconds_between(start, end)
    return total


def close_totals(entry: TimeEntry, breaks: Iterable[Break]) -> None:
    """Set paid span, break and worked seconds of an entry that has an end."""
    assert entry.ended_at is not None, "only closed entries have totals"
    entry.paid_started_at = entry.started_at
    entry.paid_ended_at = entry.ended_at
    entry.duration_seconds = seconds_between(entry.paid_started_at, entry.paid_ended_at)
    entry.auto_break_seconds = 0
    entry.break_seconds = min(unpaid_break_seconds(entry, breaks), entry.duration_seconds)
    entry.worked_seconds = entry.duration_seconds - entry.break_seconds
