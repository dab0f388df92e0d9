"""Overtime alerts: each kind found with hand-computed seconds, at most one per employee, kind
and day/week however often the check runs, the 15-minute scan of open entries (missed
clock-outs), and the signed webhook with its retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from rq import Queue
from rq.registry import ScheduledJobRegistry

from app.models import OutboxMessage, OvertimeAlert
from app.services import outbox
from app.services.overtime import alert_webhooks, overtime_alerts, overtime_settings

LA = ZoneInfo("America/Los_Angeles")
H = 3600


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LA).astimezone(UTC)


@pytest.fixture
def org(make_org, make_employee):
    owner = make_org(timezone="America/Los_Angeles")
    return owner, make_employee(owner)


def alerts(db, employee):
    rows = db.session.scalars(
        sa.select(OvertimeAlert)
        .where(OvertimeAlert.employee_id == employee.id)
        .order_by(OvertimeAlert.period_start, OvertimeAlert.kind)
    )
    return [(a.kind, a.period_start, a.seconds) for a in rows]


def check(owner, employee, *instants, now=None, scan_open=False):
    touched = {employee.id: set(instants)} if employee else {}
    return overtime_alerts.check(
        owner.organization_id, touched, now or local(2026, 11, 23, 12), scan_open=scan_open
    )


def test_daily_overtime_and_double_time_once_each_however_often_checked(db, org, make_entry):
    """California, Mon 06:00-19:37 with a 30-min break: 13 h 07 min worked → 5 h 07 min past
    8 h (18,420 s), of which 1 h 07 min past 12 h (4,020 s)."""
    owner, employee = org
    overtime_settings.put_settings(owner, {"rule": "california"})
    make_entry(employee, local(2026, 11, 16, 6), local(2026, 11, 16, 19, 37), break_seconds=1800)
    first = check(owner, employee, local(2026, 11, 16, 6))
    assert len(first) == 2
    expected = [
        ("DAILY_OVERTIME", date(2026, 11, 16), 18420),
        ("DOUBLE_TIME", date(2026, 11, 16), 4020),
    ]
    assert alerts(db, employee) == expected
    assert check(owner, employee, local(2026, 11, 16, 6)) == []
    assert check(owner, employee, local(2026, 11, 16, 12)) == []
    assert alerts(db, employee) == expected
    messages = db.session.scalars(sa.select(OvertimeAlert.details)).all()
    assert {"message": "5.12 h past the daily overtime threshold."} in messages


def test_approaching_then_weekly_overtime_under_flsa(db, org, make_entry):
    """FLSA, 90 %: 4 x 9 h + 1 h = 37 h ≥ 36 h → approaching (37 h counted). Friday's 4 more
    hours make 41 h: weekly overtime of 3,600 s; the approaching alert stays, once."""
    owner, employee = org
    for day in range(16, 20):
        make_entry(employee, local(2026, 11, day, 8), local(2026, 11, day, 17))
    make_entry(employee, local(2026, 11, 20, 8), local(2026, 11, 20, 9))
    check(owner, employee, local(2026, 11, 20, 8))
    assert alerts(db, employee) == [("APPROACHING_WEEKLY_OVERTIME", date(2026, 11, 16), 37 * H)]
    make_entry(employee, local(2026, 11, 20, 10), local(2026, 11, 20, 14))
    check(owner, employee, local(2026, 11, 20, 10))
    assert alerts(db, employee) == [
        ("APPROACHING_WEEKLY_OVERTIME", date(2026, 11, 16), 37 * H),
        ("WEEKLY_OVERTIME", date(2026, 11, 16), H),
    ]


def test_seventh_day_and_short_rest(db, org, make_entry):
    """California: seven 5-hour days (30 h by Saturday: no daily overtime, not yet 90 % of
    40 h) → SEVENTH_DAY on Sunday (5 h). Saturday ends 22:00 and Sunday starts 07:00: 9 h of
    rest → SHORT_REST on Sunday."""
    owner, employee = org
    overtime_settings.put_settings(owner, {"rule": "california"})
    for day in range(16, 21):
        make_entry(employee, local(2026, 11, day, 9), local(2026, 11, day, 14))
    make_entry(employee, local(2026, 11, 21, 17), local(2026, 11, 21, 22))
    make_entry(employee, local(2026, 11, 22, 7), local(2026, 11, 22, 12))
    check(owner, employee, local(2026, 11, 22, 7))
    assert alerts(db, employee) == [
        ("SEVENTH_DAY", date(2026, 11, 22), 5 * H),
        ("SHORT_REST", date(2026, 11, 22), 9 * H),
    ]


def test_an_open_entry_counts_up_to_now(db, org, make_entry):
    """Clocked in since 06:00 with a (finished) break from 10:00 to 10:30: at 15:00 that is
    8 h 30 min worked, 30 min past California's 8 h."""
    from app.models import Break

    owner, employee = org
    overtime_settings.put_settings(owner, {"rule": "california"})
    entry = make_entry(employee, local(2026, 11, 18, 6))
    db.session.add(
        Break(
            organization_id=owner.organization_id,
            time_entry_id=entry.id,
            employee_id=employee.id,
            started_at=local(2026, 11, 18, 10),
            ended_at=local(2026, 11, 18, 10, 30),
        )
    )
    db.session.commit()
    check(owner, None, now=local(2026, 11, 18, 15), scan_open=True)
    assert alerts(db, employee) == [("DAILY_OVERTIME", date(2026, 11, 18), 1800)]


