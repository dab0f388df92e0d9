"""Behaviour of the export rows and money that a mutation run (issue 20, docs/MUTATION.md) found no
test pinning down: negative amounts (the adjustment lines corrections will need), the edges of row
validation with their messages, and the tie-breaks of the detail order.

The pay-line examples use whole multiples of 36 s (0.01 h), where the exact hours and the 2-place
hours are the same number, so they hold whichever of the two a pay line is priced from."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, InvalidRowError
from payroll_exports.money import PayLines, compute_pay, hours, pay_line, round_half_up
from payroll_exports.rows import detail_order


def totals_row(**overrides: object) -> EmployeeTotals:
    values: dict[str, object] = {
        "employee_number": "7",
        "first_name": "Ann",
        "last_name": "Lee",
        "hourly_rate": Decimal("20.00"),
    }
    values.update(overrides)
    return EmployeeTotals(**values)  # type: ignore[arg-type]


# -- negative amounts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(-5400, "-1.50"), (-18, "-0.01"), (-17, "0.00"), (-90, "-0.03"), (-7201, "-2.00")],
)
def test_negative_hours_round_half_away_from_zero(seconds: int, expected: str) -> None:
    assert str(hours(seconds)) == expected


@pytest.mark.parametrize(
    ("seconds", "rate", "multiplier", "expected"),
    [
        (-1800, "10.01", "1", "-5.01"),  # -5.005: half away from zero
        (-3600, "25.50", "1.5", "-38.25"),
        (-18, "1.00", "1", "-0.01"),  # -0.005
        (-36, "0.40", "1", "0.00"),  # -0.004: no negative zero
        (-5400, "25.50", "1.5", "-57.38"),  # -57.375, the mirror of a positive line
        (-180, "12.35", "2.0", "-1.24"),  # -1.235
        # The minus may sit on the rate or the multiplier alone, not only on the hours.
        (1800, "-10.01", "1", "-5.01"),
        (1800, "10.01", "-1", "-5.01"),
        (3600, "-25.50", "-1.5", "38.25"),
    ],
)
def test_negative_pay_lines_mirror_positive_ones(
    seconds: int, rate: str, multiplier: str, expected: str
) -> None:
    amount = pay_line(seconds, Decimal(rate), Decimal(multiplier))
    assert str(amount) == expected
    mirrored = str(pay_line(abs(seconds), abs(Decimal(rate)), abs(Decimal(multiplier))))
    assert mirrored == expected.lstrip("-")


def test_round_half_up_keeps_the_requested_places() -> None:
    assert str(round_half_up(Fraction(-1, 3), 3)) == "-0.333"
    assert str(round_half_up(Fraction(-2, 3), 0)) == "-1"
    assert str(round_half_up(Fraction(0), 2)) == "0.00"


# -- pay lines of a row ------------------------------------------------------------------------


def test_compute_pay_carries_hours_and_rate() -> None:
    pay = compute_pay(
        totals_row(
            hourly_rate=Decimal("18.00"),
            regular_seconds=5400,
            overtime_seconds=36,
            double_time_seconds=7200,
        )
    )
    assert pay == PayLines(
        regular_hours=Decimal("1.50"),
        overtime_hours=Decimal("0.01"),
        double_time_hours=Decimal("2.00"),
        hourly_rate=Decimal("18.00"),
        regular_pay=Decimal("27.00"),
        overtime_pay=Decimal("0.27"),  # 0.01 h x 18.00 x 1.5
        double_time_pay=Decimal("72.00"),
    )
    assert pay.gross_pay == Decimal("99.27")


def test_a_row_of_zero_hours_has_no_hours() -> None:
    assert not compute_pay(totals_row(regular_seconds=17, overtime_seconds=17)).has_hours
    assert compute_pay(totals_row(double_time_seconds=18)).has_hours


# -- row validation edges and messages ---------------------------------------------------------


def test_a_zero_rate_and_zero_multipliers_are_valid() -> None:
    row = totals_row(hourly_rate=Decimal(0), overtime_multiplier=Decimal(0), regular_seconds=3600)
    assert compute_pay(row).gross_pay == Decimal("0.00")


def test_a_one_day_period_is_valid() -> None:
    day = date(2026, 11, 16)
    assert ExportContext("Org", day, day).effective_adp_batch_id == "20261116"


def test_an_entry_may_start_and_end_in_the_same_second(
    make_detail: Callable[..., EntryDetail],
) -> None:
    instant = datetime(2026, 11, 16, 14, tzinfo=UTC)
    detail = make_detail(started_at=instant, ended_at=instant)
    assert (detail.paid_started_at, detail.paid_ended_at) == (instant, instant)


def test_row_error_messages() -> None:
    with pytest.raises(
        InvalidRowError,
        match=r"^Ann Lee \(employee_number 7\): regular_seconds must be a non-negative integer, "
        r"got -1$",
    ):
        totals_row(regular_seconds=-1)
    with pytest.raises(
        InvalidRowError,
        match=r"^Ann Lee \(employee_number 7\): hourly_rate must be a non-negative finite "
        r"Decimal, got Decimal\('-0\.01'\)$",
    ):
        totals_row(hourly_rate=Decimal("-0.01"))
    with pytest.raises(
        InvalidRowError, match=r"^Ann Lee \(employee_number 7\): currency must be an ISO 4217 code$"
    ):
        totals_row(currency="US")
    with pytest.raises(InvalidRowError, match=r"^Ann Lee \(employee_number \): employee_number is"):
        totals_row(employee_number="")
    with pytest.raises(InvalidRowError, match=r"^currency must be an ISO 4217 code, got 'usd'$"):
        ExportContext("Org", date(2026, 11, 1), date(2026, 11, 2), currency="usd")
    with pytest.raises(InvalidRowError, match=r"^unknown timezone 'Mars/Base'$"):
        ExportContext("Org", date(2026, 11, 1), date(2026, 11, 2), timezone="Mars/Base")
    with pytest.raises(
        InvalidRowError, match=r"^period_start 2026-11-02 is after period_end 2026-11-01$"
    ):
        ExportContext("Org", date(2026, 11, 2), date(2026, 11, 1))


def test_entry_error_messages(make_detail: Callable[..., EntryDetail]) -> None:
    owner = r"^José Núñez \(employee_number 0042\) entry on 2026-11-16: "
    naive = datetime(2026, 11, 16, 8)
    with pytest.raises(
        InvalidRowError,
        match=owner + r"paid_ended_at must be a timezone-aware datetime, got datetime\.datetime",
    ):
        make_detail(paid_ended_at=naive)
    detail = make_detail()
    with pytest.raises(InvalidRowError, match=owner + r"ends before it starts$"):
        make_detail(paid_ended_at=detail.paid_started_at - timedelta(seconds=1))
    with pytest.raises(
        InvalidRowError, match=owner + r"break_seconds must be a non-negative integer, got True$"
    ):
        make_detail(break_seconds=True)


# -- the total order of details ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["job_name", "task_title", "note", "approver_name"])
def test_a_missing_text_field_sorts_as_empty_text(
    make_detail: Callable[..., EntryDetail], name: str
) -> None:
    """``None`` sorts before any text, exactly where ``""`` does (it is shown as empty)."""
    missing, empty, text = (make_detail(**{name: value}) for value in (None, "", "A"))
    assert sorted([text, missing], key=detail_order) == [missing, text]
    assert detail_order(missing) == detail_order(empty)


def test_details_with_the_same_start_are_ordered_by_every_other_field(
    make_detail: Callable[..., EntryDetail],
) -> None:
    base = make_detail()
    later_end = make_detail(ended_at=base.ended_at + timedelta(seconds=1))
    more_break = make_detail(break_seconds=60)
    flagged = make_detail(flags=["OUTSIDE_GEOFENCE"])
    assert sorted([later_end, flagged, more_break, base], key=detail_order) == [
        base,
        more_break,
        flagged,
        later_end,
    ]
