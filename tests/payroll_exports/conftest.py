"""Shared rows for the payroll_exports tests: one small, hand-checked period.

Period 2026-11-16 (Monday) to 2026-11-29, USD, organization timezone America/Chicago (UTC-6 then).

Totals (hand-computed pay, used by the exact-bytes tests):
- 0005 Kim Lee, 20.00/h, no hours: every figure 0.00.
- 0042 José Núñez, 25.50/h, 40 h regular + 1.5 h overtime:
  regular 40 x 25.50 = 1020.00; overtime 1.5 x 25.50 x 1.5 = 57.375 → 57.38 (half-up);
  gross 1077.38.
- 0107 "+Dana" O'Neil, 18.00/h, 30 h 15 min regular + 7201 s double time:
  regular 30.25 x 18.00 = 544.50; double time 7201 s is 2.0003 h, shown as 2.00 and paid as
  2.00 x 18.00 x 2.0 = 72.00 (the row adds up; the exact seconds would give 72.01); gross 616.50.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from payroll_exports import EmployeeTotals, EntryDetail, ExportContext


@pytest.fixture
def ctx() -> ExportContext:
    return ExportContext(
        organization_name="Acme Façades Ltd",
        period_start=date(2026, 11, 16),
        period_end=date(2026, 11, 29),
        currency="USD",
        timezone="America/Chicago",
        adp_company_code="ABC",
        quickbooks_company_name="Acme Facades Ltd",
    )


@pytest.fixture
def totals() -> list[EmployeeTotals]:
    # Deliberately unsorted: every format must order by employee_number itself.
    return [
        EmployeeTotals(
            employee_number="0107",
            first_name="+Dana",
            last_name="O'Neil",
            hourly_rate=Decimal("18.00"),
            regular_seconds=30 * 3600 + 15 * 60,
            double_time_seconds=7201,
        ),
        EmployeeTotals(
            employee_number="0042",
            first_name="José",
            last_name="Núñez",
            hourly_rate=Decimal("25.50"),
            regular_seconds=40 * 3600,
            overtime_seconds=5400,
            gusto_employee_id="5G9934",
        ),
        EmployeeTotals(
            employee_number="0005",
            first_name="Kim",
            last_name="Lee",
            hourly_rate=Decimal("20.00"),
        ),
    ]


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def make_detail() -> Callable[..., EntryDetail]:
    """Factory: an EntryDetail for José Núñez unless overridden; paid times default to raw."""

    def build(**overrides: Any) -> EntryDetail:
        values: dict[str, Any] = {
            "employee_number": "0042",
            "first_name": "José",
            "last_name": "Núñez",
            "work_date": date(2026, 11, 16),
            "started_at": utc(2026, 11, 16, 14, 0),
            "ended_at": utc(2026, 11, 16, 22, 0),
        }
        values.update(overrides)
        values.setdefault("paid_started_at", values["started_at"])
        values.setdefault("paid_ended_at", values["ended_at"])
        return EntryDetail(**values)

    return build


@pytest.fixture
def details(make_detail: Callable[..., EntryDetail]) -> list[EntryDetail]:
    return [
        make_detail(
            work_date=date(2026, 11, 16),
            started_at=utc(2026, 11, 16, 14, 0),
            ended_at=utc(2026, 11, 16, 22, 30, 30),
            paid_started_at=utc(2026, 11, 16, 14, 0),
            paid_ended_at=utc(2026, 11, 16, 22, 30, 30),
            break_seconds=1800,
            worked_seconds=28830,
            regular_seconds=28830,
            task_title="Roof repair",
            note="Ladder\tissue\nfixed",
            flags=["OUTSIDE_GEOFENCE"],
            approver_name="Mia Boss",
            job_name="Acme Corp:Roof",
        ),
        make_detail(
            work_date=date(2026, 11, 17),
            started_at=utc(2026, 11, 17, 14, 0),
            ended_at=utc(2026, 11, 17, 22, 30, 30),
            break_seconds=1800,
            worked_seconds=28830,
            regular_seconds=28830,
            task_title="Roof repair",
            approver_name="Mia Boss",
            job_name="Acme Corp:Roof",
        ),
        make_detail(
            work_date=date(2026, 11, 20),
            started_at=utc(2026, 11, 20, 23, 30),
            ended_at=utc(2026, 11, 21, 0, 0),
            worked_seconds=1800,
            overtime_seconds=1800,
            note='=HYPERLINK("http://x")',
            approver_name="Mia Boss",
        ),
        make_detail(
            work_date=date(2026, 11, 20),
            started_at=utc(2026, 11, 20, 13, 0),
            ended_at=utc(2026, 11, 20, 23, 0),
            paid_started_at=utc(2026, 11, 20, 13, 0),
            paid_ended_at=utc(2026, 11, 20, 23, 0),
            break_seconds=1800,
            worked_seconds=34200,
            regular_seconds=28800,
            overtime_seconds=5400,
            task_title="Roof repair",
            approver_name="Mia Boss",
            job_name="Acme Corp:Roof",
        ),
        make_detail(
            employee_number="0107",
            first_name="+Dana",
            last_name="O'Neil",
            work_date=date(2026, 11, 17),
            started_at=utc(2026, 11, 17, 12, 0),
            ended_at=utc(2026, 11, 18, 0, 30),
            paid_started_at=utc(2026, 11, 17, 12, 0),
            paid_ended_at=utc(2026, 11, 18, 0, 30),
            break_seconds=1800,
            worked_seconds=43200,
            regular_seconds=28800,
            double_time_seconds=14400,
            note="Fixed boiler \N{FIRE}",
            approver_name="=Mallory",
            job_name="Zoë's Café",
        ),
    ]
