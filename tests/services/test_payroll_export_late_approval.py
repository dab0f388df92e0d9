"""A workweek paid over several exports: each export pays what the week owes with its entries
minus what it owed without them, so the week is paid exactly once, whatever order its entries
were approved in.

America/Chicago, workweeks from Monday; the week of Mon 2026-11-16. Each case runs on the day
totals path (`csv`; PostgreSQL sums the days) and on the per-interval path (`xlsx`, which also
gives each entry-day its line).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db as _db
from app.models import PayrollExport, TimeEntry
from app.services.overtime import overtime_settings
from app.services.payroll import payroll_export_data
from payroll_exports import ExportError

CHICAGO = ZoneInfo("America/Chicago")
H = 3600


def local(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, d, hh, mm, tzinfo=CHICAGO).astimezone(UTC)


def export_of(owner, fmt: str) -> PayrollExport:
    run = PayrollExport(
        id=uuid.uuid4(),
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        requested_by=owner.id,
        format=fmt,
        period_start=date(2026, 11, 16),
        period_end=date(2026, 11, 22),
        status="running",
        job_id="test",
    )
    _db.session.add(run)
    _db.session.flush()
    return run


def buckets(data: payroll_export_data.ExportData) -> tuple[int, int, int]:
    (row,) = data.totals
    return row.regular_seconds, row.overtime_seconds, row.double_time_seconds


def detail_buckets(data: payroll_export_data.ExportData) -> list[tuple[date, int, int, int]]:
    return [
        (d.work_date, d.regular_seconds, d.overtime_seconds, d.double_time_seconds)
        for d in data.details
    ]


def approve(entry: TimeEntry) -> None:
    entry.status = "approved"
    _db.session.flush()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_monday_approved_after_the_rest_of_the_week_was_exported(
    fmt, make_org, make_employee, make_entry, db
):
    owner = make_org(timezone="America/Chicago")
    overtime_settings.put_settings(owner, {"rule": "flsa"})
    worker = make_employee(owner, hourly_rate=Decimal("20.00"))
    monday = make_entry(worker, local(16, 7), local(16, 17), status="submitted")
    for day in (17, 18, 19, 20):  # Tue-Fri, 10 h each
        make_entry(worker, local(day, 7), local(day, 17))

    first = payroll_export_data.gather(export_of(owner, fmt))
    assert first.entry_count == 4
    assert buckets(first) == (40 * H, 0, 0)  # all the week had, then

    approve(monday)
    second = payroll_export_data.gather(export_of(owner, fmt))
    assert second.entry_count == 1
    # The week now holds 50 h: 10 of them are overtime, and 40 regular hours are already paid.
    # Paying Monday by its place in the week (first: regular) would pay 50 regular hours.
    assert buckets(second) == (0, 10 * H, 0)
    if fmt == "xlsx":
        assert detail_buckets(second) == [(date(2026, 11, 16), 0, 10 * H, 0)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_weeks_exports_add_up_to_the_weeks_allocation(
    fmt, make_org, make_employee, make_entry, db
):
    """California, exported in three goes in no particular order: the sum of the exports is the
    allocation of the whole week. Mon 13 h (8 + 4 + 1 double), Tue-Thu 10 h (8 + 2 each),
    Fri 9 h (8 + 1): 40 regular hours by Friday, so Saturday's 6 h are overtime."""
    owner = make_org(timezone="America/Chicago")
    overtime_settings.put_settings(owner, {"rule": "california"})
    worker = make_employee(owner, hourly_rate=Decimal("20.00"))
    spans = {16: (6, 19), 17: (7, 17), 18: (7, 17), 19: (7, 17), 20: (7, 16), 21: (8, 14)}
    entries = {
        day: make_entry(worker, local(day, a), local(day, b), status="submitted")
        for day, (a, b) in spans.items()
    }
    paid = []
    for days in ((18, 21), (16,), (17, 19, 20)):
        for day in days:
            approve(entries[day])
        paid.append(buckets(payroll_export_data.gather(export_of(owner, fmt))))
    total = tuple(sum(column) for column in zip(*paid, strict=True))
    assert total == (40 * H, (4 + 2 * 3 + 1 + 6) * H, 1 * H)
    # Wed and Sat first: 8 + 2 and 6 regular; then Monday: 8 + 4 + 1; then the rest of the
    # week brings the regular hours to 40 (16 + 8 more only), the other 8 regular-eligible
    # hours and Saturday's 6 becoming weekly overtime now.
    assert paid == [(14 * H, 2 * H, 0), (8 * H, 4 * H, 1 * H), (18 * H, 11 * H, 0)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_late_entry_that_would_lower_paid_hours_fails_the_export(
    fmt, make_org, make_employee, make_entry, db
):
    """California: Tue-Sun paid as worked; a 1-hour Monday approved afterwards makes Sunday
    the seventh consecutive workday, whose 8 hours were paid as regular: that week's regular
    hours would go down, which an export cannot say."""
    owner = make_org(timezone="America/Chicago")
    overtime_settings.put_settings(owner, {"rule": "california"})
    worker = make_employee(owner, hourly_rate=Decimal("20.00"))
    monday = make_entry(worker, local(16, 7), local(16, 8), status="submitted")
    for day in (17, 18, 19, 20, 21, 22):
        make_entry(worker, local(day, 9), local(day, 14))
    assert buckets(payroll_export_data.gather(export_of(owner, fmt))) == (30 * H, 0, 0)

    approve(monday)
    with pytest.raises(ExportError, match="below zero"):
        payroll_export_data.gather(export_of(owner, fmt))
