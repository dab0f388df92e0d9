"""The ``csv`` format: exact bytes for the fixture period (pay hand-computed in conftest.py)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format

EXPECTED = (
    "employee_number,employee_name,period_start,period_end,regular_hours,overtime_hours,"
    "double_time_hours,hourly_rate,regular_pay,overtime_pay,double_time_pay,gross_pay,currency\n"
    "0005,Kim Lee,2026-11-16,2026-11-29,0.00,0.00,0.00,20.00,0.00,0.00,0.00,0.00,USD\n"
    "0042,José Núñez,2026-11-16,2026-11-29,40.00,1.50,0.00,25.50,1020.00,57.38,0.00,1077.38,USD\n"
    "0107,'+Dana O'Neil,2026-11-16,2026-11-29,30.25,0.00,2.00,18.00,544.50,0.00,72.00,616.50,USD\n"
).encode()


def test_exact_bytes(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], details: Sequence[EntryDetail]
) -> None:
    content = get_format("csv").render(ctx, totals, details)
    assert content == EXPECTED
    assert b"\r" not in content  # LF only


def test_header_only_when_nobody_worked(ctx: ExportContext) -> None:
    content = get_format("csv").render(ctx, [], [])
    assert content == EXPECTED.split(b"\n")[0] + b"\n"


def test_names_with_commas_quotes_and_formulas_are_quoted_and_neutralised(
    ctx: ExportContext,
) -> None:
    row = EmployeeTotals(
        employee_number="0001",
        first_name='=HYPERLINK("x")',
        last_name="Smith, Jr.",
        hourly_rate=Decimal("15.125"),
        regular_seconds=3600,
    )
    content = get_format("csv").render(ctx, [row], []).decode("utf-8")
    assert content.splitlines()[1] == (
        '0001,"\'=HYPERLINK(""x"") Smith, Jr.",2026-11-16,2026-11-29,'
        "1.00,0.00,0.00,15.125,15.13,0.00,0.00,15.13,USD"
    )


def test_ids_keep_leading_zeros_and_negative_looking_ids_are_not_prefixed(
    ctx: ExportContext,
) -> None:
    row = EmployeeTotals("-007", "Ann", "Lee", Decimal("10.00"))
    line = get_format("csv").render(ctx, [row], []).decode().splitlines()[1]
    assert line.startswith("-007,Ann Lee,")  # IDs and numbers are never neutralised


def test_duplicate_employee_is_an_error(ctx: ExportContext) -> None:
    row = EmployeeTotals("0001", "Ann", "Lee", Decimal("10.00"))
    with pytest.raises(ExportError, match="appears twice"):
        get_format("csv").render(ctx, [row, row], [])
