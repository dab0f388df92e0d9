"""``gusto``: hours import CSV for a Gusto regular payroll.

Sources (facts only; see PAYROLL_FORMATS.md, "gusto"):
- Gusto Help Center, "Upload payroll data with a CSV" / "Run payroll with CSV upload"
  (https://support.gusto.com/article/999914471000000/Run-payroll-with-CSV-upload): first and last
  name required and not case-sensitive; ``ssn`` as ``*1234`` only needed to tell apart two
  employees with the same name; ``gusto_employee_id`` optional, a 6-character alphanumeric ID;
  column titles must match Gusto's template, columns may be reordered or removed.
- Gusto Help Center, "Run payroll with Smart Import": zeros override previously entered values,
  blank cells leave them alone.
- Templates as downloaded from Gusto (practice): ``last_name,first_name,title,gusto_employee_id,
  regular_hours,overtime_hours,double_overtime_hours,…``.

Fieldclock's layout: header ``last_name,first_name,gusto_employee_id,regular_hours,overtime_hours,
double_overtime_hours``, one row per employee ordered by employee number, zeros written as ``0.00``
because the export owns these hours for the period (a blank would keep a stale value in Gusto).
UTF-8 without BOM, CRLF line ends as RFC 4180 specifies; every text cell neutralised against
formula injection. Since Fieldclock has no SSNs, two
employees with the same name must both carry a ``gusto_employee_id`` or the export fails, rather
than letting Gusto guess whose hours are whose.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from payroll_exports.errors import ExportError
from payroll_exports.money import compute_pay, format_amount
from payroll_exports.registry import period_filename, register_format
from payroll_exports.rows import EmployeeTotals, EntryDetail, ExportContext, checked_totals
from payroll_exports.text import csv_record, neutralise_formula

GUSTO_HEADER: tuple[str, ...] = (
    "last_name",
    "first_name",
    "gusto_employee_id",
    "regular_hours",
    "overtime_hours",
    "double_overtime_hours",
)
_GUSTO_EMPLOYEE_ID = re.compile(r"^[A-Za-z0-9]{6}$")


def _check_identifiable(rows: Sequence[EmployeeTotals]) -> None:
    """Refuse rows that Gusto could not match to exactly one employee."""
    by_name: dict[tuple[str, str], list[EmployeeTotals]] = defaultdict(list)
    for row in rows:
        if not row.first_name.strip() or not row.last_name.strip():
            raise ExportError(f"{row.label} needs both a first and a last name for Gusto.")
        if row.gusto_employee_id is not None and not _GUSTO_EMPLOYEE_ID.match(
            row.gusto_employee_id
        ):
            raise ExportError(
                f"The Gusto employee ID of {row.label} is {row.gusto_employee_id!r}; "
                "Gusto employee IDs are 6 letters or digits."
            )
        # Gusto compares names case-insensitively, so must we.
        by_name[(row.first_name.strip().casefold(), row.last_name.strip().casefold())].append(row)
    for namesakes in by_name.values():
        if len(namesakes) > 1 and any(row.gusto_employee_id is None for row in namesakes):
            names = " and ".join(row.label for row in namesakes)
            raise ExportError(
                f"{names} share a name; set their Gusto employee IDs so Gusto can tell them apart."
            )


@register_format("gusto")
class GustoHoursFormat:
    """Gusto regular-payroll hours CSV."""

    name: str
    media_type = "text/csv; charset=utf-8"
    file_extension = "csv"

    def filename(self, ctx: ExportContext) -> str:
        """``<org>-gusto-hours-<start>_<end>.csv``."""
        return period_filename(ctx, "gusto-hours", self.file_extension)

    def render(
        self,
        ctx: ExportContext,
        totals: Sequence[EmployeeTotals],
        details: Sequence[EntryDetail],
    ) -> bytes:
        """Header plus one row per employee; ``details`` are not used."""
        rows = checked_totals(ctx, totals)
        _check_identifiable(rows)
        records = [csv_record(GUSTO_HEADER, "\r\n")]
        for row in rows:
            pay = compute_pay(row)
            records.append(
                csv_record(
                    (
                        neutralise_formula(row.last_name),
                        neutralise_formula(row.first_name),
                        neutralise_formula(row.gusto_employee_id or ""),
                        format_amount(pay.regular_hours),
                        format_amount(pay.overtime_hours),
                        format_amount(pay.double_time_hours),
                    ),
                    "\r\n",
                )
            )
        return "".join(records).encode("utf-8")
