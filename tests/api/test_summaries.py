"""`GET /summaries/weekly` (hours as 2-place strings, visibility, filters) and
`POST /summaries/weekly/recompute` → 202 {job_id}, run by a worker."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

CHICAGO = ZoneInfo("America/Chicago")


def local(d, hh, mm=0):
    return datetime(2026, 11, d, hh, mm, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture
def org(make_org, make_employee):
    owner = make_org(timezone="America/Chicago")
    manager = make_employee(owner, role="manager")
    report = make_employee(owner, manager=manager, hourly_rate=Decimal("18.25"))
    return owner, manager, report, make_employee(owner, role="payroll")


def test_recompute_then_read_the_week(client, headers, org, make_entry, redis_conn, run_jobs):
    """FLSA: Mon-Thu 10 h (30-min breaks, 9.5 h worked) + Fri 4 h 45 min = 42.75 h worked:
    40 regular, 2.75 overtime. Pay at 18.25: 730.00 + 2.75 x 27.375 = 75.28125 → 75.28;
    gross 805.28. Breaks 4 x 0.5 = 2.00 h; Friday's entry is flagged."""
    owner, manager, report, payroll = org
    for day in (16, 17, 18, 19):
        make_entry(report, local(day, 7), local(day, 17), break_seconds=1800)
    make_entry(report, local(20, 8), local(20, 12, 45), flags=["LATE"])
    response = client.post(
        "/api/v1/summaries/weekly/recompute",
        json={"week_start": "2026-11-18"},
        headers=headers(payroll.user),
    )
    assert response.status_code == 202
    job_id = response.get_json()["job_id"]
    assert client.get(f"/api/v1/jobs/{job_id}", headers=headers(owner)).get_json()["status"] == (
        "queued"
    )
    run_jobs()
    rows = client.get(
        "/api/v1/summaries/weekly?week_start=2026-11-16", headers=headers(manager.user)
    ).get_json()
    assert rows == [
        {
            "employee_id": str(report.id),
            "week_start": "2026-11-16",
            "regular_hours": "40.00",
            "overtime_hours": "2.75",
            "double_time_hours": "0.00",
            "break_hours": "2.00",
            "worked_hours": "42.75",
            "gross_pay": "805.28",
            "currency": "USD",
            "entries": 5,
            "flagged_entries": 1,
            "approved": True,
            "hourly_rate": "18.25",
            "regular_pay": "730.00",
            "overtime_pay": "75.28",
            "double_time_pay": "0.00",
            "regular_seconds": 144000,
            "overtime_seconds": 9900,
            "double_time_seconds": 0,
            "break_seconds": 7200,
            "worked_seconds": 153900,
            "computed_at": rows[0]["computed_at"],
        }
    ]
    assert client.get("/api/v1/jobs/" + job_id, headers=headers(owner)).get_json()["result"] == {
        "week_start": "2026-11-18",
        "rows": 1,
    }


def test_who_sees_which_summaries(client, headers, org, make_employee, make_entry, run_jobs):
    owner, manager, report, payroll = org
    outsider = make_employee(owner)
    make_entry(report, local(16, 8), local(16, 12))
    make_entry(outsider, local(16, 8), local(16, 12))
    client.post(
        "/api/v1/summaries/weekly/recompute",
        json={"week_start": "2026-11-16"},
        headers=headers(owner),
    )
    run_jobs()

    def seen(user, query=""):
        response = client.get(f"/api/v1/summaries/weekly{query}", headers=headers(user))
        return sorted(row["employee_id"] for row in response.get_json())

    assert seen(payroll.user) == sorted([str(report.id), str(outsider.id)])
    assert seen(manager.user) == [str(report.id)]
    assert seen(outsider.user) == [str(outsider.id)]
    assert seen(owner, f"?employee_id={report.id}") == [str(report.id)]
    assert seen(owner, "?week_start=2026-11-23") == []


def test_recompute_needs_payroll_or_admin_and_a_date(client, headers, org, assert_error):
    _, manager, _, payroll = org
    url = "/api/v1/summaries/weekly/recompute"
    body = {"week_start": "2026-11-16"}
    assert_error(client.post(url, json=body, headers=headers(manager.user)), 403, "FORBIDDEN")
    assert_error(
        client.post(url, json={"week_start": "16/11/2026"}, headers=headers(payroll.user)),
        422,
        "VALIDATION_ERROR",
    )
