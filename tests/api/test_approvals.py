"""The generic approvals queue: rows follow time-entry status by themselves, a manager sees
their reports' requests transitively (never their own), owner/admin all; bulk decisions give
one result per id and one bad id never spoils the others."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Approval, TimeEntry

NOW = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(make_org, make_employee):
    owner = make_org()
    director = make_employee(owner, role="manager")
    manager = make_employee(owner, role="manager", manager=director)
    worker = make_employee(owner, manager=manager)
    peer_worker = make_employee(owner, manager=make_employee(owner, role="manager"))
    payroll = make_employee(owner, role="payroll")
    return owner, director, manager, worker, peer_worker, payroll


def entry_of(client, headers, employee, hour, **fields):
    body = {
        "started_at": datetime(2026, 11, 18, hour, tzinfo=UTC).isoformat(),
        "ended_at": datetime(2026, 11, 18, hour + 1, tzinfo=UTC).isoformat(),
        "note": "by hand",
        **fields,
    }
    response = client.post("/api/v1/time-entries", json=body, headers=headers(employee.user))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def queue(client, auth, query="?status=pending"):
    response = client.get(f"/api/v1/approvals{query}", headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_queue_follows_the_manager_tree(client, team, headers, assert_error):
    owner, director, manager, worker, peer_worker, payroll = team
    worker_entry = entry_of(client, headers, worker, 8)
    manager_entry = entry_of(client, headers, manager, 9)
    peer_entry = entry_of(client, headers, peer_worker, 10)
    mine = queue(client, headers(manager.user))
    assert [(a["module"], a["entity_id"]) for a in mine] == [("time_entries", worker_entry["id"])]
    assert mine[0]["subject_employee_id"] == str(worker.id)
    assert mine[0]["requested_by"] == str(worker.user_id)
    assert mine[0]["payload"]["started_at"] == "2026-11-18T08:00:00+00:00"
    assert {a["entity_id"] for a in queue(client, headers(director.user))} == {
        worker_entry["id"],
        manager_entry["id"],
    }
    everything = {a["entity_id"] for a in queue(client, headers(owner))}
    assert everything == {worker_entry["id"], manager_entry["id"], peer_entry["id"]}
    assert_error(client.get("/api/v1/approvals", headers=headers(worker.user)), 403, "FORBIDDEN")
    assert_error(client.get("/api/v1/approvals", headers=headers(payroll.user)), 403, "FORBIDDEN")
    assert_error(
        client.get("/api/v1/approvals?state=x", headers=headers(owner)), 422, "VALIDATION_ERROR"
    )


def test_decisions_resolve_the_request_and_resubmission_opens_a_new_one(client, team, headers, db):
    _, _, manager, worker, _, _ = team
    first = entry_of(client, headers, worker, 8)
    second = entry_of(client, headers, worker, 10)
    auth = headers(manager.user)
    client.post(f"/api/v1/time-entries/{first['id']}/approve", headers=auth)
    client.post(
        f"/api/v1/time-entries/{second['id']}/reject", json={"reason": "wrong job"}, headers=auth
    )
    assert queue(client, auth) == []
    decided = {a["entity_id"]: a for a in queue(client, auth, "?status=approved")}
    assert set(decided) == {first["id"]}
    assert decided[first["id"]]["decided_by"] == str(manager.user_id)
    assert decided[first["id"]]["decided_at"] == NOW.isoformat()
    rejected = queue(client, auth, "?status=rejected")
    assert [(a["entity_id"], a["reason"]) for a in rejected] == [(second["id"], "wrong job")]
    resubmitted = client.post(
        f"/api/v1/time-entries/{second['id']}/submit", headers=headers(worker.user)
    )
    assert resubmitted.status_code == 200
    assert [a["entity_id"] for a in queue(client, auth)] == [second["id"]]
    rows = db.session.scalars(
        sa.select(Approval.status).where(Approval.entity_id == uuid.UUID(second["id"]))
    ).all()
    assert sorted(rows) == ["pending", "rejected"]


def test_a_soft_deleted_submitted_entry_cancels_its_request(client, team, headers, db):
    _, _, manager, worker, _, _ = team
    made = entry_of(client, headers, worker, 8)
    entry = db.session.get(TimeEntry, uuid.UUID(made["id"]))
    entry.deleted_at = NOW
    db.session.commit()
    assert queue(client, headers(manager.user)) == []
    cancelled = queue(client, headers(manager.user), "?status=cancelled")
    assert [a["entity_id"] for a in cancelled] == [made["id"]]


def test_bulk_decisions_give_one_result_per_id(client, team, headers, assert_error):
    _, _, manager, worker, peer_worker, _ = team
    good = entry_of(client, headers, worker, 8)
    locked = entry_of(client, headers, worker, 10)
    client.post(f"/api/v1/time-entries/{locked['id']}/approve", headers=headers(manager.user))
    draft = entry_of(client, headers, worker, 12, status="draft")
    own = entry_of(client, headers, manager, 8)
    foreign = entry_of(client, headers, peer_worker, 8)
    missing = str(uuid.uuid4())
    ids = [good["id"], locked["id"], draft["id"], own["id"], foreign["id"], missing]
    response = client.post(
        "/api/v1/approvals/time-entries",
        json={"ids": ids, "decision": "approve"},
        headers=headers(manager.user),
    )
    assert response.status_code == 200, response.get_json()
    results = {r["id"]: (r["ok"], r["status"], r["error"]) for r in response.get_json()["results"]}
    assert results == {
        good["id"]: (True, "approved", None),
        locked["id"]: (False, "approved", "ENTRY_LOCKED"),
        draft["id"]: (False, "draft", "INVALID_TRANSITION"),
        own["id"]: (False, "submitted", "SELF_APPROVAL_FORBIDDEN"),
        foreign["id"]: (False, None, "NOT_FOUND"),
        missing: (False, None, "NOT_FOUND"),
    }
    assert [r["id"] for r in response.get_json()["results"]] == ids  # in the order asked
    after = client.get(
        f"/api/v1/time-entries/{good['id']}", headers=headers(worker.user)
    ).get_json()
    assert after["status"] == "approved"


def test_bulk_reject_needs_a_reason_and_records_it(client, team, headers, assert_error):
    _, _, manager, worker, _, _ = team
    one, two = entry_of(client, headers, worker, 8), entry_of(client, headers, worker, 10)
    url = "/api/v1/approvals/time-entries"
    auth = headers(manager.user)
    no_reason = client.post(url, json={"ids": [one["id"]], "decision": "reject"}, headers=auth)
    assert "reason" in assert_error(no_reason, 422, "VALIDATION_ERROR")["errors"]
    for bad in ({"ids": [], "decision": "approve"}, {"ids": [one["id"]], "decision": "maybe"}):
        assert_error(client.post(url, json=bad, headers=auth), 422, "VALIDATION_ERROR")
    body = {"ids": [one["id"], two["id"]], "decision": "reject", "reason": "no photos"}
    results = client.post(url, json=body, headers=auth).get_json()["results"]
    assert [(r["ok"], r["status"]) for r in results] == [(True, "rejected"), (True, "rejected")]
    entry = client.get(f"/api/v1/time-entries/{one['id']}", headers=auth).get_json()
    assert entry["rejection_reason"] == "no photos"
    worker_auth = headers(worker.user)
    assert_error(client.post(url, json=body, headers=worker_auth), 403, "FORBIDDEN")


def test_the_generic_decision_endpoint_goes_through_the_module(client, team, headers, assert_error):
    owner, _, manager, worker, peer_worker, _ = team
    made = entry_of(client, headers, worker, 8)
    request_id = queue(client, headers(manager.user))[0]["id"]
    url = f"/api/v1/approvals/{request_id}/decision"
    decided = client.post(url, json={"decision": "approve"}, headers=headers(manager.user))
    assert decided.status_code == 200, decided.get_json()
    assert (decided.get_json()["status"], decided.get_json()["decided_by"]) == (
        "approved",
        str(manager.user_id),
    )
    entry = client.get(
        f"/api/v1/time-entries/{made['id']}", headers=headers(worker.user)
    ).get_json()
    assert entry["status"] == "approved"
    again = client.post(
        url, json={"decision": "reject", "reason": "x"}, headers=headers(manager.user)
    )
    assert_error(again, 409, "ENTRY_LOCKED")
    theirs = entry_of(client, headers, peer_worker, 8)
    their_request = [a for a in queue(client, headers(owner)) if a["entity_id"] == theirs["id"]]
    other_url = f"/api/v1/approvals/{their_request[0]['id']}/decision"
    refused = client.post(other_url, json={"decision": "approve"}, headers=headers(manager.user))
    assert_error(refused, 404, "NOT_FOUND")


def test_requests_of_modules_without_a_decider_are_listed_but_decided_elsewhere(
    client, team, headers, assert_error, db
):
    owner = team[0]
    request = Approval(
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        module="purchase_orders",
        entity_id=uuid.uuid4(),
        payload_json={"total": "1200.00"},
        requested_by=owner.id,
    )
    db.session.add(request)
    db.session.commit()
    listed = queue(client, headers(owner), "?module=purchase_orders")
    assert [(a["id"], a["payload"]) for a in listed] == [(str(request.id), {"total": "1200.00"})]
    assert queue(client, headers(team[2].user), "?module=purchase_orders") == []  # org-wide only
    response = client.post(
        f"/api/v1/approvals/{request.id}/decision",
        json={"decision": "approve"},
        headers=headers(owner),
    )
    assert_error(response, 409, "NO_APPROVAL_HANDLER")
