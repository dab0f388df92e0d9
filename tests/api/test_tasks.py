"""Tasks: assignment and scope, every status transition for an employee and for a manager,
progress, subtasks, actual hours from the time entries booked to a task, and the audit log."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
import time_machine

from app.models import Task

NOW = datetime(2026, 11, 19, 3, 0, tzinfo=UTC)  # still 2026-11-18 in New York
STATUSES = ("pending", "in_progress", "on_hold", "completed", "cancelled")
ALLOWED = {
    ("pending", "in_progress"),
    ("pending", "on_hold"),
    ("pending", "completed"),
    ("pending", "cancelled"),
    ("in_progress", "on_hold"),
    ("in_progress", "completed"),
    ("in_progress", "cancelled"),
    ("on_hold", "in_progress"),
    ("on_hold", "completed"),
    ("on_hold", "cancelled"),
    ("completed", "in_progress"),
    ("cancelled", "in_progress"),
    # the same open status again: a progress report
    ("pending", "pending"),
    ("in_progress", "in_progress"),
    ("on_hold", "on_hold"),
}
MANAGERS_ONLY = {("completed", "in_progress"), ("cancelled", "in_progress")} | {
    (status, "cancelled") for status in STATUSES
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def crew(make_org, make_employee):
    owner = make_org(timezone="America/New_York")
    manager = make_employee(owner, role="manager")
    worker = make_employee(owner, manager=manager)
    other = make_employee(owner)
    return owner, manager, worker, other


def create(client, auth, **fields):
    response = client.post("/api/v1/tasks", json={"title": "Fix fence", **fields}, headers=auth)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def make_task(db):
    def make(owner, status="pending", assigned_to=None) -> Task:
        task = Task(
            organization_id=owner.organization_id,
            workspace_id=owner.workspace_id,
            title="T",
            status=status,
            assigned_to=assigned_to.id if assigned_to else None,
        )
        db.session.add(task)
        db.session.commit()
        return task

    return make


def test_create_assign_and_who_sees_what(client, crew, headers, assert_error):
    owner, manager, worker, other = crew
    mgr = headers(manager.user)
    task = create(
        client,
        mgr,
        assigned_to=str(worker.id),
        priority="urgent",
        due_date="2026-11-20",
        estimated_hours="6.50",
    )
    assert (task["status"], task["progress_percent"], task["actual_hours"]) == (
        "pending",
        0,
        "0.00",
    )
    assert (task["assigned_to"], task["assigned_by"]) == (str(worker.id), str(manager.id))
    assert (task["priority"], task["estimated_hours"]) == ("urgent", "6.50")
    pool = create(client, mgr, title="Unassigned")
    theirs = create(client, headers(owner), title="Other crew", assigned_to=str(other.id))
    refused = client.post(
        "/api/v1/tasks", json={"title": "x", "assigned_to": str(other.id)}, headers=mgr
    )
    assert "assigned_to" in assert_error(refused, 422, "VALIDATION_ERROR")["errors"]
    worker_auth = headers(worker.user)
    assert_error(
        client.post("/api/v1/tasks", json={"title": "x"}, headers=worker_auth), 403, "FORBIDDEN"
    )
    assert [t["id"] for t in client.get("/api/v1/tasks", headers=worker_auth).get_json()] == [
        task["id"]
    ]
    mine = client.get("/api/v1/tasks?assigned_to=me&status=pending", headers=worker_auth).get_json()
    assert [t["id"] for t in mine] == [task["id"]]
    assert (
        client.get("/api/v1/tasks?assigned_to=me&status=completed", headers=worker_auth).get_json()
        == []
    )
    assert_error(client.get(f"/api/v1/tasks/{theirs['id']}", headers=worker_auth), 404, "NOT_FOUND")
    seen = {t["id"] for t in client.get("/api/v1/tasks", headers=mgr).get_json()}
    assert seen == {task["id"], pool["id"]}
    assert len(client.get("/api/v1/tasks", headers=headers(owner)).get_json()) == 3
    assert client.get("/api/v1/tasks?assigned_to=me", headers=headers(owner)).get_json() == []
    assert_error(client.get("/api/v1/tasks?assigned_to=you", headers=mgr), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("as_manager", [False, True], ids=["employee", "manager"])
@pytest.mark.parametrize(("old", "new"), list(itertools.product(STATUSES, STATUSES)))
def test_every_status_transition(
    client, crew, headers, assert_error, make_task, old, new, as_manager
):
    owner, manager, worker, _ = crew
    task = make_task(owner, old, assigned_to=worker)
    actor = manager if as_manager else worker
    response = client.post(
        f"/api/v1/tasks/{task.id}/status", json={"status": new}, headers=headers(actor.user)
    )
    if (old, new) in ALLOWED and (as_manager or (old, new) not in MANAGERS_ONLY):
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == new
    elif (old, new) in ALLOWED and new == "cancelled":
        assert_error(response, 403, "FORBIDDEN")  # cancelling is a manager's decision
    else:
        assert_error(response, 409, "INVALID_TRANSITION")


def test_progress_completion_and_reopening(client, crew, headers, assert_error, make_task):
    owner, manager, worker, _ = crew
    task = make_task(owner, assigned_to=worker)
    url = f"/api/v1/tasks/{task.id}/status"
    auth = headers(worker.user)
    started = client.post(url, json={"status": "in_progress", "progress_percent": 40}, headers=auth)
    assert (started.get_json()["status"], started.get_json()["progress_percent"]) == (
        "in_progress",
        40,
    )
    report = client.post(url, json={"status": "in_progress", "progress_percent": 70}, headers=auth)
    assert report.get_json()["progress_percent"] == 70
    bad = client.post(url, json={"status": "in_progress", "progress_percent": 101}, headers=auth)
    assert_error(bad, 422, "VALIDATION_ERROR")
    done = client.post(url, json={"status": "completed"}, headers=auth).get_json()
    assert (done["progress_percent"], done["completed_date"]) == (100, "2026-11-18")
    again = client.post(url, json={"status": "in_progress"}, headers=auth)
    assert_error(again, 409, "INVALID_TRANSITION")
    reopened = client.post(
        url, json={"status": "in_progress", "progress_percent": 90}, headers=headers(manager.user)
    ).get_json()
    assert (reopened["status"], reopened["progress_percent"], reopened["completed_date"]) == (
        "in_progress",
        90,
        None,
    )


def test_only_the_assignee_or_a_manager_moves_a_task(
    client, crew, make_employee, headers, assert_error, make_task
):
    owner, _, worker, other = crew
    task = make_task(owner, assigned_to=worker)
    url = f"/api/v1/tasks/{task.id}/status"
    assert_error(
        client.post(url, json={"status": "in_progress"}, headers=headers(other.user)),
        404,
        "NOT_FOUND",
    )
    payroll = make_employee(owner, role="payroll")
    assert_error(
        client.post(url, json={"status": "in_progress"}, headers=headers(payroll.user)),
        403,
        "FORBIDDEN",
    )
    assert (
        client.post(url, json={"status": "in_progress"}, headers=headers(owner)).status_code == 200
    )


def test_subtasks_and_loops(client, crew, make_org, headers, assert_error):
    _owner, manager, worker, _ = crew
    auth = headers(manager.user)
    parent = create(client, auth, title="Install pump")
    child = create(
        client, auth, title="Dig trench", parent_task_id=parent["id"], assigned_to=str(worker.id)
    )
    grandchild = create(client, auth, title="Rent digger", parent_task_id=child["id"])
    listed = client.get(f"/api/v1/tasks?parent_task_id={parent['id']}", headers=auth).get_json()
    assert [t["id"] for t in listed] == [child["id"]]
    loop = client.patch(
        f"/api/v1/tasks/{parent['id']}", json={"parent_task_id": grandchild["id"]}, headers=auth
    )
    assert "parent_task_id" in assert_error(loop, 422, "VALIDATION_ERROR")["errors"]
    itself = client.patch(
        f"/api/v1/tasks/{parent['id']}", json={"parent_task_id": parent["id"]}, headers=auth
    )
    assert_error(itself, 422, "VALIDATION_ERROR")
    foreign = create(client, headers(make_org("Globex")), title="Theirs")
    elsewhere = client.post(
        "/api/v1/tasks", json={"title": "x", "parent_task_id": foreign["id"]}, headers=auth
    )
    assert "parent_task_id" in assert_error(elsewhere, 422, "VALIDATION_ERROR")["errors"]
    assert_error(client.delete(f"/api/v1/tasks/{parent['id']}", headers=auth), 409, "IN_USE")
    assert client.delete(f"/api/v1/tasks/{grandchild['id']}", headers=auth).status_code == 204


def test_actual_hours_sum_the_entries_booked_to_the_task(client, crew, headers, assert_error):
    _owner, manager, worker, _ = crew
    auth = headers(manager.user)
    task = create(client, auth, assigned_to=str(worker.id))
    other_task = create(client, auth, title="Other")
    worker_auth = headers(worker.user)

    def book(start, end, task_id, **fields):
        body = {"started_at": start, "ended_at": end, "task_id": task_id, "note": "n", **fields}
        response = client.post("/api/v1/time-entries", json=body, headers=worker_auth)
        assert response.status_code == 201, response.get_json()

    book("2026-11-18T13:00:00Z", "2026-11-18T15:00:00Z", task["id"], break_seconds=1800)
    book("2026-11-18T15:00:00Z", "2026-11-18T16:20:00Z", task["id"])
    book("2026-11-18T16:20:00Z", "2026-11-18T17:00:00Z", other_task["id"])
    got = client.get(f"/api/v1/tasks/{task['id']}", headers=worker_auth).get_json()
    assert got["actual_hours"] == "2.83"  # 1:30 + 1:20 = 2 h 50 min = 2.8333…
    listed = {
        t["id"]: t["actual_hours"] for t in client.get("/api/v1/tasks", headers=auth).get_json()
    }
    assert listed == {task["id"]: "2.83", other_task["id"]: "0.67"}
    assert_error(client.delete(f"/api/v1/tasks/{task['id']}", headers=auth), 409, "IN_USE")
    missing = client.post(
        "/api/v1/time-entries",
        json={
            "started_at": "2026-11-18T18:00:00Z",
            "ended_at": "2026-11-18T19:00:00Z",
            "task_id": "00000000-0000-0000-0000-000000000000",
            "note": "n",
        },
        headers=worker_auth,
    )
    assert "task_id" in assert_error(missing, 422, "VALIDATION_ERROR")["errors"]


def test_patch_rules_and_audit(client, crew, headers, assert_error):
    owner, manager, worker, _other = crew
    auth = headers(manager.user)
    task = create(client, auth, assigned_to=str(worker.id))
    url = f"/api/v1/tasks/{task['id']}"
    assert_error(
        client.patch(url, json={"title": "x"}, headers=headers(worker.user)), 403, "FORBIDDEN"
    )
    assert_error(
        client.patch(url, json={"status": "completed"}, headers=auth), 422, "VALIDATION_ERROR"
    )
    etag = client.get(url, headers=auth).headers["ETag"]
    renamed = client.patch(
        url, json={"title": "Fix north fence"}, headers={**auth, "If-Match": etag}
    )
    assert renamed.status_code == 200 and renamed.get_json()["title"] == "Fix north fence"
    stale = client.patch(url, json={"title": "y"}, headers={**auth, "If-Match": etag})
    assert_error(stale, 412, "PRECONDITION_FAILED")
    client.post(f"{url}/status", json={"status": "in_progress"}, headers=headers(worker.user))
    logs = client.get(
        f"/api/v1/audit-logs?entity_type=tasks&entity_id={task['id']}&action=UPDATE",
        headers=headers(owner),
    ).get_json()
    changes = sorted(((log["old_values"], log["new_values"]) for log in logs), key=str)
    assert changes == [
        ({"status": "pending"}, {"status": "in_progress"}),
        ({"title": "Fix fence"}, {"title": "Fix north fence"}),
    ]
    assert {log["user_id"] for log in logs} == {str(manager.user_id), str(worker.user_id)}
