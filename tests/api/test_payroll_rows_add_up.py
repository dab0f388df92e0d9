"""Every exported row adds up: the issue's week through the API, in every format, with the
weekly summary beside it.

FLSA, $25.00/h, Mon-Fri 2026-11-16..20 each 08:00-16:07:20 (8 h 07 min 20 s, 29,240 s) in
America/Chicago: 146,200 s, 40 h regular and 2,200 s overtime. The overtime shows as 0.61 h and
is paid 0.61 x 25.00 x 1.5 = 22.875 → 22.88 (the exact 0.6111 h would give 22.92); regular
40.00 x 25.00 = 1000.00; gross 1022.88, the weekly summary's gross too.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import TimeEntry
from app.services.payroll import payroll_exports as export_service

CHICAGO = ZoneInfo("America/Chicago")
PERIOD = {"period_start": "2026-11-16", "period_end": "2026-11-22"}


def local(day, hh, mm=0, ss=0):
    return datetime(2026, 11, day, hh, mm, ss, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture
def week(make_org, make_employee, make_entry, db):
    owner = make_org(name="Rows Co", timezone="America/Chicago")
    export_service.put_payroll_settings(
        owner, {"adp_company_code": "RWC", "quickbooks_company_name": "Rows Co"}
    )
    db.session.commit()
    payroll = make_employee(owner, role="payroll")
    worker = make_employee(
        owner, employee_number="0007", first_name="Ada", last_name="Row", hourly_rate=Decimal(25)
    )
    for day in range(16, 21):
        make_entry(worker, local(day, 8), local(day, 16, 7, 20), approved_by=owner.id)
    return owner, payroll


def run_export(client, headers, user, run_jobs, fmt):
    response = client.post(
        "/api/v1/payroll-exports", json={**PERIOD, "format": fmt}, headers=headers(user)
    )
    assert response.status_code == 202, response.get_json()
    created = response.get_json()
    run_jobs()
    done = client.get(f"/api/v1/payroll-exports/{created['id']}", headers=headers(user))
    job = client.get(f"/api/v1/jobs/{created['job_id']}", headers=headers(user))
    assert (done.get_json()["progress"], job.get_json()["progress"]) == (100, 100)
    file = client.get(f"/api/v1/payroll-exports/{created['id']}/file", headers=headers(user))
    assert file.status_code == 200
    # Each format in its own export of the same entries: put them back for the next one.
    db.session.execute(
        sa.update(TimeEntry)
        .where(TimeEntry.status == "exported")
        .values(status="approved", payroll_export_id=None)
    )
    db.session.commit()
    return done.get_json(), file


def test_every_format_prices_the_hours_it_shows(client, headers, week, run_jobs, redis_conn):
    owner, payroll = week
    done, csv = run_export(client, headers, payroll.user, run_jobs, "csv")
    assert csv.data.decode().splitlines()[1] == (
        "0007,Ada Row,2026-11-16,2026-11-22,40.00,0.61,0.00,25.00,1000.00,22.88,0.00,1022.88,USD"
    )
    assert (done["totals"]["overtime_hours"], done["totals"]["gross_pay"]) == ("0.61", "1022.88")

    _, adp = run_export(client, headers, payroll.user, run_jobs, "adp")
    assert adp.data.splitlines()[1] == b"RWC,20261122,000007,40.00,0.61,,"
    _, gusto = run_export(client, headers, payroll.user, run_jobs, "gusto")
    assert gusto.data.decode().splitlines()[1] == "Row,Ada,,40.00,0.61,0.00"

    # IIF carries whole minutes (H:MM), no money: the regular days round cumulatively to exactly
    # 40:00, and the overtime is 0:37 (36.67 min), the nearest minute to the 0.61 h above.
    _, iif = run_export(client, headers, payroll.user, run_jobs, "quickbooks_iif")
    durations = [line.split(b"\t")[5:7] for line in iif.data.split(b"\r\n")[3:-1]]
    assert durations == [
        [b"Regular Pay", b"8:07"],
        [b"Regular Pay", b"8:08"],
        [b"Regular Pay", b"8:07"],
        [b"Regular Pay", b"8:07"],
        [b"Regular Pay", b"7:31"],
        [b"Overtime Rate", b"0:37"],
    ]

    _, xlsx = run_export(client, headers, payroll.user, run_jobs, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert (row["overtime_hours"], row["overtime_pay"], row["gross_pay"]) == (0.61, 22.88, 1022.88)

    recompute = client.post(
        "/api/v1/summaries/weekly/recompute",
        json={"week_start": "2026-11-16"},
        headers=headers(owner),
    )
    assert recompute.status_code == 202
    run_jobs()
    summary = client.get(
        "/api/v1/summaries/weekly?week_start=2026-11-16", headers=headers(owner)
    ).get_json()
    [week_row] = summary if isinstance(summary, list) else summary["items"]
    assert (week_row["overtime_hours"], week_row["gross_pay"]) == ("0.61", "1022.88")


def test_a_second_export_of_a_period_gets_its_own_file_name(
    client, headers, week, run_jobs, redis_conn
):
    _owner, payroll = week
    _, first = run_export(client, headers, payroll.user, run_jobs, "csv")
    _, second = run_export(client, headers, payroll.user, run_jobs, "csv")
    names = [f.headers["Content-Disposition"] for f in (first, second)]
    assert names == [
        "attachment; filename=rows-co-payroll-2026-11-16_2026-11-22.csv",
        "attachment; filename=rows-co-payroll-2026-11-16_2026-11-22-2.csv",
    ]
    _, adp_first = run_export(client, headers, payroll.user, run_jobs, "adp")
    _, adp_second = run_export(client, headers, payroll.user, run_jobs, "adp")
    assert [f.headers["Content-Disposition"] for f in (adp_first, adp_second)] == [
        "attachment; filename=EPIRWC01.csv",
        "attachment; filename=EPIRWC02.csv",
    ]
