"""Payroll exports through the API and the worker: each format's exact bytes for one small,
hand-computed week; only approved entries, the `excluded` counts, entries `exported` then
`paid`; the file with its ETag and Content-Disposition; Idempotency-Key; failures.

The week (America/Chicago, FLSA, 2026-11-16 to 2026-11-22):
- 0042 José Núñez, $25.50: Mon 08:00-18:30 with a 30-min break (10 h), Tue-Fri 08:00-16:00
  (8 h each): 42 h, 40 regular + 2 overtime (Friday's last two hours).
  Pay: 40 x 25.50 = 1020.00; 2 x 25.50 x 1.5 = 76.50; gross 1096.50.
- 0107 Dana O'Neil, $18.00: Wed 09:00-13:15 approved (4.25 h → 76.50), Thu 09:00-12:00
  submitted (left out: unapproved), Fri 09:00- still open (left out: open).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa

from app.models import AuditLog, PayrollExport, TimeEntry
from app.services.payroll import payroll_exports as export_service
from payroll_exports import EmployeeTotals, EntryDetail, ExportContext, render_export

CHICAGO = ZoneInfo("America/Chicago")
PERIOD = {"period_start": "2026-11-16", "period_end": "2026-11-22"}


def local(d, hh, mm=0):
    return datetime(2026, 11, d, hh, mm, tzinfo=CHICAGO).astimezone(UTC)


@pytest.fixture
def week(make_org, make_employee, make_entry, db):
    owner = make_org(name="Acme Façades Ltd", timezone="America/Chicago")
    export_service.put_payroll_settings(
        owner, {"adp_company_code": "ABC", "quickbooks_company_name": "Acme Facades Ltd"}
    )
    db.session.commit()
    payroll = make_employee(owner, role="payroll")
    jose = make_employee(
        owner,
        employee_number="0042",
        first_name="José",
        last_name="Núñez",
        hourly_rate=Decimal("25.50"),
    )
    dana = make_employee(
        owner,
        employee_number="0107",
        first_name="Dana",
        last_name="O'Neil",
        hourly_rate=Decimal("18.00"),
    )
    approved = {"approved_by": owner.id}
    make_entry(jose, local(16, 8), local(16, 18, 30), break_seconds=1800, **approved)
    for day in (17, 18, 19, 20):
        make_entry(jose, local(day, 8), local(day, 16), **approved)
    make_entry(dana, local(18, 9), local(18, 13, 15), **approved)
    make_entry(dana, local(19, 9), local(19, 12), status="submitted")
    make_entry(dana, local(20, 9))
    return owner, payroll


def export(client, headers, user, run_jobs, fmt, **extra):
    response = client.post(
        "/api/v1/payroll-exports", json={**PERIOD, "format": fmt}, headers=headers(user), **extra
    )
    assert response.status_code == 202, response.get_json()
    created = response.get_json()
    assert created["status"] == "queued" and created["job_id"] == created["id"]
    run_jobs()
    body = client.get(f"/api/v1/payroll-exports/{created['id']}", headers=headers(user))
    return body.get_json()


def download(client, headers, user, export_id):
    return client.get(f"/api/v1/payroll-exports/{export_id}/file", headers=headers(user))


CSV = (
    "employee_number,employee_name,period_start,period_end,regular_hours,overtime_hours,"
    "double_time_hours,hourly_rate,regular_pay,overtime_pay,double_time_pay,gross_pay,currency\n"
    "0042,José Núñez,2026-11-16,2026-11-22,40.00,2.00,0.00,25.50,1020.00,76.50,0.00,1096.50,USD\n"
    "0107,Dana O'Neil,2026-11-16,2026-11-22,4.25,0.00,0.00,18.00,76.50,0.00,0.00,76.50,USD\n"
).encode()


def test_csv_export_end_to_end(client, headers, week, db, run_jobs, redis_conn):
    owner, payroll = week
    done = export(client, headers, payroll.user, run_jobs, "csv")
    assert done["status"] == "succeeded" and done["progress"] == 100
    assert (done["row_count"], done["entry_count"], done["error"]) == (2, 6, None)
    assert done["excluded"] == {"unapproved": 1, "open": 1, "already_exported": 0}
    assert done["totals"] == {
        "employees": 2,
        "entries": 6,
        "regular_hours": "44.25",
        "overtime_hours": "2.00",
        "double_time_hours": "0.00",
        "gross_pay": "1173.00",
        "currency": "USD",
    }
    assert done["sha256"] == hashlib.sha256(CSV).hexdigest()
    response = download(client, headers, payroll.user, done["id"])
    assert response.status_code == 200 and response.data == CSV
    assert response.headers["ETag"] == f'"{done["sha256"]}"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=acme-facades-ltd-payroll-2026-11-16_2026-11-22.csv"
    )
    not_modified = client.get(
        f"/api/v1/payroll-exports/{done['id']}/file",
        headers={**headers(owner), "If-None-Match": f'"{done["sha256"]}"'},
    )
    assert not_modified.status_code == 304 and not_modified.data == b""
    statuses = db.session.execute(
        sa.select(TimeEntry.status, TimeEntry.payroll_export_id, sa.func.count())
        .where(TimeEntry.organization_id == owner.organization_id)
        .group_by(TimeEntry.status, TimeEntry.payroll_export_id)
        .order_by(TimeEntry.status)
    ).all()
    export_id = done["id"]
    assert [(s, str(e) if e else None, n) for s, e, n in statuses] == [
        ("exported", export_id, 6),
        ("open", None, 1),
        ("submitted", None, 1),
    ]
    # Confirming pays the entries; confirming again changes nothing.
    confirmed = client.post(f"/api/v1/payroll-exports/{export_id}/confirm", headers=headers(owner))
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    paid = db.session.scalar(
        sa.select(sa.func.count()).where(
            TimeEntry.payroll_export_id == uuid.UUID(export_id), TimeEntry.status == "paid"
        )
    )
    assert paid == 6
    again = client.post(f"/api/v1/payroll-exports/{export_id}/confirm", headers=headers(owner))
    assert again.get_json()["confirmed_at"] == confirmed.get_json()["confirmed_at"]
    # A second export of the period finds nothing left to pay.
    second = export(client, headers, payroll.user, run_jobs, "csv")
    assert (second["row_count"], second["entry_count"]) == (0, 0)
    assert second["excluded"] == {"unapproved": 1, "open": 1, "already_exported": 6}


def test_adp_bytes(client, headers, week, run_jobs, redis_conn):
    _owner, payroll = week
    done = export(client, headers, payroll.user, run_jobs, "adp")
    response = download(client, headers, payroll.user, done["id"])
    assert response.data == (
        b"Co Code,Batch ID,File #,Reg Hours,O/T Hours,Hours 3 Code,Hours 3 Amount\r\n"
        b"ABC,20261122,000042,40.00,2.00,,\r\n"
        b"ABC,20261122,000107,4.25,,,\r\n"
    )
    assert response.headers["Content-Disposition"] == "attachment; filename=EPIABC01.csv"
    assert response.headers["Content-Type"] == "text/csv; charset=us-ascii"


def test_gusto_bytes(client, headers, week, run_jobs, redis_conn):
    _owner, payroll = week
    done = export(client, headers, payroll.user, run_jobs, "gusto")
    assert (
        download(client, headers, payroll.user, done["id"]).data
        == (
            "last_name,first_name,gusto_employee_id,regular_hours,overtime_hours,"
            "double_overtime_hours\r\n"
            "Núñez,José,,40.00,2.00,0.00\r\n"
            "O'Neil,Dana,,4.25,0.00,0.00\r\n"
        ).encode()
    )


def test_quickbooks_iif_bytes(client, headers, week, run_jobs, redis_conn):
    """One TIMEACT line per employee, workday and bucket; Friday splits 6 h regular and 2 h
    overtime; DURATION H:MM; names transliterated; CRLF."""
    _owner, payroll = week
    done = export(client, headers, payroll.user, run_jobs, "quickbooks_iif")
    lines = download(client, headers, payroll.user, done["id"]).data.split(b"\r\n")
    assert lines[:3] == [
        b"!TIMERHDR\tVER\tREL\tCOMPANYNAME\tIMPORTEDBEFORE\tFROMTIMER\tCOMPANYCREATETIME",
        b"TIMERHDR\t8\t0\tAcme Facades Ltd\tN\tY\t",
        b"!TIMEACT\tDATE\tJOB\tEMP\tITEM\tPITEM\tDURATION\tPROJ\tNOTE\tXFERTOPAYROLL\tBILLINGSTATUS",
    ]
    assert lines[3:] == [
        b"TIMEACT\t11/16/26\t\tNunez, Jose\t\tRegular Pay\t10:00\t\t\tY\t0",
        b"TIMEACT\t11/17/26\t\tNunez, Jose\t\tRegular Pay\t8:00\t\t\tY\t0",
        b"TIMEACT\t11/18/26\t\tNunez, Jose\t\tRegular Pay\t8:00\t\t\tY\t0",
        b"TIMEACT\t11/19/26\t\tNunez, Jose\t\tRegular Pay\t8:00\t\t\tY\t0",
        b"TIMEACT\t11/20/26\t\tNunez, Jose\t\tRegular Pay\t6:00\t\t\tY\t0",
        b"TIMEACT\t11/20/26\t\tNunez, Jose\t\tOvertime Rate\t2:00\t\t\tY\t0",
        b"TIMEACT\t11/18/26\t\tO'Neil, Dana\t\tRegular Pay\t4:15\t\t\tY\t0",
        b"",
    ]


def test_xlsx_bytes_are_the_librarys_for_the_same_rows(client, headers, week, run_jobs, redis_conn):
    """The worker's rows equal the hand-written ones: the file is byte for byte the library's."""
    owner, payroll = week
    done = export(client, headers, payroll.user, run_jobs, "xlsx")
    content = download(client, headers, payroll.user, done["id"]).data
    ctx = ExportContext(
        organization_name="Acme Façades Ltd",
        period_start=date(2026, 11, 16),
        period_end=date(2026, 11, 22),
        timezone="America/Chicago",
        adp_company_code="ABC",
        quickbooks_company_name="Acme Facades Ltd",
    )
    totals = [
        EmployeeTotals("0042", "José", "Núñez", Decimal("25.50"), "USD", 40 * 3600, 2 * 3600),
        EmployeeTotals("0107", "Dana", "O'Neil", Decimal("18.00"), "USD", 4 * 3600 + 900),
    ]
    approver = f"{owner.first_name} {owner.last_name}"

    def detail(number, first, last, day, start, end, worked, regular, overtime=0, brk=0):
        return EntryDetail(
            number,
            first,
            last,
            date(2026, 11, day),
            start,
            end,
            start,
            end,
            brk,
            worked,
            regular,
            overtime,
            0,
            approver_name=approver,
        )

    jose = [
        detail("0042", "José", "Núñez", 16, local(16, 8), local(16, 18, 30), 36000, 36000, brk=1800)
    ]
    jose += [
        detail("0042", "José", "Núñez", d, local(d, 8), local(d, 16), 28800, 28800)
        for d in (17, 18, 19)
    ]
    jose.append(
        detail("0042", "José", "Núñez", 20, local(20, 8), local(20, 16), 28800, 21600, 7200)
    )
    dana = [detail("0107", "Dana", "O'Neil", 18, local(18, 9), local(18, 13, 15), 15300, 15300)]
    expected = render_export("xlsx", ctx, totals, jose + dana)
    assert content == expected.content and done["sha256"] == expected.sha256
    summary = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in summary[2]][:2] == ["0042", "José Núñez"]


def test_idempotency_key_replays_the_first_answer(client, headers, week, db, redis_conn):
    owner, payroll = week
    key = {"Idempotency-Key": "export-2026-w47"}
    body = {**PERIOD, "format": "csv"}
    first = client.post(
        "/api/v1/payroll-exports", json=body, headers={**headers(payroll.user), **key}
    )
    again = client.post(
        "/api/v1/payroll-exports", json=body, headers={**headers(payroll.user), **key}
    )
    assert first.status_code == again.status_code == 202
    assert again.headers["Idempotent-Replayed"] == "true" and again.data == first.data
    count = db.session.scalar(
        sa.select(sa.func.count()).where(PayrollExport.organization_id == owner.organization_id)
    )
    assert count == 1


def test_a_format_that_cannot_be_produced_fails_and_exports_nothing(
    client, headers, week, db, run_jobs, redis_conn, assert_error
):
    owner, payroll = week
    export_service.put_payroll_settings(owner, {})  # no ADP company code any more
    db.session.commit()
    done = export(client, headers, payroll.user, run_jobs, "adp")
    assert done["status"] == "failed"
    assert done["error"] == "The ADP export needs the organization's ADP company code (Co Code)."
    assert_error(download(client, headers, payroll.user, done["id"]), 409, "EXPORT_NOT_READY")
    assert_error(
        client.post(f"/api/v1/payroll-exports/{done['id']}/confirm", headers=headers(owner)),
        409,
        "EXPORT_NOT_READY",
    )
    exported = db.session.scalar(
        sa.select(sa.func.count()).where(
            TimeEntry.organization_id == owner.organization_id, TimeEntry.status == "exported"
        )
    )
    assert exported == 0


def test_requests_are_validated_and_scoped(
    client, headers, week, make_org, make_employee, assert_error
):
    owner, payroll = week
    manager = make_employee(owner, role="manager")
    url = "/api/v1/payroll-exports"
    assert_error(
        client.post(url, json={**PERIOD, "format": "csv"}, headers=headers(manager.user)),
        403,
        "FORBIDDEN",
    )
    backwards = {"period_start": "2026-11-22", "period_end": "2026-11-16", "format": "csv"}
    error = assert_error(
        client.post(url, json=backwards, headers=headers(owner)), 422, "VALIDATION_ERROR"
    )
    assert error["errors"] == {"period_end": ["Must not be before period_start."]}
    assert_error(
        client.post(url, json={**PERIOD, "format": "pdf"}, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )
    mine = client.post(url, json={**PERIOD, "format": "csv"}, headers=headers(owner)).get_json()
    stranger = make_org(name="Other")
    for path in ("", "/file"):
        assert_error(
            client.get(f"{url}/{mine['id']}{path}", headers=headers(stranger)), 404, "NOT_FOUND"
        )
    listed = client.get(f"{url}?status=queued", headers=headers(payroll.user)).get_json()
    assert [e["id"] for e in listed] == [mine["id"]]


def test_payroll_settings_round_trip(client, headers, week, assert_error):
    owner, payroll = week
    url = "/api/v1/settings/payroll"
    shown = client.get(url, headers=headers(payroll.user)).get_json()
    assert shown["adp_company_code"] == "ABC" and shown["adp_double_time_code"] == "DT"
    assert shown["quickbooks_overtime_item"] == "Overtime Rate"
    put = client.put(
        url, json={"adp_company_code": "XY", "adp_file_suffix": "07"}, headers=headers(owner)
    )
    assert put.status_code == 200
    assert put.get_json()["adp_company_code"] == "XY"
    assert put.get_json()["quickbooks_company_name"] is None
    assert_error(
        client.put(url, json={"adp_company_code": "TOOLONG"}, headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )


def _entry_audit(db, organization_id):
    """The `time_entries` UPDATE audit rows of one organization's entries, by entity id."""
    rows = db.session.scalars(
        sa.select(AuditLog).where(
            AuditLog.entity_type == "time_entries",
            AuditLog.action == "UPDATE",
            AuditLog.entity_id.in_(
                sa.select(TimeEntry.id).where(TimeEntry.organization_id == organization_id)
            ),
        )
    ).all()
    return rows