def test_missed_clock_out_after_shift_end_or_14_hours(db, org, make_employee, make_entry):
    from app.models import Shift

    owner, employee = org
    shifted = make_employee(owner)
    forgot = make_entry(employee, local(2026, 11, 18, 6))  # no shift: due at 20:00
    shift = Shift(
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        employee_id=shifted.id,
        starts_at=local(2026, 11, 18, 7),
        ends_at=local(2026, 11, 18, 15),
    )
    db.session.add(shift)
    db.session.commit()
    make_entry(shifted, local(2026, 11, 18, 7), shift_id=shift.id)  # due at 17:00
    check(owner, None, now=local(2026, 11, 18, 16, 59), scan_open=True)
    assert alerts(db, shifted) == [] and alerts(db, employee) == []
    check(owner, None, now=local(2026, 11, 18, 17), scan_open=True)
    assert alerts(db, shifted) == [("MISSED_CLOCK_OUT", date(2026, 11, 18), 10 * H)]
    assert alerts(db, employee) == []
    check(owner, None, now=local(2026, 11, 18, 20), scan_open=True)
    check(owner, None, now=local(2026, 11, 18, 21), scan_open=True)
    assert alerts(db, employee) == [("MISSED_CLOCK_OUT", date(2026, 11, 18), 14 * H)]
    row = db.session.scalars(
        sa.select(OvertimeAlert).where(OvertimeAlert.employee_id == employee.id)
    ).one()
    assert row.time_entry_id == forgot.id


def test_the_scan_asks_one_check_per_organization_clocked_in(
    app, db, org, make_org, make_employee, make_entry, run_jobs, queued
):
    from app.jobs.overtime import scan_open_entries

    owner, employee = org
    make_entry(employee, datetime.now(UTC) - timedelta(hours=15))
    idle = make_org(name="Idle")
    make_entry(make_employee(idle), datetime.now(UTC) - timedelta(hours=3), datetime.now(UTC))
    assert scan_open_entries()["organizations"] >= 1
    scans = db.session.scalars(
        sa.select(OutboxMessage.organization_id).where(
            OutboxMessage.topic == "alerts.check", OutboxMessage.processed_at.is_(None)
        )
    ).all()
    assert owner.organization_id in scans and idle.organization_id not in scans
    run_jobs()
    assert [a[0] for a in alerts(db, employee)] == ["MISSED_CLOCK_OUT"]


