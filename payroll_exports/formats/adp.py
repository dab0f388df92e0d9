"""``adp``: ADP Workforce Now payroll-data ("paydata", "EPI") import file.

Sources (facts only; see PAYROLL_FORMATS.md, "adp"):
- ADP Marketplace, "Automated Paydata Integration for ADP Workforce Now" (features page,
  https://apps.adp.com/en-US/apps/372723/automated-paydata-integration-for-adp-workforce-now/features):
  header-based ``.csv`` or tab-separated ``.txt``; ``Co Code``, ``Batch ID`` and ``File #`` required
  in the first three positions; optional Regular Hours, O/T Hours, Hours 3 Code and Amount, Hours 4
  Code and Amount, Temp Rate, earnings, Temporary Cost Number, Temporary Department.
- ADP, "ADP Workforce Now Importing Paydata", version 7.1, chapter 3 "Understanding Paydata Import
  Files"; and the EPIP fixed-width layout as documented by Time Force ("File Formats For The ADP
  Export"): File Number 6 positions, Company Code 3, hours fields with two decimals.
- Working generators (Time Portal, "ADP Workforce Now Payroll Export"; Sundial, "Realtime ADP
  Export"): ``File #`` is the ADP employee number zero-padded to 6 digits; batch id at most 8
  characters; empty cell rather than ``0.00``; rows without hours left out; ASCII only, no
  character outside 32-122 and no backslash; CRLF; file named ``EPI`` + company code + 2 characters
  + ``.csv``.

Fieldclock's layout: header ``Co Code,Batch ID,File #,Reg Hours,O/T Hours,Hours 3 Code,Hours 3
Amount``, one row per employee with hours, double time in Hours 3 under the organization's code
(default ``DT``). Every field is transliterated to ASCII or the export fails naming the employee.
Fields are written unquoted (ADP's importer is not a full CSV parser), so commas, quotes and
control characters (CR, LF, tab) are refused rather than escaped; every text cell is neutralised
against formula injection, since a paydata file is also opened in a spreadsheet to be checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from payroll_exports.errors import ExportError
from payroll_exports.money import compute_pay, format_amount
from payroll_exports.registry import register_format
from payroll_exports.rows import EmployeeTotals, EntryDetail, ExportContext, checked_totals
from payroll_exports.text import neutralise_formula, to_ascii

ADP_HEADER = "Co Code,Batch ID,File #,Reg Hours,O/T Hours,Hours 3 Code,Hours 3 Amount"
FILE_NUMBER_WIDTH = 6
BATCH_ID_MAX_LENGTH = 8
_COMPANY_CODE = re.compile(r"^[A-Za-z0-9]{2,3}$")
_FILE_SUFFIX = re.compile(r"^[A-Za-z0-9]{2}$")
_DIGITS = re.compile(r"^[0-9]+$")
# Printable 32..122 minus backslash (ADP's rule), minus comma and quote (unquoted CSV).
_FORBIDDEN = set(',"\\')


def adp_text(value: str, *, field: str, employee: str | None = None) -> str:
    """``value`` as an ADP-safe ASCII field, or an ExportError naming the field and employee."""
    ascii_value = to_ascii(value, field=field, employee=employee)
    bad = sorted({char for char in ascii_value if not 32 <= ord(char) <= 122 or char in _FORBIDDEN})
    if bad:
        whose = f" of {employee}" if employee else ""
        raise ExportError(
            f"The {field}{whose} is {value!r}; ADP does not accept "
            f"{', '.join(repr(char) for char in bad)} in a paydata file."
        )
    return ascii_value


def company_code(ctx: ExportContext) -> str:
    """The validated ADP company code (2-3 letters or digits) from the payroll settings."""
    if not ctx.adp_company_code:
        raise ExportError("The ADP export needs the organization's ADP company code (Co Code).")
    code = adp_text(ctx.adp_company_code, field="ADP company code")
    if not _COMPANY_CODE.match(code):
        raise ExportError(
            f"The ADP company code {ctx.adp_company_code!r} must be 2 or 3 letters or digits."
        )
    return code


def batch_id(ctx: ExportContext) -> str:
    """The validated batch id: the configured one or the period end as ``yyyymmdd``."""
    value = adp_text(ctx.effective_adp_batch_id, field="ADP batch id")
    if not value or len(value) > BATCH_ID_MAX_LENGTH:
        raise ExportError(f"The ADP batch id {value!r} must be 1 to 8 characters.")
    return value


def file_number(row: EmployeeTotals) -> str:
    """The employee's ``File #``: their employee number as 6 zero-padded digits."""
    digits = to_ascii(row.employee_number, field="employee number", employee=row.label).strip()
    if not _DIGITS.match(digits) or len(digits) > FILE_NUMBER_WIDTH:
        raise ExportError(
            f"{row.label} cannot be exported to ADP: the File # must be the ADP employee "
            f"number, at most {FILE_NUMBER_WIDTH} digits, but the employee number is "
            f"{row.employee_number!r}."
        )
    return digits.zfill(FILE_NUMBER_WIDTH)


def _hours_or_blank(value: Decimal) -> str:
    # Working generators leave zero hours empty; a 0.00 would be keyed into the batch as a value.
    return format_amount(value) if value else ""


@register_format("adp")
class AdpWorkforceNowFormat:
    """ADP Workforce Now paydata import (EPI CSV)."""

    name: str
    media_type = "text/csv; charset=us-ascii"
    file_extension = "csv"

    def filename(self, ctx: ExportContext) -> str:
        """``EPI`` + company code + the 2-character suffix + ``.csv`` (e.g. ``EPIABC01.csv``)."""
        suffix = ctx.adp_file_suffix
        if not _FILE_SUFFIX.match(suffix):
            raise ExportError(f"The ADP file suffix {suffix!r} must be 2 letters or digits.")
        return f"EPI{company_code(ctx)}{suffix}.{self.file_extension}"

    def render(
        self,
        ctx: ExportContext,
        totals: Sequence[EmployeeTotals],
        details: Sequence[EntryDetail],
    ) -> bytes:
        """Header plus one CRLF row per employee with hours; ``details`` are not used."""
        code = neutralise_formula(company_code(ctx))
        batch = neutralise_formula(batch_id(ctx))
        double_time_code = adp_text(ctx.adp_double_time_code, field="ADP double-time hours code")
        if not double_time_code:
            raise ExportError("The ADP double-time hours code (Hours 3 Code) must not be empty.")
        double_time_code = neutralise_formula(double_time_code)
        lines = [ADP_HEADER]
        for row in checked_totals(ctx, totals):
            pay = compute_pay(row)
            if not pay.has_hours:
                # Skipped before File # validation: nobody is blocked by a row ADP never sees.
                continue
            number = neutralise_formula(file_number(row))
            hours_3 = _hours_or_blank(pay.double_time_hours)
            lines.append(
                ",".join(
                    (
                        code,
                        batch,
                        number,
                        _hours_or_blank(pay.regular_hours),
                        _hours_or_blank(pay.overtime_hours),
                        double_time_code if hours_3 else "",
                        hours_3,
                    )
                )
            )
        return "".join(line + "\r\n" for line in lines).encode("ascii")