def test_export_and_confirm_write_one_audit_row_per_entry(
    client, headers, week, db, run_jobs, redis_conn
):
    owner, payroll = week
    entries = db.session.execute(
        sa.select(TimeEntry.id, TimeEntry.status).where(
            TimeEntry.organization_id == owner.organization_id
        )
    ).all()
    approved = sorted(str(i) for i, status in entries if status == "approved")
    assert len(approved) == 6
    before = {r.id for r in _entry_audit(db, owner.organization_id)}

    done = export(client, headers, payroll.user, run_jobs, "csv")
    assert done["status"] == "succeeded"
    db.session.expire_all()
    claimed = [r for r in _entry_audit(db, owner.organization_id) if r.id not in before]
    assert sorted(str(r.entity_id) for r in claimed) == approved
    assert len({r.id for r in claimed}) == 6
    for row in claimed:
        assert row.old_values == {"status": "approved", "payroll_export_id": None}
        assert row.new_values == {"status": "exported", "payroll_export_id": done["id"]}
        assert row.changes == ["payroll_export_id", "status"]
        assert (row.organization_id, row.workspace_id) == (
            owner.organization_id,
            owner.workspace_id,
        )
        assert (row.source, row.user_id, row.http_method) == ("worker", None, None)
        assert row.request_path and "export" in row.request_path
        assert row.metadata_ == {} and row.reason is None and row.timestamp is not None

    seen = before | {r.id for r in claimed}
    path = f"/api/v1/payroll-exports/{done['id']}/confirm"
    assert client.post(path, headers=headers(owner)).status_code == 200
    db.session.expire_all()
    paid = [r for r in _entry_audit(db, owner.organization_id) if r.id not in seen]
    assert sorted(str(r.entity_id) for r in paid) == approved
    for row in paid:
        assert row.old_values == {"status": "exported"}
        assert row.new_values == {"status": "paid"}
        assert row.changes == ["status"]
        assert (row.source, row.user_id, row.user_email) == ("api", owner.id, owner.email)
        assert (row.request_path, row.http_method) == (path, "POST")

    # Confirming again changes no entry, so it writes no entry audit row.
    seen |= {r.id for r in paid}
    assert client.post(path, headers=headers(owner)).status_code == 200
    db.session.expire_all()
    assert [r for r in _entry_audit(db, owner.organization_id) if r.id not in seen] == []


def test_a_failed_export_leaves_no_entry_audit_rows(
    client, headers, week, db, run_jobs, redis_conn
):
    owner, payroll = week
    before = len(_entry_audit(db, owner.organization_id))
    export_service.put_payroll_settings(owner, {})  # no ADP company code: the job fails
    db.session.commit()
    done = export(client, headers, payroll.user, run_jobs, "adp")
    assert done["status"] == "failed"
    db.session.expire_all()
    assert len(_entry_audit(db, owner.organization_id)) == before
