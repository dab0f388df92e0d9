"""The ``quickbooks_iif`` format: exact bytes, durations never above 23:59, rounding adds up."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, get_format
from payroll_exports.formats.quickbooks_iif import MAX_LINE_MINUTES, time_activities


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


HEADER = (
    "!TIMERHDR\tVER\tREL\tCOMPANYNAME\tIMPORTEDBEFORE\tFROMTIMER\tCOMPANYCREATETIME\r\n"
    "TIMERHDR\t8\t0\tAcme Facades Ltd\tN\tY\t\r\n"
    "!TIMEACT\tDATE\tJOB\tEMP\tITEM\tPITEM\tDURATION\tPROJ\tNOTE\tXFERTOPAYROLL\tBILLINGSTATUS\r\n"
)


def test_exact_bytes(
    ctx: ExportContext, totals: Sequence[EmployeeTotals], details: Sequence[EntryDetail]
) -> None:
    # José's regular days are 8:00:30 each: cumulative rounding gives 8:01 then 8:00 (961 min
    # for 16:01:00), not 8:01 twice. The shop half hour has no job and sorts before the roof job.
    expected = (
        HEADER + "TIMEACT\t11/16/26\tAcme Corp:Roof\tNunez, Jose\t\tRegular Pay\t8:01\t\t"
        "Roof repair: Ladder issue fixed\tY\t0\r\n"
        "TIMEACT\t11/17/26\tAcme Corp:Roof\tNunez, Jose\t\tRegular Pay\t8:00\t\t"
        "Roof repair\tY\t0\r\n"
        "TIMEACT\t11/20/26\t\tNunez, Jose\t\tOvertime Rate\t0:30\t\t"
        '\'=HYPERLINK("http://x")\tY\t0\r\n'
        "TIMEACT\t11/20/26\tAcme Corp:Roof\tNunez, Jose\t\tRegular Pay\t8:00\t\t"
        "Roof repair\tY\t0\r\n"
        "TIMEACT\t11/20/26\tAcme Corp:Roof\tNunez, Jose\t\tOvertime Rate\t1:30\t\t"
        "Roof repair\tY\t0\r\n"
        "TIMEACT\t11/17/26\tZoe's Cafe\tO'Neil, +Dana\t\tRegular Pay\t8:00\t\t"
        "Fixed boiler ?\tY\t0\r\n"
        "TIMEACT\t11/17/26\tZoe's Cafe\tO'Neil, +Dana\t\tDouble Time Rate\t4:00\t\t"
        "Fixed boiler ?\tY\t0\r\n"
    ).encode("ascii")
    assert get_format("quickbooks_iif").render(ctx, totals, details) == expected


def test_company_create_time_and_item_names_come_from_settings(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    custom = dataclasses.replace(
        ctx, quickbooks_company_create_time="1092174120", quickbooks_regular_item="Hourly\tWage"
    )
    lines = get_format("quickbooks_iif").render(custom, [], [make_detail(regular_seconds=3600)])
    text = lines.decode("ascii").split("\r\n")
    assert text[1] == "TIMERHDR\t8\t0\tAcme Facades Ltd\tN\tY\t1092174120"
    assert text[3] == "TIMEACT\t11/16/26\t\tNunez, Jose\t\tHourly Wage\t1:00\t\t\tY\t0"


def test_more_than_a_day_in_one_bucket_is_split_into_lines_of_at_most_23_59(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    detail = make_detail(
        ended_at=utc(2026, 11, 18, 0, 0),
        worked_seconds=30 * 3600,
        double_time_seconds=30 * 3600,
    )
    body = get_format("quickbooks_iif").render(ctx, [], [detail]).decode("ascii")
    lines = body.split("\r\n")[3:-1]
    assert [line.split("\t")[6] for line in lines] == ["23:59", "6:01"]
    assert all(line.split("\t")[5] == "Double Time Rate" for line in lines)


def test_a_single_bucket_of_exactly_23_59_is_one_line(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    activities = time_activities(ctx, [make_detail(regular_seconds=MAX_LINE_MINUTES * 60)])
    assert [activity.duration for activity in activities] == ["23:59"]


def test_untransliterable_employee_name_fails_naming_the_employee(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    detail = make_detail(
        employee_number="0099", first_name="李", last_name="Wei", regular_seconds=60
    )
    with pytest.raises(ExportError, match=r"employee name of 李 Wei \(employee_number 0099\)"):
        get_format("quickbooks_iif").render(ctx, [], [detail])


def test_missing_company_name_is_an_error(ctx: ExportContext) -> None:
    with pytest.raises(ExportError, match="QuickBooks company name"):
        get_format("quickbooks_iif").render(
            dataclasses.replace(ctx, quickbooks_company_name=None), [], []
        )


def test_notes_are_one_line_and_at_most_1000_characters(
    ctx: ExportContext, make_detail: Callable[..., EntryDetail]
) -> None:
    detail = make_detail(regular_seconds=3600, note="x\r\n" * 600)
    (activity,) = time_activities(ctx, [detail])
    assert len(activity.note) == 1000
    assert not set(activity.note) & {"\t", "\r", "\n"}


_DAY_SECONDS = st.integers(min_value=0, max_value=40 * 3600)


@settings(max_examples=60, deadline=None)
@given(
    days=st.lists(
        st.tuples(st.integers(min_value=0, max_value=13), _DAY_SECONDS, _DAY_SECONDS, _DAY_SECONDS),
        min_size=1,
        max_size=12,
    )
)
def test_lines_never_exceed_23_59_and_add_up_to_the_rounded_total(
    days: list[tuple[int, int, int, int]],
) -> None:
    ctx = ExportContext(
        "Org", date(2026, 11, 16), date(2026, 11, 29), quickbooks_company_name="Org"
    )
    start = utc(2026, 11, 16, 8, 0)
    details = [
        EntryDetail(
            employee_number="1",
            first_name="Ann",
            last_name="Lee",
            work_date=date(2026, 11, 16) + timedelta(days=offset),
            started_at=start + timedelta(days=offset),
            ended_at=start + timedelta(days=offset, seconds=regular + overtime + double),
            paid_started_at=start + timedelta(days=offset),
            paid_ended_at=start + timedelta(days=offset, seconds=regular + overtime + double),
            regular_seconds=regular,
            overtime_seconds=overtime,
            double_time_seconds=double,
        )
        for offset, regular, overtime, double in days
    ]
    activities = time_activities(ctx, details)
    assert all(0 < activity.minutes <= MAX_LINE_MINUTES for activity in activities)
    for index, item in enumerate(("Regular Pay", "Overtime Rate", "Double Time Rate")):
        total_seconds = sum(day[index + 1] for day in days)
        minutes = sum(activity.minutes for activity in activities if activity.payroll_item == item)
        # Half-up of the exact total, independent of how the days were split.
        assert minutes == int(Fraction(total_seconds, 60) + Fraction(1, 2))


def test_settings_and_names_are_neutralised_against_formulas(
    ctx: ExportContext, details: Sequence[EntryDetail]
) -> None:
    # IIF files are opened in a spreadsheet to be checked; every text field is a cell there.
    hostile = dataclasses.replace(
        ctx,
        quickbooks_company_name="=cmd|' /C calc'!A0",
        quickbooks_company_create_time="@SUM(1)",
        quickbooks_regular_item="+Regular",
    )
    entry = dataclasses.replace(details[0], last_name="-Lee", job_name="=Job")
    lines = get_format("quickbooks_iif").render(hostile, [], [entry]).decode().split("\r\n")
    assert lines[1] == "TIMERHDR\t8\t0\t'=cmd|' /C calc'!A0\tN\tY\t'@SUM(1)"
    fields = lines[3].split("\t")
    assert (fields[2], fields[3], fields[5]) == ("'=Job", "'-Lee, Jose", "'+Regular")
