"""``xlsx``: an Excel workbook with a summary sheet and a per-entry detail sheet.

Sources (facts only; see PAYROLL_FORMATS.md, "xlsx"):
- PAYROLL_FORMATS.md: a summary sheet with the ``csv`` columns, a detail sheet with one row per
  time entry (dates, raw and paid times, breaks, task, flags, approver), numbers as numbers, hours
  with a ``0.00`` format, dates as dates.
- openpyxl documentation (https://openpyxl.readthedocs.io, "Simple usage", "Dates and Times"):
  Excel has no timezone in date-times, so tz-aware values must be made naive; a string assigned to
  a cell that starts with ``=`` is stored as a formula.
- ECMA-376 / ISO/IEC 29500 (Office Open XML), part 2 "Open Packaging Conventions": the package is a
  ZIP archive; ``docProps/core.xml`` holds ``dcterms:created``/``dcterms:modified``.
- OWASP, "CSV Injection": cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR are prefixed
  with ``'``.

Fieldclock's choices:
- Deterministic bytes: ``created``/``modified`` are the period end at midnight, and every ZIP
  member carries that same timestamp (openpyxl would otherwise stamp the members with the current
  time or a temporary file's mtime).
- Clock times are shown in the organization's timezone (named in a ``timezone`` column) as naive
  Excel date-times; hours and money are Decimal values with a ``0.00`` format, the hourly rate
  ``0.00##`` so a sub-cent rate is not displayed rounded.
- Every text cell is forced to the string type and neutralised (names, notes and IDs such as
  ``employee_number`` alike), so no cell is a formula, nor becomes one when a clerk edits it;
  characters that XML 1.0 forbids are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from payroll_exports.formats.csv_basic import SUMMARY_HEADER
from payroll_exports.money import compute_pay, hours
from payroll_exports.registry import period_filename, register_format
from payroll_exports.rows import (
    EmployeeTotals,
    EntryDetail,
    ExportContext,
    checked_totals,
    detail_order,
)
from payroll_exports.text import neutralise_formula

HOURS_FORMAT = "0.00"
MONEY_FORMAT = "0.00"
RATE_FORMAT = "0.00##"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

DETAIL_HEADER: tuple[str, ...] = (
    "employee_number",
    "employee_name",
    "work_date",
    "started_at",
    "ended_at",
    "paid_started_at",
    "paid_ended_at",
    "timezone",
    "break_hours",
    "worked_hours",
    "regular_hours",
    "overtime_hours",
    "double_time_hours",
    "task",
    "job",
    "flags",
    "approver",
    "note",
)

# Number formats of the summary columns, by header name; the others are text.
_SUMMARY_FORMATS: dict[str, str] = {
    "period_start": DATE_FORMAT,
    "period_end": DATE_FORMAT,
    "regular_hours": HOURS_FORMAT,
    "overtime_hours": HOURS_FORMAT,
    "double_time_hours": HOURS_FORMAT,
    "hourly_rate": RATE_FORMAT,
    "regular_pay": MONEY_FORMAT,
    "overtime_pay": MONEY_FORMAT,
    "double_time_pay": MONEY_FORMAT,
    "gross_pay": MONEY_FORMAT,
}
_DETAIL_FORMATS: dict[str, str] = {
    "work_date": DATE_FORMAT,
    "started_at": DATETIME_FORMAT,
    "ended_at": DATETIME_FORMAT,
    "paid_started_at": DATETIME_FORMAT,
    "paid_ended_at": DATETIME_FORMAT,
    "break_hours": HOURS_FORMAT,
    "worked_hours": HOURS_FORMAT,
    "regular_hours": HOURS_FORMAT,
    "overtime_hours": HOURS_FORMAT,
    "double_time_hours": HOURS_FORMAT,
}
_ZIP_EPOCH = datetime(1980, 1, 1)


def _with_fixed_timestamps(package: bytes, stamp: datetime) -> bytes:
    """Re-pack a ZIP so that every member carries ``stamp``, keeping member order and content.

    openpyxl writes some members with ``writestr`` (stamped with the current time) and the
    worksheets with ``write`` from temporary files (stamped with their mtime); re-packing covers
    both without depending on which openpyxl uses where.
    """
    stamp = max(stamp, _ZIP_EPOCH)  # ZIP timestamps cannot express dates before 1980
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    output = io.BytesIO()
    with ZipFile(io.BytesIO(package)) as source, ZipFile(output, "w", ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = ZipInfo(member.filename, date_time=date_time)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o600 << 16  # regular file, rw for owner, as ZipFile writes
            target.writestr(info, source.read(member))
    return output.getvalue()


def _text(value: str | None) -> str | None:
    # Empty means "no value": an empty cell, not a zero-length string cell.
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    return neutralise_formula(cleaned) if cleaned else None


def _local(moment: datetime, ctx: ExportContext) -> datetime:
    return moment.astimezone(ctx.zone).replace(tzinfo=None)


def _write_sheet(
    sheet: Worksheet,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: dict[str, str],
    widths: dict[str, int],
) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows:
        sheet.append(list(values))
    for column, name in enumerate(header, start=1):
        number_format = formats.get(name)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if number_format:
                cell.number_format = number_format
            elif isinstance(cell.value, str):
                # openpyxl stores "=..." as a formula; text columns are text, always.
                cell.data_type = "s"
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(name, 14)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _summary_rows(ctx: ExportContext, totals: Sequence[EmployeeTotals]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for row in checked_totals(ctx, totals):
        pay = compute_pay(row)
        rows.append(
            [
                _text(row.employee_number),
                _text(row.full_name),
                ctx.period_start,
                ctx.period_end,
                pay.regular_hours,
                pay.overtime_hours,
                pay.double_time_hours,
                pay.hourly_rate,
                pay.regular_pay,
                pay.overtime_pay,
                pay.double_time_pay,
                pay.gross_pay,
                _text(row.currency),
            ]
        )
    return rows


def _detail_rows(ctx: ExportContext, details: Sequence[EntryDetail]) -> list[list[Any]]:
    ordered = sorted(details, key=detail_order)
    return [
        [
            _text(entry.employee_number),
            _text(entry.full_name),
            entry.work_date,
            _local(entry.started_at, ctx),
            _local(entry.ended_at, ctx),
            _local(entry.paid_started_at, ctx),
            _local(entry.paid_ended_at, ctx),
            _text(ctx.timezone),
            hours(entry.break_seconds),
            hours(entry.worked_seconds),
            hours(entry.regular_seconds),
            hours(entry.overtime_seconds),
            hours(entry.double_time_seconds),
            _text(entry.task_title),
            _text(entry.job_name),
            _text(", ".join(entry.flags)),
            _text(entry.approver_name),
            _text(entry.note),
        ]
        for entry in ordered
    ]


@register_format("xlsx")
class XlsxWorkbookFormat:
    """Summary and detail workbook for people, not importers."""

    name: str
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    file_extension = "xlsx"

    def filename(self, ctx: ExportContext) -> str:
        """``<org>-payroll-<start>_<end>.xlsx``."""
        return period_filename(ctx, "payroll", self.file_extension)

    def render(
        self,
        ctx: ExportContext,
        totals: Sequence[EmployeeTotals],
        details: Sequence[EntryDetail],
    ) -> bytes:
        """Workbook bytes with sheets ``Summary`` and ``Detail``."""
        workbook = Workbook()
        summary = workbook.active
        assert summary is not None  # a new Workbook always has one sheet
        summary.title = "Summary"
        _write_sheet(
            summary,
            SUMMARY_HEADER,
            _summary_rows(ctx, totals),
            _SUMMARY_FORMATS,
            {"employee_name": 28, "employee_number": 16},
        )
        _write_sheet(
            workbook.create_sheet("Detail"),
            DETAIL_HEADER,
            _detail_rows(ctx, details),
            _DETAIL_FORMATS,
            {
                "employee_name": 28,
                "started_at": 17,
                "ended_at": 17,
                "paid_started_at": 17,
                "paid_ended_at": 17,
                "timezone": 20,
                "task": 30,
                "job": 24,
                "flags": 24,
                "approver": 24,
                "note": 40,
            },
        )
        stamp = datetime.combine(ctx.period_end, time())
        workbook.properties.creator = "Fieldclock"
        workbook.properties.title = (
            f"Payroll {ctx.period_start.isoformat()} to {ctx.period_end.isoformat()}"
        )
        workbook.properties.created = stamp
        workbook.properties.modified = stamp
        buffer = io.BytesIO()
        # ExcelWriter directly: openpyxl's save_workbook would overwrite `modified` with now().
        with ZipFile(buffer, "w", ZIP_DEFLATED) as archive:
            ExcelWriter(workbook, archive).write_data()
        return _with_fixed_timestamps(buffer.getvalue(), stamp)