class Receiver(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(Receiver.answers.pop(0) if Receiver.answers else 204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _scheduled_webhook_jobs(redis_conn):
    """Jobs waiting for a retry, without the periodic chain: a process re-registers that at
    most once a minute on its first commit, so whether it shows up here depends on how long
    the tests before this one took."""
    scheduled = ScheduledJobRegistry(queue=Queue("default", connection=redis_conn)).get_job_ids()
    return [job_id for job_id in scheduled if not job_id.startswith("periodic-")]


@pytest.fixture
def receiver():
    Receiver.answers, Receiver.received = [], []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/overtime"
    server.shutdown()


def test_webhook_delivery_is_signed_and_retried_with_backoff(
    app, db, org, make_entry, receiver, redis_conn, run_jobs, monkeypatch
):
    # The receiver is plain http on 127.0.0.1: only the development flag allows that.
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", True)
    owner, employee = org
    secret = "s3cret-s3cret-s3cret"
    alert_webhooks.put_config(owner, {"url": receiver, "secret": secret, "active": True})
    overtime_settings.put_settings(owner, {"rule": "california"})
    db.session.commit()
    make_entry(employee, local(2026, 11, 16, 8), local(2026, 11, 16, 18))
    Receiver.answers = [500]
    check(owner, employee, local(2026, 11, 16, 8))
    db.session.commit()  # the check's commit kicks the webhook job
    run_jobs()
    # The receiver failed: the job waits for its retry (10 s), the alert is not notified.
    retry = _scheduled_webhook_jobs(redis_conn)
    assert len(retry) == 1 and len(Receiver.received) == 1
    assert db.session.scalar(sa.select(OvertimeAlert.notified_at)) is None
    # A new message meanwhile does not start a second job: the flag names the retried one.
    outbox.publish("alerts.webhook", owner.organization_id)
    db.session.commit()
    assert Queue("default", connection=redis_conn).count == 0
    overtime_jobs = __import__("app.jobs.overtime", fromlist=["deliver_webhooks"])
    assert overtime_jobs.deliver_webhooks(str(owner.organization_id)) == {"delivered": 1}
    headers, body = Receiver.received[-1]
    timestamp = headers["X-Fieldclock-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-Fieldclock-Signature"] == "sha256=" + expected.hexdigest()
    payload = json.loads(body)
    assert payload["organization_id"] == str(owner.organization_id)
    assert [(a["kind"], a["seconds"], a["period_start"]) for a in payload["alerts"]] == [
        ("DAILY_OVERTIME", 2 * H, "2026-11-16")
    ]
    assert db.session.scalar(sa.select(OvertimeAlert.notified_at)) is not None
    assert overtime_jobs.deliver_webhooks(str(owner.organization_id)) == {"delivered": 0}


def test_a_webhook_host_resolving_to_an_internal_address_fails_like_an_unreachable_one(
    app, db, org, make_entry, receiver, redis_conn, run_jobs, monkeypatch
):
    """The URL passed the checks when it was set (a hostname), but the name now resolves to the
    local receiver's address: nothing is sent, the job fails and waits for its retry like any
    failed delivery, the alert stays unsent."""
    from rq.job import Job

    owner, employee = org
    port = int(receiver.split(":")[2].split("/")[0])
    real = socket.getaddrinfo

    def rebound(host, *args, **kwargs):
        if host == "hooks.example.com":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", ("127.0.0.1", port))
            ]
        return real(host, *args, **kwargs)

    alert_webhooks.put_config(
        owner, {"url": f"https://hooks.example.com:{port}/hooks/overtime", "secret": "x" * 16}
    )
    overtime_settings.put_settings(owner, {"rule": "california"})
    db.session.commit()
    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    make_entry(employee, local(2026, 11, 16, 8), local(2026, 11, 16, 18))
    check(owner, employee, local(2026, 11, 16, 8))
    db.session.commit()
    run_jobs()
    retry = _scheduled_webhook_jobs(redis_conn)
    assert len(retry) == 1
    error = Job.fetch(retry[0], connection=redis_conn).meta["error"]
    assert error.startswith("WebhookDestinationRefused: webhook host hooks.example.com resolves")
    assert Receiver.received == []
    assert db.session.scalar(sa.select(OvertimeAlert.notified_at)) is None
