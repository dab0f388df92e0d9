"""``quickbooks_iif``: QuickBooks Desktop time activities as IIF (``TIMERHDR`` + ``TIMEACT``).

Sources (facts only; see PAYROLL_FORMATS.md, "quickbooks_iif"):
- Intuit, QuickBooks in-product help, "Activities timed with the Timer (IIF reference)"
  (support.quickbooks.intuit.com, .../IIF/iif_reference_timeract.html) and the Intuit "IIF Import
  Kit" (iif_import_kit.zip): keyword ``TIMEACT``; activity data must begin with the ``TIMERHDR``
  block (``VER REL COMPANYNAME IMPORTEDBEFORE FROMTIMER COMPANYCREATETIME``; COMPANYNAME as in the
  Company Information window; FROMTIMER ``Y`` when importing activities); ``DATE`` as
  ``MM/DD/YY``; ``JOB`` as ``Customer:Job``; ``EMP`` must be on the Employee list; ``DURATION`` as
  ``H:MM``, never greater than 23:59; ``NOTE`` up to 1000 characters on a single line;
  ``BILLINGSTATUS`` 0 = not billable, 1 = billable. IIF files are tab-separated text.
- Working generators (PayPunch "IIF format reference", Horde Hermes ``Data/iif.php``, and a
  TimeSheet-to-QuickBooks exporter writing ``TIMERHDR 8 0 <company> N Y <createtime>``): ``PITEM``
  carries the payroll item (``Regular Pay``, ``Overtime Rate``) so that time reaches payroll;
  ``XFERTOPAYROLL`` ``Y``; ``EMP`` as ``Last, First``; regular and overtime as separate lines for
  the same employee and date; CRLF line ends.

Fieldclock's choices:
- One ``TIMEACT`` line per employee, workday, job and bucket (regular / overtime / double time),
  ``PITEM`` from the payroll settings. Splitting by job too keeps ``JOB`` truthful when one day
  was spent at two customers.
- Minutes are rounded half-up **cumulatively** per employee and bucket (each line gets
  ``round(running total) - round(previous running total)``), so the lines of a period add up to
  the period's rounded total instead of drifting by a minute per line.
- A line that would still exceed 23:59 (a bucket of more than a day on one workday) is split into
  several lines of at most 23:59, so no hours are lost and QuickBooks accepts every line.
- ASCII only: names, jobs and settings that QuickBooks matches exactly are transliterated or the
  export fails naming the employee; notes are transliterated with ``?`` for what cannot be.
  Tabs and line breaks are replaced by a space in every text field, and every text field
  (settings included: IIF files are routinely opened in a spreadsheet) is neutralised against
  formula injection. ``ITEM`` and ``PROJ`` are
  left empty; ``BILLINGSTATUS`` is ``0`` because Fieldclock does not track billability.
- ``COMPANYCREATETIME`` is written from the settings when known, else left empty.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from itertools import groupby

from payroll_exports.errors import ExportError
from payroll_exports.money import round_half_up
from payroll_exports.registry import period_filename, register_format
from payroll_exports.rows import EmployeeTotals, EntryDetail, ExportContext, detail_order
from payroll_exports.text import neutralise_formula, single_line, to_ascii, to_ascii_lossy

MAX_LINE_MINUTES = 23 * 60 + 59
NOTE_MAX_LENGTH = 1000
TIMERHDR_HEADER = "!TIMERHDR\tVER\tREL\tCOMPANYNAME\tIMPORTEDBEFORE\tFROMTIMER\tCOMPANYCREATETIME"
TIMEACT_HEADER = (
    "!TIMEACT\tDATE\tJOB\tEMP\tITEM\tPITEM\tDURATION\tPROJ\tNOTE\tXFERTOPAYROLL\tBILLINGSTATUS"
)
# (seconds field of EntryDetail, payroll-item field of ExportContext, how errors name it)
_BUCKETS: tuple[tuple[str, str, str], ...] = (
    ("regular_seconds", "quickbooks_regular_item", "regular"),
    ("overtime_seconds", "quickbooks_overtime_item", "overtime"),
    ("double_time_seconds", "quickbooks_double_time_item", "double-time"),
)


@dataclass(frozen=True, slots=True)
class TimeActivity:
    """One ``TIMEACT`` line before serialisation (fields already cleaned)."""

    work_date: date
    job: str
    employee: str
    payroll_item: str
    minutes: int
    note: str

    @property
    def duration(self) -> str:
        """``H:MM`` as QuickBooks reads it (``8:00``, ``23:59``)."""
        return f"{self.minutes // 60}:{self.minutes % 60:02d}"


def _setting(value: str | None, field: str) -> str:
    if not value or not single_line(value):
        raise ExportError(f"The QuickBooks export needs the organization's {field}.")
    return neutralise_formula(to_ascii(single_line(value), field=field))


def _employee_name(entry: EntryDetail) -> str:
    name = ", ".join(part for part in (entry.last_name.strip(), entry.first_name.strip()) if part)
    cleaned = to_ascii(single_line(name), field="employee name", employee=entry.label)
    return neutralise_formula(cleaned)


def _job(entry: EntryDetail) -> str:
    if not entry.job_name:
        return ""
    job = to_ascii(single_line(entry.job_name), field="customer:job", employee=entry.label)
    return neutralise_formula(job)


def _note(entries: Sequence[EntryDetail]) -> str:
    parts: list[str] = []
    for entry in entries:
        part = ": ".join(text for text in (entry.task_title, entry.note) if text)
        if part and part not in parts:
            parts.append(part)
    note = neutralise_formula(to_ascii_lossy(single_line("; ".join(parts))))
    return note[:NOTE_MAX_LENGTH]


def _split(minutes: int) -> Iterator[int]:
    while minutes > 0:
        chunk = min(minutes, MAX_LINE_MINUTES)
        yield chunk
        minutes -= chunk


def _rounded_minutes(seconds: int) -> int:
    return int(round_half_up(Fraction(seconds, 60), 0))


def time_activities(ctx: ExportContext, details: Sequence[EntryDetail]) -> list[TimeActivity]:
    """The ``TIMEACT`` lines for ``details``, in file order (employee, date, job, bucket)."""
    payroll_items = {
        seconds_field: _setting(getattr(ctx, item_field), f"QuickBooks {label} payroll item")
        for seconds_field, item_field, label in _BUCKETS
    }

    def group_key(entry: EntryDetail) -> tuple[str, date, str]:
        return (entry.employee_number, entry.work_date, entry.job_name or "")

    ordered = sorted(details, key=lambda entry: (group_key(entry), detail_order(entry)))
    # Running seconds per (employee, bucket), for cumulative minute rounding.
    running: dict[tuple[str, str], int] = {}
    activities: list[TimeActivity] = []
    for (employee_number, work_date, _), group_iter in groupby(ordered, key=group_key):
        group = list(group_iter)
        first = group[0]
        employee, job, note = _employee_name(first), _job(first), _note(group)
        for seconds_field, _item_field, _label in _BUCKETS:
            seconds = sum(getattr(entry, seconds_field) for entry in group)
            before = running.get((employee_number, seconds_field), 0)
            running[(employee_number, seconds_field)] = before + seconds
            minutes = _rounded_minutes(before + seconds) - _rounded_minutes(before)
            for chunk in _split(minutes):
                activities.append(
                    TimeActivity(
                        work_date=work_date,
                        job=job,
                        employee=employee,
                        payroll_item=payroll_items[seconds_field],
                        minutes=chunk,
                        note=note,
                    )
                )
    return activities


@register_format("quickbooks_iif")
class QuickBooksIifFormat:
    """QuickBooks Desktop timer-activity import (IIF)."""

    name: str
    # IIF has no registered media type; it is plain ASCII text served as an attachment.
    media_type = "text/plain; charset=us-ascii"
    file_extension = "iif"

    def filename(self, ctx: ExportContext) -> str:
        """``<org>-quickbooks-time-<start>_<end>.iif``."""
        return period_filename(ctx, "quickbooks-time", self.file_extension)

    def render(
        self,
        ctx: ExportContext,
        totals: Sequence[EmployeeTotals],
        details: Sequence[EntryDetail],
    ) -> bytes:
        """Header block plus the time activities of ``details``; ``totals`` are not used."""
        company = _setting(ctx.quickbooks_company_name, "QuickBooks company name")
        create_time = neutralise_formula(
            to_ascii(
                single_line(ctx.quickbooks_company_create_time or ""),
                field="QuickBooks company create time",
            )
        )
        lines = [
            TIMERHDR_HEADER,
            "\t".join(("TIMERHDR", "8", "0", company, "N", "Y", create_time)),
            TIMEACT_HEADER,
        ]
        for activity in time_activities(ctx, details):
            lines.append(
                "\t".join(
                    (
                        "TIMEACT",
                        activity.work_date.strftime("%m/%d/%y"),
                        activity.job,
                        activity.employee,
                        "",
                        activity.payroll_item,
                        activity.duration,
                        "",
                        activity.note,
                        "Y",
                        "0",
                    )
                )
            )
        return "".join(line + "\r\n" for line in lines).encode("ascii")
