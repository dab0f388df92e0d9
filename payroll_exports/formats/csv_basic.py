"""Fieldclock's own ``csv`` export: one row per employee with hours, rate and pay lines.

Sources:
- Fieldclock API contract, API.md, "Overtime, summaries and exports": the exact header, hours and
  money as 2-place decimal strings, each pay line hours x rate x multiplier rounded half-up to the
  cent, ``gross_pay`` the sum of the pay lines.
- PAYROLL_FORMATS.md, "csv" and "Common to all": UTF-8 without byte-order mark, LF line endings,
  sorted by ``employee_number``, IDs as text, every text cell (IDs included) neutralised against
  formula injection.
- RFC 4180 (Common Format and MIME Type for CSV Files) for quoting: a field holding a comma, quote
  or line break (CR or LF) is quoted, quotes doubled; the ``text/csv`` media type with a
  ``charset`` parameter.
"""

from __future__ import annotations

from collections.abc import Sequence

from payroll_exports.money import compute_pay, format_amount, format_rate
from payroll_exports.registry import period_filename, register_format
from payroll_exports.rows import EmployeeTotals, EntryDetail, ExportContext, checked_totals
from payroll_exports.text import csv_record, neutralise_formula

SUMMARY_HEADER: tuple[str, ...] = (
    "employee_number",
    "employee_name",
    "period_start",
    "period_end",
    "regular_hours",
    "overtime_hours",
    "double_time_hours",
    "hourly_rate",
    "regular_pay",
    "overtime_pay",
    "double_time_pay",
    "gross_pay",
    "currency",
)


@register_format("csv")
class FieldclockCsvFormat:
    """The ``csv`` format of API.md."""

    name: str
    media_type = "text/csv; charset=utf-8"
    file_extension = "csv"

    def filename(self, ctx: ExportContext) -> str:
        """``<org>-payroll-<start>_<end>.csv``."""
        return period_filename(ctx, "payroll", self.file_extension)

    def render(
        self,
        ctx: ExportContext,
        totals: Sequence[EmployeeTotals],
        details: Sequence[EntryDetail],
    ) -> bytes:
        """Header plus one row per employee; ``details`` are not part of this format."""
        records = [csv_record(SUMMARY_HEADER, "\n")]
        for row in checked_totals(ctx, totals):
            pay = compute_pay(row)
            records.append(
                csv_record(
                    (
                        neutralise_formula(row.employee_number),
                        neutralise_formula(row.full_name),
                        ctx.period_start.isoformat(),
                        ctx.period_end.isoformat(),
                        format_amount(pay.regular_hours),
                        format_amount(pay.overtime_hours),
                        format_amount(pay.double_time_hours),
                        format_rate(pay.hourly_rate),
                        format_amount(pay.regular_pay),
                        format_amount(pay.overtime_pay),
                        format_amount(pay.double_time_pay),
                        format_amount(pay.gross_pay),
                        neutralise_formula(row.currency),
                    ),
                    "\n",
                )
            )
        return "".join(records).encode("utf-8")
