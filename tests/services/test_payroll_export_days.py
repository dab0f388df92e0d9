"""The export's buckets from workday totals added up by PostgreSQL (`payroll_export_days`) must
be exactly what the per-interval path (`compute_overtime`) gives, employee by employee, around
the cases that send an employee to the slow path: a period starting mid-week after entries an
earlier export already carried, a night shift across midnight, a workday mixing carried and
other entries. (On SQLite both runs take the per-interval path.)

California, America/Chicago, workweeks from Monday; the period is Wed 2026-11-18 to Sun 11-22.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from app.models import PayrollExport
from app.services.overtime import overtime_settings
from app.services.payroll import payroll_export_data, payroll_export_days

CHICAGO = ZoneInfo("America/Chicago")
H = 3600


def local(d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, d, hh, mm, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture
def export(make_org, make_employee, make_entry, db):
    owner = make_org(timezone="America/Chicago")
    overtime_settings.put_settings(owner, {"rule": "california"})
    people = {
        name: make_employee(owner, employee_number=number, hourly_rate=Decimal("20.00"))
        for name, number in (("plain", "01"), ("context", "02"), ("night", "03"), ("mixed", "04"))
    }
    for day in (18, 19, 20):  # Wed-Fri, 11 h each: 8 regular + 3 daily overtime
        make_entry(people["plain"], local(day, 6), local(day, 17))
    for day in (16, 17):  # Mon-Tue, paid by an earlier export: they fill the weekly 40 h
        make_entry(people["context"], local(day, 6), local(day, 18), status="paid")
    for day in (18, 19, 20, 21):
        make_entry(people["context"], local(day, 7), local(day, 17), break_seconds=1800)
    make_entry(people["night"], local(18, 22), local(19, 7), break_seconds=1800)
    make_entry(people["night"], local(20, 8), local(20, 21))
    make_entry(people["mixed"], local(19, 6), local(19, 12), status="paid")
    make_entry(people["mixed"], local(19, 13), local(19, 20))
    make_entry(people["mixed"], local(20, 6), local(20, 15))
    run = PayrollExport(
        id=uuid.uuid4(),
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        requested_by=owner.id,
        format="csv",
        period_start=date(2026, 11, 18),
        period_end=date(2026, 11, 22),
        status="running",
        job_id="test",
    )
    db.session.add(run)
    db.session.flush()
    return run


def totals(data: payroll_export_data.ExportData) -> dict[str, tuple[int, int, int]]:
    return {
        t.employee_number: (t.regular_seconds, t.overtime_seconds, t.double_time_seconds)
        for t in data.totals
    }


def test_day_totals_agree_with_the_per_interval_path(export, db, monkeypatch):
    savepoint = db.session.begin_nested()
    fast = payroll_export_data.gather(export)
    savepoint.rollback()
    monkeypatch.setattr(payroll_export_days, "bucket_totals", lambda *a, **k: {})
    slow = payroll_export_data.gather(export)
    assert totals(fast) == totals(slow)
    assert fast.entry_count == slow.entry_count == 11
    # Hand-computed: plain, 3 x (8 + 3). Context: Mon-Tue (12 h each) count 16 regular hours
    # already; Wed-Sat are 9.5 h worked each (8 eligible + 1.5 daily overtime): Wed-Fri reach
    # the weekly 40, Saturday's 8 eligible hours are weekly overtime. Mixed: Thursday's carried
    # 7 h lie at hours 6-13 of the day (2 regular, 4 overtime, 1 double), Friday 8 + 1.
    assert totals(fast)["01"] == (24 * H, 9 * H, 0)
    assert totals(fast)["02"] == (24 * H, 4 * 1.5 * H + 8 * H, 0)
    assert totals(fast)["04"] == (10 * H, 5 * H, 1 * H)
