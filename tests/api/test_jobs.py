"""`GET /jobs/{id}`: status, progress, result and error of a tenant's own jobs; other jobs are
404; a job still waiting in the outbox (Redis down) is `queued`. `/readyz` reports the worker
heartbeat without failing on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import redis
from rq import Queue, Worker

from app import jobs
from app.services import job_status, outbox


@pytest.fixture
def org(make_org, make_employee):
    owner = make_org(timezone="America/Chicago")
    return owner, make_employee(owner, role="payroll")


def recompute(client, headers, user, week="2026-11-16"):
    response = client.post(
        "/api/v1/summaries/weekly/recompute", json={"week_start": week}, headers=headers(user)
    )
    assert response.status_code == 202, response.get_json()
    return response.get_json()["job_id"]


def test_a_job_from_queued_to_finished_with_its_result(client, headers, org, redis_conn, run_jobs):
    owner, payroll = org
    job_id = recompute(client, headers, payroll.user)
    queued = client.get(f"/api/v1/jobs/{job_id}", headers=headers(payroll.user)).get_json()
    assert queued["status"] == "queued" and queued["progress"] == 0
    assert queued["result"] is None and queued["error"] is None
    assert queued["enqueued_at"].endswith("+00:00") and queued["started_at"] is None
    assert run_jobs() == 1
    done = client.get(f"/api/v1/jobs/{job_id}", headers=headers(owner)).get_json()
    assert done["status"] == "finished" and done["progress"] == 100
    assert done["result"] == {"week_start": "2026-11-16", "rows": 0}
    assert done["started_at"] <= done["ended_at"]


def test_a_failed_job_shows_its_error(client, headers, org, redis_conn, run_jobs):
    owner, _ = org
    failing = jobs.enqueue(
        "app.jobs.summaries.recompute_week",
        str(owner.organization_id),
        "not-a-date",
        spec=jobs.PERIODIC,  # no retries
        meta={"organization_id": str(owner.organization_id)},
    )
    run_jobs()
    body = client.get(f"/api/v1/jobs/{failing.id}", headers=headers(owner)).get_json()
    assert body["status"] == "failed"
    assert body["error"] == "ValueError: Invalid isoformat string: 'not-a-date'"


def test_other_tenants_and_system_jobs_are_404(
    client, headers, org, make_org, redis_conn, assert_error
):
    owner, payroll = org
    job_id = recompute(client, headers, payroll.user)
    stranger = make_org(name="Other")
    assert_error(client.get(f"/api/v1/jobs/{job_id}", headers=headers(stranger)), 404, "NOT_FOUND")
    system = jobs.enqueue("app.jobs.outbox.relay", spec=jobs.PERIODIC)
    assert_error(client.get(f"/api/v1/jobs/{system.id}", headers=headers(owner)), 404, "NOT_FOUND")
    assert_error(client.get("/api/v1/jobs/no-such-job", headers=headers(owner)), 404, "NOT_FOUND")


def test_employees_cannot_read_jobs(client, headers, org, make_employee, assert_error):
    owner, _ = org
    employee = make_employee(owner)
    assert_error(
        client.get("/api/v1/jobs/anything", headers=headers(employee.user)), 403, "FORBIDDEN"
    )


def test_with_redis_down_a_requested_job_is_queued_in_the_outbox(
    client, headers, org, assert_error
):
    owner, payroll = org
    down = redis.ConnectionError("refused")
    with mock.patch.object(jobs, "fetch_job", side_effect=down):
        with mock.patch("app.services.outbox.kick", side_effect=down):
            job_id = recompute(client, headers, payroll.user)
        body = client.get(f"/api/v1/jobs/{job_id}", headers=headers(owner)).get_json()
        assert body["status"] == "queued" and body["progress"] == 0
        unknown = client.get("/api/v1/jobs/unknown", headers=headers(owner))
    outbox.breaker.reset()
    assert_error(unknown, 503, "SERVICE_UNAVAILABLE")


def test_readyz_reports_the_worker_heartbeat_but_does_not_fail_on_it(client, redis_conn):
    for stale in Worker.all(connection=redis_conn):
        stale.register_death()
    body = client.get("/readyz").get_json()
    assert body == {"database": "ok", "redis": "ok", "worker": "none: no worker heartbeat in 90 s"}
    worker = Worker([Queue("alerts", connection=redis_conn)], connection=redis_conn)
    worker.register_birth()
    try:
        response = client.get("/readyz")
        assert response.status_code == 200 and response.get_json()["worker"] == "ok"
        later = datetime.now(UTC) + timedelta(seconds=91)
        assert job_status.worker_state(now=later).startswith("none")
    finally:
        worker.register_death()
