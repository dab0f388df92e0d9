"""The engine's input: one worked interval of one employee, and where its unpaid break goes.

A :class:`WorkInterval` is a time entry's paid span ``[start, end)`` plus the unpaid break seconds
taken inside it (punched or auto-deducted): worked seconds = ``(end - start) - unpaid breaks``.

A lump of break seconds has no position in time, yet an interval crossing a workday boundary
needs its break split between the two workdays. The break is **attributed proportionally** to
the time the interval spends in each workday (largest-remainder rounding to whole seconds, ties
to the earlier piece). Putting it all at the start or the end would systematically move worked
time into one of the two days of every night shift; proportional attribution is unbiased and does
not depend on the order of anything but time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from overtime.calendar import to_utc


@dataclass(frozen=True)
class WorkInterval:
    """``[start, end)`` worked by one employee, minus ``unpaid_break_seconds`` taken within it.

    ``start``/``end`` are aware datetimes with whole seconds (UTC recommended; any offset is
    accepted and treated as the same instant). ``entry_id`` lets a caller match results back to
    time entries.
    """

    start: datetime
    end: datetime
    unpaid_break_seconds: int = 0
    entry_id: str | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, datetime):
                raise TypeError(f"{name} must be a datetime")
            to_utc(value)  # refuses naive datetimes
            if value.microsecond:
                # Durations are integer seconds everywhere; truncating here would hide the choice.
                raise ValueError(f"{name} must be a whole second, got {value.isoformat()}")
        if self.end_utc < self.start_utc:
            raise ValueError("end is before start")
        breaks = self.unpaid_break_seconds
        if isinstance(breaks, bool) or not isinstance(breaks, int):
            raise TypeError("unpaid_break_seconds must be an int")
        if not 0 <= breaks <= self.duration_seconds:
            raise ValueError("unpaid_break_seconds must be between 0 and the interval's length")

    @property
    def start_utc(self) -> datetime:
        return to_utc(self.start)

    @property
    def end_utc(self) -> datetime:
        return to_utc(self.end)

    @property
    def duration_seconds(self) -> int:
        return int((self.end_utc - self.start_utc).total_seconds())

    @property
    def worked_seconds(self) -> int:
        return self.duration_seconds - self.unpaid_break_seconds


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights``: whole numbers summing exactly to ``total``.

    Largest-remainder method; equal remainders go to the earlier weight. With
    ``total <= sum(weights)`` no share exceeds its weight, so no piece gets more break than time.
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("total and weights must not be negative")
    whole = sum(weights)
    if whole == 0:
        if total:
            raise ValueError("cannot apportion a positive total over zero weights")
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    leftover = total - sum(shares)
    # sorted() is stable, so among equal remainders the earlier index comes first.
    for index in sorted(range(len(weights)), key=lambda i: -remainders[i])[:leftover]:
        shares[index] += 1
    return shares
