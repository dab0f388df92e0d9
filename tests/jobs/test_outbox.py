"""The transactional outbox: a clock-out writes its messages in its own transaction, jobs are
enqueued after the commit and coalesced per organization, and the relay enqueues what is left.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from rq import Queue
from rq.registry import FailedJobRegistry

from app.models import OutboxMessage, OvertimeAlert, TimeSummaryWeekly
from app.services import outbox

INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def crew(make_org, make_employee, make_geofence):
    owner = make_org(timezone="America/Chicago")
    make_geofence(owner)
    return owner, [make_employee(owner) for _ in range(3)]


def pending(db, topic):
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.topic == topic, OutboxMessage.processed_at.is_(None))
        .order_by(OutboxMessage.id)
    ).all()


def shift(client, headers, employee, hours):
    with time_machine.travel(NOW - timedelta(hours=hours), tick=False):
        assert (
            client.post("/api/v1/clock/in", json=INSIDE, headers=headers(employee.user)).status_code
            == 201
        )
    with time_machine.travel(NOW, tick=False):
        out = client.post("/api/v1/clock/out", json=INSIDE, headers=headers(employee.user))
        assert out.status_code == 200
    return out.get_json()["time_entry"]


def test_clock_out_writes_messages_and_one_job_per_topic_and_organization(
    client, headers, db, crew, queued, run_jobs
):
    owner, people = crew
    entries = [shift(client, headers, person, 9) for person in people]
    alerts = pending(db, "alerts.check")
    assert [m.payload["time_entry_id"] for m in alerts] == [e["id"] for e in entries]
    assert alerts[0].payload == {
        "employee_id": str(people[0].id),
        "time_entry_id": entries[0]["id"],
        "started_at": "2026-11-18T05:00:00+00:00",
        "ended_at": "2026-11-18T14:00:00+00:00",
    }
    assert len(pending(db, "summaries.refresh")) == 3
    # Three clock-outs, one job per topic: the flag held by the first job coalesces the rest.
    assert queued() == {
        "alerts": ["app.jobs.overtime.check_alerts"],
        "default": ["app.jobs.summaries.refresh_summaries"],
        "exports": [],
    }
    assert run_jobs() == 2
    assert pending(db, "alerts.check") == [] and pending(db, "summaries.refresh") == []
    summaries = db.session.scalars(
        sa.select(TimeSummaryWeekly).where(
            TimeSummaryWeekly.organization_id == owner.organization_id
        )
    ).all()
    # America/Chicago: the entry 23:00 to 08:00 local crosses midnight: 1 h on Tuesday, 8 on
    # Wednesday; FLSA (the default) counts the week: 9 h regular each.
    assert (
        sorted((s.worked_seconds, s.regular_seconds, s.entries) for s in summaries)
        == [(9 * 3600, 9 * 3600, 1)] * 3
    )
    # FLSA has no daily threshold: no alert for a 9-hour day.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OvertimeAlert)) == 0


def test_a_message_committed_while_a_job_runs_gets_a_job_of_its_own(
    app, db, crew, redis_conn, queued, run_jobs
):
    owner, _people = crew
    org = owner.organization_id
    outbox.publish("alerts.check", org, {})
    db.session.commit()
    assert queued()["alerts"] == ["app.jobs.overtime.check_alerts"]
    # The job starts: it clears the flag before reading; a later message must enqueue again.
    outbox.begin_coalesced_run("alerts.check", org)
    outbox.publish("alerts.check", org, {})
    db.session.commit()
    assert queued()["alerts"] == ["app.jobs.overtime.check_alerts"] * 2
    run_jobs()
    assert pending(db, "alerts.check") == []


def test_relay_enqueues_what_the_commit_could_not_and_not_twice(app, db, crew, redis_conn, queued):
    owner, _people = crew
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        outbox.publish("alerts.check", owner.organization_id, {})
        db.session.flush()  # not committed through the session: no after-commit kick
        db.session.info.pop(outbox.KICKS_KEY)
        db.session.commit()
    assert queued()["alerts"] == []
    with time_machine.travel(NOW, tick=False):
        assert outbox.relay_pending() == 1
        assert outbox.relay_pending() == 0  # the job is queued: not enqueued again
    assert queued()["alerts"] == ["app.jobs.overtime.check_alerts"]
    message = pending(db, "alerts.check")[0]
    db.session.refresh(message)
    assert message.relay_attempts == 1


def test_relay_skips_young_messages_and_gives_up_after_max_relays(app, db, crew, redis_conn):
    owner, _people = crew
    with time_machine.travel(NOW, tick=False):
        outbox.publish("payroll.export", owner.organization_id, {"args": ["x"]}, job_id="job-a")
        db.session.info.pop(outbox.KICKS_KEY)
        db.session.commit()
        assert outbox.relay_pending() == 0  # younger than RELAY_AFTER: the kick's business
    message = pending(db, "payroll.export")[0]
    message.relay_attempts = outbox.MAX_RELAYS - 1
    db.session.commit()
    later = NOW + timedelta(minutes=1)
    assert outbox.relay_pending(now=later) == 1
    db.session.refresh(message)
    assert message.processed_at is not None
    assert message.last_error == f"given up after {outbox.MAX_RELAYS} relays"


def test_single_job_topic_is_unique_and_a_failed_job_is_requeued(app, db, crew, redis_conn):
    owner, _people = crew
    outbox.publish("payroll.export", owner.organization_id, {"args": ["e1"]}, job_id="export-e1")
    db.session.commit()
    exports = Queue("exports", connection=redis_conn)
    assert exports.job_ids == ["export-e1"]
    assert outbox.kick("payroll.export", owner.organization_id, "export-e1", ("e1",)) is False
    job = exports.fetch_job("export-e1")
    assert job.args == ("e1",) and job.meta["organization_id"] == str(owner.organization_id)
    assert job.timeout == 1800 and job.retries_left == 3
    exports.remove(job)
    job.set_status("failed")
    FailedJobRegistry(queue=exports).add(job, exc_string="killed")
    assert outbox.kick("payroll.export", owner.organization_id, "export-e1", ("e1",)) is True
    assert exports.job_ids == ["export-e1"]


def test_a_rolled_back_transaction_enqueues_nothing(app, db, crew, queued):
    owner, _people = crew
    outbox.publish("alerts.check", owner.organization_id, {})
    db.session.rollback()
    db.session.commit()
    assert queued()["alerts"] == []
    assert pending(db, "alerts.check") == []


def test_approving_an_entry_writes_its_messages(
    client, headers, db, make_org, make_employee, make_entry, queued
):
    owner = make_org(timezone="America/Chicago")
    manager = make_employee(owner, role="manager")
    worker = make_employee(owner, manager=manager)
    entry = make_entry(worker, NOW - timedelta(hours=8), NOW, status="submitted")
    response = client.post(
        f"/api/v1/time-entries/{entry.id}/approve", headers=headers(manager.user)
    )
    assert response.status_code == 200, response.get_json()
    for topic in ("alerts.check", "summaries.refresh"):
        [message] = pending(db, topic)
        assert message.payload["time_entry_id"] == str(entry.id)
    assert queued()["alerts"] == ["app.jobs.overtime.check_alerts"]
