"""Row validation: bad input is refused when the row is built, not deep inside a format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, ExportError, InvalidRowError
from payroll_exports.rows import checked_totals


def totals_row(**overrides: object) -> EmployeeTotals:
    values: dict[str, object] = {
        "employee_number": "1",
        "first_name": "Ann",
        "last_name": "Lee",
        "hourly_rate": Decimal("20.00"),
    }
    values.update(overrides)
    return EmployeeTotals(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "overrides",
    [
        {"regular_seconds": -1},
        {"overtime_seconds": 1.5},
        {"double_time_seconds": True},
        {"hourly_rate": 20.0},
        {"hourly_rate": Decimal("-1")},
        {"hourly_rate": Decimal("NaN")},
        {"overtime_multiplier": Decimal("Infinity")},
        {"currency": "usd"},
        {"employee_number": ""},
    ],
)
def test_employee_totals_rejects_bad_values(overrides: dict[str, object]) -> None:
    with pytest.raises(InvalidRowError):
        totals_row(**overrides)


def test_invalid_row_error_is_a_value_error_naming_the_employee() -> None:
    with pytest.raises(ValueError, match=r"Ann Lee \(employee_number 1\)"):
        totals_row(regular_seconds=-5)


def test_entry_detail_requires_aware_datetimes(make_detail: Callable[..., EntryDetail]) -> None:
    with pytest.raises(InvalidRowError, match="timezone-aware"):
        make_detail(started_at=datetime(2026, 11, 16, 8, 0))


def test_entry_detail_rejects_end_before_start(make_detail: Callable[..., EntryDetail]) -> None:
    detail = make_detail()
    with pytest.raises(InvalidRowError, match="ends before it starts"):
        make_detail(started_at=detail.ended_at, ended_at=detail.started_at)


def test_entry_detail_stores_flags_as_tuple(make_detail: Callable[..., EntryDetail]) -> None:
    detail = make_detail(flags=["A", "B"])
    assert detail.flags == ("A", "B")
    hash(detail)  # frozen rows stay hashable


def test_context_validation() -> None:
    with pytest.raises(InvalidRowError, match="after period_end"):
        ExportContext("Org", date(2026, 11, 30), date(2026, 11, 1))
    with pytest.raises(InvalidRowError, match="timezone"):
        ExportContext("Org", date(2026, 11, 1), date(2026, 11, 2), timezone="Mars/Base")
    ctx = ExportContext("Org", date(2026, 11, 1), date(2026, 11, 14))
    assert ctx.effective_adp_batch_id == "20261114"


def test_checked_totals_sorts_and_refuses_duplicates_and_foreign_currency() -> None:
    ctx = ExportContext("Org", date(2026, 11, 1), date(2026, 11, 14))
    rows = checked_totals(ctx, [totals_row(employee_number="2"), totals_row(employee_number="10")])
    assert [row.employee_number for row in rows] == ["10", "2"]  # code-point order, documented
    with pytest.raises(ExportError, match="employee_number 7 appears twice"):
        checked_totals(ctx, [totals_row(employee_number="7"), totals_row(employee_number="7")])
    with pytest.raises(ExportError, match="paid in EUR but the export is in USD"):
        checked_totals(ctx, [totals_row(currency="EUR")])
