"""The ``adp`` (Workforce Now EPI) format: exact bytes, ASCII rules, File #, skipped rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format

HEADER = b"Co Code,Batch ID,File #,Reg Hours,O/T Hours,Hours 3 Code,Hours 3 Amount\r\n"


def test_exact_bytes(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], details: Sequence[EntryDetail]
) -> None:
    # 0005 has no hours and is skipped; zeros are empty; double time goes to Hours 3 as DT.
    assert get_format("adp").render(ctx, totals, details) == (
        HEADER + b"ABC,20261129,000042,40.00,1.50,,\r\n" + b"ABC,20261129,000107,30.25,,DT,2.00\r\n"
    )


def test_configured_batch_id_and_double_time_code(
    ctx: ExportContext, totals: Sequence[EmployeeTotals]
) -> None:
    custom = dataclasses.replace(
        ctx, adp_batch_id="WK48", adp_double_time_code="D", adp_company_code="x9"
    )
    lines = get_format("adp").render(custom, totals, []).split(b"\r\n")
    assert lines[2] == b"x9,WK48,000107,30.25,,D,2.00"
    assert (
        get_format("adp").filename(dataclasses.replace(custom, adp_file_suffix="02"))
        == "EPIx902.csv"
    )


def test_hours_rounding_to_zero_counts_as_no_hours(ctx: ExportContext) -> None:
    row = EmployeeTotals("12", "Ann", "Lee", Decimal("10.00"), regular_seconds=17)  # 0.00 h
    assert get_format("adp").render(ctx, [row], []) == HEADER


def test_fullwidth_digits_are_transliterated_into_the_file_number(ctx: ExportContext) -> None:
    row = EmployeeTotals(
        "\N{FULLWIDTH DIGIT FOUR}\N{FULLWIDTH DIGIT TWO}",
        "Ann",
        "Lee",
        Decimal("10.00"),
        regular_seconds=3600,
    )
    assert get_format("adp").render(ctx, [row], []) == HEADER + b"ABC,20261129,000042,1.00,,,\r\n"


def test_accented_codes_are_transliterated(ctx: ExportContext) -> None:
    row = EmployeeTotals("7", "Ann", "Lee", Decimal("10.00"), double_time_seconds=3600)
    custom = dataclasses.replace(ctx, adp_double_time_code="DÉ")
    assert get_format("adp").render(custom, [row], []).endswith(b"000007,,,DE,1.00\r\n")


def test_untransliterable_employee_number_fails_naming_the_employee(ctx: ExportContext) -> None:
    row = EmployeeTotals("Ω12", "Ωmega", "Ng", Decimal("10.00"), regular_seconds=3600)
    with pytest.raises(ExportError) as caught:
        get_format("adp").render(ctx, [row], [])
    assert "Ωmega Ng (employee_number Ω12)" in str(caught.value)
    assert "ASCII" in str(caught.value)


@pytest.mark.parametrize("number", ["A12", "1234567", "12-4"])
def test_file_number_must_be_up_to_six_digits(ctx: ExportContext, number: str) -> None:
    row = EmployeeTotals(number, "Ann", "Lee", Decimal("10.00"), regular_seconds=3600)
    with pytest.raises(ExportError, match=rf"Ann Lee \(employee_number {number}\).*6 digits"):
        get_format("adp").render(ctx, [row], [])


def test_employee_without_hours_is_never_validated(ctx: ExportContext) -> None:
    row = EmployeeTotals("not-a-number", "Ann", "Lee", Decimal("10.00"))
    assert get_format("adp").render(ctx, [row], []) == HEADER


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"adp_company_code": None}, "needs the organization's ADP company code"),
        ({"adp_company_code": "ABCD"}, "2 or 3 letters or digits"),
        ({"adp_company_code": "A,"}, "does not accept ','"),
        ({"adp_batch_id": "123456789"}, "1 to 8 characters"),
        ({"adp_batch_id": "B\\1"}, "does not accept"),
        ({"adp_batch_id": "B{1"}, "does not accept '{'"),
        ({"adp_double_time_code": ""}, "must not be empty"),
        ({"adp_double_time_code": "ДТ"}, "ADP double-time hours code"),
    ],
)
def test_settings_are_validated(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ExportError, match=message):
        get_format("adp").render(dataclasses.replace(ctx, **changes), totals, [])  # type: ignore[arg-type]


def test_filename_validates_suffix(ctx: ExportContext) -> None:
    with pytest.raises(ExportError, match="suffix"):
        get_format("adp").filename(dataclasses.replace(ctx, adp_file_suffix="1"))


def test_text_cells_are_neutralised_against_formulas(
    ctx: ExportContext, totals: Sequence[EmployeeTotals]
) -> None:
    # A paydata file is opened in a spreadsheet to be checked before it is uploaded.
    hostile = dataclasses.replace(ctx, adp_batch_id="=1+1", adp_double_time_code="-D")
    lines = get_format("adp").render(hostile, totals, []).split(b"\r\n")
    assert lines[1:] == [
        b"ABC,'=1+1,000042,40.00,1.50,,",
        b"ABC,'=1+1,000107,30.25,,'-D,2.00",
        b"",
    ]


@pytest.mark.parametrize("batch", ["\r=1+1", "A\nB", "\t@X"])
def test_line_breaks_and_tabs_in_a_setting_are_refused(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], batch: str
) -> None:
    # Fields are unquoted, so a CR or LF would split the record: refused, never written.
    with pytest.raises(ExportError, match="ADP batch id"):
        get_format("adp").render(dataclasses.replace(ctx, adp_batch_id=batch), totals, [])
