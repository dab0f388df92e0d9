"""The ``gusto`` hours CSV: exact bytes, zeros written, namesakes need Gusto IDs."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format

HEADER = (
    "last_name,first_name,gusto_employee_id,regular_hours,overtime_hours,double_overtime_hours\r\n"
)


def test_exact_bytes(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], details: Sequence[EntryDetail]
) -> None:
    assert get_format("gusto").render(ctx, totals, details) == (
        HEADER
        + "Lee,Kim,,0.00,0.00,0.00\r\n"
        + "Núñez,José,5G9934,40.00,1.50,0.00\r\n"
        + "O'Neil,'+Dana,,30.25,0.00,2.00\r\n"
    ).encode("utf-8")


def test_namesakes_without_gusto_ids_are_refused(ctx: ExportContext) -> None:
    rows = [
        EmployeeTotals("1", "Ann", "Lee", Decimal("10"), gusto_employee_id="AAAAAA"),
        EmployeeTotals("2", "ann", "LEE", Decimal("10")),
    ]
    with pytest.raises(
        ExportError, match=r"Ann Lee \(employee_number 1\) and ann LEE .* share a name"
    ):
        get_format("gusto").render(ctx, rows, [])


def test_namesakes_with_gusto_ids_are_fine(ctx: ExportContext) -> None:
    rows = [
        EmployeeTotals("1", "Ann", "Lee", Decimal("10"), gusto_employee_id="AAAAAA"),
        EmployeeTotals("2", "Ann", "Lee", Decimal("10"), gusto_employee_id="BBBBBB"),
    ]
    lines = get_format("gusto").render(ctx, rows, []).decode().split("\r\n")
    assert lines[1:3] == ["Lee,Ann,AAAAAA,0.00,0.00,0.00", "Lee,Ann,BBBBBB,0.00,0.00,0.00"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (EmployeeTotals("1", "Ann", "", Decimal("10")), "needs both a first and a last name"),
        (EmployeeTotals("1", "Ann", "Lee", Decimal("10"), gusto_employee_id="12345"), "6 letters"),
    ],
)
def test_rows_gusto_cannot_match_are_refused(
    ctx: ExportContext, row: EmployeeTotals, message: str
) -> None:
    with pytest.raises(ExportError, match=message):
        get_format("gusto").render(ctx, [row], [])


def test_last_name_formula_is_neutralised_and_quoted_when_needed(ctx: ExportContext) -> None:
    row = EmployeeTotals("1", "Ann", "@Lee, Sr", Decimal("10"), regular_seconds=90)
    assert get_format("gusto").render(ctx, [row], []).decode().split("\r\n")[1] == (
        '"\'@Lee, Sr",Ann,,0.03,0.00,0.00'
    )


@pytest.mark.parametrize(
    ("first_name", "cell"),
    [
        pytest.param("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0", id="dde"),
        pytest.param("\r=1+1", '"\'\r=1+1"', id="leading-cr"),
        pytest.param("Ann\rMarie", '"Ann\rMarie"', id="inner-cr"),
        pytest.param("\t-2", "'\t-2", id="tab"),
    ],
)
def test_every_text_cell_is_neutralised_and_line_breaks_quoted(
    ctx: ExportContext, first_name: str, cell: str
) -> None:
    row = EmployeeTotals("1", first_name, "Lee", Decimal("10"), regular_seconds=3600)
    lines = get_format("gusto").render(ctx, [row], []).decode().split("\r\n")
    assert lines[1:] == [f"Lee,{cell},,1.00,0.00,0.00", ""]
