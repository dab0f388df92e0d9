"""Format behaviour that a mutation run (issue 20, docs/MUTATION.md) found no test pinning down:
the registry's decorator, and the exact messages of refusals a payroll clerk reads."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format
from payroll_exports.formats.adp import adp_text
from payroll_exports.formats.quickbooks_iif import time_activities
from payroll_exports.formats.xlsx import DETAIL_HEADER
from payroll_exports.registry import FORMATS, register_format, render_export
from payroll_exports.text import describe_employee, slugify, to_ascii, to_ascii_lossy


@pytest.fixture
def scratch_name() -> Iterator[str]:
    name = "pinned-test-format"
    yield name
    FORMATS.pop(name, None)


def test_register_format_registers_an_instance_named_like_its_key(scratch_name: str) -> None:
    @register_format(scratch_name)
    class Scratch:
        name: str
        media_type = "text/plain"
        file_extension = "txt"

        def filename(self, ctx: ExportContext) -> str:
            return "scratch.txt"

        def render(
            self,
            ctx: ExportContext,
            totals: Sequence[EmployeeTotals],
            details: Sequence[EntryDetail],
        ) -> bytes:
            return b""

    registered = get_format(scratch_name)
    assert type(registered) is Scratch
    assert registered.name == scratch_name
    assert Scratch.name == scratch_name  # on the class, so instance and key cannot disagree
    with pytest.raises(
        ValueError, match=r"^export format 'pinned-test-format' is already registered$"
    ):
        register_format(scratch_name)(Scratch)
    assert type(FORMATS[scratch_name]) is Scratch


def hours_row(number: str, **overrides: object) -> EmployeeTotals:
    values: dict[str, object] = {"regular_seconds": 3600}
    values.update(overrides)
    return EmployeeTotals(number, "Ann", "Lee", Decimal("10.00"), **values)  # type: ignore[arg-type]


def test_adp_file_number_of_exactly_six_digits(ctx: ExportContext) -> None:
    assert get_format("adp").render(ctx, [hours_row("123456")], []).endswith(b"123456,1.00,,,\r\n")


def test_adp_file_number_messages(ctx: ExportContext) -> None:
    with pytest.raises(ExportError) as caught:
        get_format("adp").render(ctx, [hours_row("1234567")], [])
    assert str(caught.value) == (
        "Ann Lee (employee_number 1234567) cannot be exported to ADP: the File # must be the ADP "
        "employee number, at most 6 digits, but the employee number is '1234567'."
    )
    with pytest.raises(ExportError) as caught:
        get_format("adp").render(ctx, [hours_row("Ω12")], [])
    assert str(caught.value) == (
        "The employee number of Ann Lee (employee_number Ω12) is 'Ω12', which contains 'Ω' "
        "(U+03A9) with no ASCII equivalent; this format only accepts ASCII, so correct the "
        "value and export again."
    )


def test_gusto_employee_id_message(ctx: ExportContext) -> None:
    with pytest.raises(ExportError) as caught:
        get_format("gusto").render(ctx, [hours_row("1", gusto_employee_id="12345")], [])
    assert str(caught.value) == (
        "The Gusto employee ID of Ann Lee (employee_number 1) is '12345'; "
        "Gusto employee IDs are 6 letters or digits."
    )


def test_render_export_names_its_format(ctx: ExportContext) -> None:
    exported = render_export("csv", ctx, [hours_row("1")])
    assert (exported.format_name, exported.media_type) == ("csv", "text/csv; charset=utf-8")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"adp_company_code": None},
            "The ADP export needs the organization's ADP company code (Co Code).",
        ),
        (
            {"adp_company_code": 'A,"'},
            "The ADP company code is 'A,\"'; ADP does not accept '\"', ',' in a paydata file.",
        ),
        (
            {"adp_company_code": "A B"},
            "The ADP company code 'A B' must be 2 or 3 letters or digits.",
        ),
        (
            {"adp_company_code": "a{"},
            "The ADP company code is 'a{'; ADP does not accept '{' in a paydata file.",
        ),
        (
            {"adp_batch_id": "B\\1"},
            "The ADP batch id is 'B\\\\1'; ADP does not accept '\\\\' in a paydata file.",
        ),
        ({"adp_batch_id": "123456789"}, "The ADP batch id '123456789' must be 1 to 8 characters."),
        (
            {"adp_double_time_code": ""},
            "The ADP double-time hours code (Hours 3 Code) must not be empty.",
        ),
        (
            {"adp_double_time_code": "D,"},
            "The ADP double-time hours code is 'D,'; ADP does not accept ',' in a paydata file.",
        ),
        (
            {"adp_double_time_code": "DΩ"},
            "The ADP double-time hours code is 'DΩ', which contains 'Ω' (U+03A9) with no ASCII "
            "equivalent; this format only accepts ASCII, so correct the value and export again.",
        ),
    ],
)
def test_adp_settings_messages(ctx: ExportContext, settings: dict[str, str], message: str) -> None:
    with pytest.raises(ExportError) as caught:
        get_format("adp").render(dataclasses.replace(ctx, **settings), [hours_row("1")], [])
    assert str(caught.value) == message


def test_adp_accepts_the_ends_of_its_character_range(ctx: ExportContext) -> None:
    # Space (32) and "z" (122) are the first and last characters ADP takes.
    custom = dataclasses.replace(ctx, adp_company_code="abz", adp_batch_id="B 1")
    assert (
        get_format("adp")
        .render(custom, [hours_row("1")], [])
        .endswith(b"abz,B 1,000001,1.00,,,\r\n")
    )


def test_adp_text_names_the_employee() -> None:
    with pytest.raises(ExportError) as caught:
        adp_text("a,b", field="note", employee="Ann Lee (employee_number 7)")
    assert str(caught.value) == (
        "The note of Ann Lee (employee_number 7) is 'a,b'; ADP does not accept ',' in a "
        "paydata file."
    )
    with pytest.raises(ExportError, match=r"^The note of Ann Lee \(employee_number 7\) is 'Ω'"):
        adp_text("Ω", field="note", employee="Ann Lee (employee_number 7)")


def test_quickbooks_settings_messages(ctx: ExportContext) -> None:
    unnamed = dataclasses.replace(ctx, quickbooks_company_name=None)
    with pytest.raises(ExportError) as caught:
        get_format("quickbooks_iif").render(unnamed, [], [])
    assert str(caught.value) == (
        "The QuickBooks export needs the organization's QuickBooks company name."
    )
    odd_time = dataclasses.replace(ctx, quickbooks_company_create_time="Ω")
    with pytest.raises(ExportError) as caught:
        get_format("quickbooks_iif").render(odd_time, [], [])
    assert str(caught.value) == (
        "The QuickBooks company create time is 'Ω', which contains 'Ω' (U+03A9) with no ASCII "
        "equivalent; this format only accepts ASCII, so correct the value and export again."
    )


@pytest.mark.parametrize(
    ("text", "max_length", "expected"),
    [
        ("  Acme  ", 40, "acme"),
        ("(Acme) & Co.", 40, "acme-co"),
        ("abc def", 4, "abc"),  # cut at the separator: no trailing hyphen
        ("!!!", 40, "fieldclock"),
    ],
)
def test_slugify_trims_separators(text: str, max_length: int, expected: str) -> None:
    assert slugify(text, max_length=max_length) == expected


def test_quickbooks_job_message_names_the_field_and_the_employee(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    # quickbooks_iif._job: the field and the employee in the refusal (mutants 5, 6, 9, 11, 12).
    entry = make_detail(regular_seconds=3600, job_name="Roof\tΩ")
    with pytest.raises(ExportError) as caught:
        time_activities(ctx, [entry])
    assert str(caught.value) == (
        "The customer:job of José Núñez (employee_number 0042) is 'Roof Ω', which contains 'Ω' "
        "(U+03A9) with no ASCII equivalent; this format only accepts ASCII, so correct the value "
        "and export again."
    )


def test_quickbooks_note_joins_distinct_parts_once(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    # quickbooks_iif._note: "; " between parts (mutant 13), a repeated part once (mutant 5).
    day = [
        make_detail(regular_seconds=1800, task_title="Roof", note="ladder"),
        make_detail(regular_seconds=1800, task_title="Roof"),
        make_detail(regular_seconds=1800, task_title="Roof", note="ladder"),
        make_detail(regular_seconds=1800, note="gutter"),
    ]
    [line] = time_activities(ctx, day)
    # In detail_order: same start, so by task title ("" first), then note.
    assert (line.minutes, line.note) == (120, "gutter; Roof; Roof: ladder")


def test_xlsx_flags_are_comma_separated(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    # xlsx._detail_rows: several flags in one cell, ", " between them (mutant 32).
    entry = make_detail(regular_seconds=3600, flags=["OUTSIDE_GEOFENCE", "EDITED"])
    rendered = get_format("xlsx").render(ctx, [], [entry])
    sheet = openpyxl.load_workbook(io.BytesIO(rendered))["Detail"]
    assert sheet.cell(row=2, column=DETAIL_HEADER.index("flags") + 1).value == (
        "OUTSIDE_GEOFENCE, EDITED"
    )


def test_xlsx_missing_text_is_an_empty_cell_not_an_empty_string(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    # xlsx._text: no task, job, flags, approver or note leaves those cells out altogether, so
    # Excel sees them blank (ISBLANK, COUNTA); a zero-length string cell is not blank (mutant 10).
    entry = make_detail(regular_seconds=3600)
    rendered = get_format("xlsx").render(ctx, [], [entry])
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        sheet_xml = package.read("xl/worksheets/sheet2.xml").decode()
    cells = re.findall(r'<c r="([A-Z]+)2"', sheet_xml)
    blank = {"task", "job", "flags", "approver", "note"}
    filled = [name for name in DETAIL_HEADER if name not in blank]
    assert cells == [get_column_letter(DETAIL_HEADER.index(name) + 1) for name in filled]


def test_quickbooks_payroll_item_messages(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    # quickbooks_iif._setting and time_activities: the setting named in both refusals.
    entry = make_detail(regular_seconds=3600)
    with pytest.raises(ExportError) as caught:
        time_activities(dataclasses.replace(ctx, quickbooks_overtime_item="Overtime Ω"), [entry])
    assert str(caught.value) == (
        "The QuickBooks overtime payroll item is 'Overtime Ω', which contains 'Ω' (U+03A9) with "
        "no ASCII equivalent; this format only accepts ASCII, so correct the value and export "
        "again."
    )
    with pytest.raises(ExportError) as caught:
        time_activities(dataclasses.replace(ctx, quickbooks_double_time_item="\t"), [entry])
    assert str(caught.value) == (
        "The QuickBooks export needs the organization's QuickBooks double-time payroll item."
    )


def test_ascii_ends_at_127() -> None:
    # DEL (127) is the last ASCII character; U+0080 is the first that is not.
    assert to_ascii("~\x7f", field="note") == "~\x7f"
    assert to_ascii_lossy("~\x7f\x80") == "~\x7f?"
    with pytest.raises(ExportError) as caught:
        to_ascii("\x80", field="note")
    assert str(caught.value) == (
        "The note is '\\x80', which contains '\\x80' (U+0080) with no ASCII equivalent; this "
        "format only accepts ASCII, so correct the value and export again."
    )


def test_to_ascii_lists_every_character_it_cannot_spell() -> None:
    with pytest.raises(ExportError) as caught:
        to_ascii("∑Ω", field="job", employee="Ann Lee (employee_number 7)")
    assert str(caught.value) == (
        "The job of Ann Lee (employee_number 7) is '∑Ω', which contains 'Ω' (U+03A9), "
        "'∑' (U+2211) with no ASCII equivalent; this format only accepts ASCII, so correct the "
        "value and export again."
    )


def test_an_employee_without_a_name_is_named_by_number() -> None:
    assert describe_employee("7", " ", "") == "employee_number 7"
    assert describe_employee("7", "", "Lee") == "Lee (employee_number 7)"
