"""The typed rows every export format takes: one context, period totals, per-entry details.

The application builds these from its database (approved entries of the period, the overtime
split computed by its workers, the organization's payroll settings) and hands them over; nothing
here knows about Flask or SQL. Rows are frozen and validated on construction, so a format can
trust them: durations are non-negative integer seconds, money is ``Decimal``, timestamps are
timezone-aware.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from payroll_exports.errors import ExportError, InvalidRowError
from payroll_exports.text import describe_employee

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _require_seconds(owner: str, name: str, value: object) -> None:
    # bool is an int subclass; True seconds is a bug upstream, not a duration.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidRowError(f"{owner}: {name} must be a non-negative integer, got {value!r}")


def _require_decimal(owner: str, name: str, value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidRowError(
            f"{owner}: {name} must be a non-negative finite Decimal, got {value!r}"
        )


def _require_aware(owner: str, name: str, value: object) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidRowError(f"{owner}: {name} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What one export is about: the organization, the period, and its payroll settings.

    ``timezone`` is the organization's IANA zone; the spreadsheet shows clock times in it.
    The ``adp_*`` and ``quickbooks_*`` fields mirror the organization's payroll settings record;
    a format that needs a missing one fails with an error naming the setting.
    """

    organization_name: str
    period_start: date
    period_end: date
    currency: str = "USD"
    timezone: str = "UTC"
    adp_company_code: str | None = None
    adp_batch_id: str | None = None
    adp_double_time_code: str = "DT"
    adp_file_suffix: str = "01"
    quickbooks_company_name: str | None = None
    quickbooks_company_create_time: str | None = None
    quickbooks_regular_item: str = "Regular Pay"
    quickbooks_overtime_item: str = "Overtime Rate"
    quickbooks_double_time_item: str = "Double Time Rate"

    def __post_init__(self) -> None:
        if self.period_start > self.period_end:
            raise InvalidRowError(
                f"period_start {self.period_start} is after period_end {self.period_end}"
            )
        if not _CURRENCY.match(self.currency):
            raise InvalidRowError(f"currency must be an ISO 4217 code, got {self.currency!r}")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidRowError(f"unknown timezone {self.timezone!r}") from exc

    @property
    def effective_adp_batch_id(self) -> str:
        """The configured ADP batch id, by default the period end as ``yyyymmdd``."""
        return self.adp_batch_id or self.period_end.strftime("%Y%m%d")

    @property
    def zone(self) -> ZoneInfo:
        """The organization's timezone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class EmployeeTotals:
    """One employee's approved time for the period, already split into pay buckets."""

    employee_number: str
    first_name: str
    last_name: str
    hourly_rate: Decimal
    currency: str = "USD"
    regular_seconds: int = 0
    overtime_seconds: int = 0
    double_time_seconds: int = 0
    overtime_multiplier: Decimal = Decimal("1.5")
    double_time_multiplier: Decimal = Decimal("2.0")
    gusto_employee_id: str | None = None

    def __post_init__(self) -> None:
        owner = self.label
        if not self.employee_number:
            raise InvalidRowError(f"{owner}: employee_number is required")
        for name in ("regular_seconds", "overtime_seconds", "double_time_seconds"):
            _require_seconds(owner, name, getattr(self, name))
        for name in ("hourly_rate", "overtime_multiplier", "double_time_multiplier"):
            _require_decimal(owner, name, getattr(self, name))
        if not _CURRENCY.match(self.currency):
            raise InvalidRowError(f"{owner}: currency must be an ISO 4217 code")

    @property
    def label(self) -> str:
        """How error messages name this employee."""
        return describe_employee(self.employee_number, self.first_name, self.last_name)

    @property
    def full_name(self) -> str:
        """``First Last`` as the summary files show it."""
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class EntryDetail:
    """One approved time entry on one workday, with that entry-day's pay buckets.

    ``job_name`` is the customer, or ``Customer:Job``, as QuickBooks names it. ``flags`` may be
    given as any sequence of strings; it is stored as a tuple so the row stays hashable.
    """

    employee_number: str
    first_name: str
    last_name: str
    work_date: date
    started_at: datetime
    ended_at: datetime
    paid_started_at: datetime
    paid_ended_at: datetime
    break_seconds: int = 0
    worked_seconds: int = 0
    regular_seconds: int = 0
    overtime_seconds: int = 0
    double_time_seconds: int = 0
    task_title: str | None = None
    flags: Sequence[str] = field(default=())
    approver_name: str | None = None
    job_name: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        owner = f"{self.label} entry on {self.work_date}"
        for name in ("started_at", "ended_at", "paid_started_at", "paid_ended_at"):
            _require_aware(owner, name, getattr(self, name))
        if self.ended_at < self.started_at or self.paid_ended_at < self.paid_started_at:
            raise InvalidRowError(f"{owner}: ends before it starts")
        for name in (
            "break_seconds",
            "worked_seconds",
            "regular_seconds",
            "overtime_seconds",
            "double_time_seconds",
        ):
            _require_seconds(owner, name, getattr(self, name))
        # frozen dataclass: the documented way to normalise a field in __post_init__.
        object.__setattr__(self, "flags", tuple(self.flags))

    @property
    def label(self) -> str:
        """How error messages name this entry's employee."""
        return describe_employee(self.employee_number, self.first_name, self.last_name)

    @property
    def full_name(self) -> str:
        """``First Last``."""
        return f"{self.first_name} {self.last_name}".strip()


def detail_order(entry: EntryDetail) -> tuple[object, ...]:
    """A total sort key for details: employee, date, start, then every other field.

    Sorting on the first three alone would leave entries that start at the same instant in input
    order, and the file's bytes would depend on the order the database returned them.
    """
    return (
        entry.employee_number,
        entry.work_date,
        entry.started_at,
        entry.ended_at,
        entry.paid_started_at,
        entry.paid_ended_at,
        entry.job_name or "",
        entry.task_title or "",
        entry.note or "",
        entry.approver_name or "",
        tuple(entry.flags),
        entry.first_name,
        entry.last_name,
        entry.break_seconds,
        entry.worked_seconds,
        entry.regular_seconds,
        entry.overtime_seconds,
        entry.double_time_seconds,
    )


def checked_totals(ctx: ExportContext, totals: Iterable[EmployeeTotals]) -> list[EmployeeTotals]:
    """The totals sorted by ``employee_number``, after the checks every format relies on.

    One row per employee (a duplicate would pay someone twice) and one currency per export (the
    vendor files carry no currency column, so a mixed file would be silently wrong). Sorting is by
    code point, as ``ORDER BY employee_number`` would, so equal-width numbers sort numerically.
    """
    rows = sorted(totals, key=lambda row: row.employee_number)
    for previous, current in pairwise(rows):
        if previous.employee_number == current.employee_number:
            raise ExportError(
                f"employee_number {current.employee_number} appears twice "
                f"({previous.label} and {current.label}); an export has one row per employee."
            )
    for row in rows:
        if row.currency != ctx.currency:
            raise ExportError(
                f"{row.label} is paid in {row.currency} but the export is in {ctx.currency}."
            )
    return rows
