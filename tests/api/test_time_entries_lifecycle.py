"""The time-entry lifecycle of API.md: manual entries, half-open overlaps, edits with If-Match
and audit, every transition allowed and refused, self-approval, role scope, Idempotency-Key,
and the rounding/automatic-break rules as the API shows them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine

from app.models import TimeEntry

NOW = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)  # a Wednesday, 15:00 in New York


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def team(make_org, make_employee):
    """owner; director → manager → worker; payroll; a peer manager with a report of their own."""
    owner = make_org(timezone="America/New_York")
    director = make_employee(owner, role="manager")
    manager = make_employee(owner, role="manager", manager=director)
    worker = make_employee(owner, manager=manager)
    payroll = make_employee(owner, role="payroll")
    peer = make_employee(owner, role="manager")
    stranger = make_employee(owner, manager=peer)
    return {
        "owner": owner,
        "director": director,
        "manager": manager,
        "worker": worker,
        "payroll": payroll,
        "peer": peer,
        "stranger": stranger,
    }


def at(hour: int, minute: int = 0, day: int = 18) -> str:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC).isoformat()


def manual(client, auth, start, end, **fields):
    body = {"started_at": start, "ended_at": end, "note": "forgot to clock", **fields}
    return client.post("/api/v1/time-entries", json=body, headers=auth)


@pytest.fixture
def make_entry(db):
    """make_entry(employee, status, start_hour, end_hour) → a closed TimeEntry row."""

    def make(employee, status="submitted", start=8, end=12, day=18):
        started = datetime(2026, 11, day, start, tzinfo=UTC)
        entry = TimeEntry(
            organization_id=employee.organization_id,
            workspace_id=employee.workspace_id,
            employee_id=employee.id,
            entry_date=started.date(),
            started_at=started,
            ended_at=None if status == "open" else datetime(2026, 11, day, end, tzinfo=UTC),
            paid_started_at=started,
            paid_ended_at=None if status == "open" else datetime(2026, 11, day, end, tzinfo=UTC),
            duration_seconds=0 if status == "open" else (end - start) * 3600,
            worked_seconds=0 if status == "open" else (end - start) * 3600,
            status=status,
            source="clock",
        )
        db.session.add(entry)
        db.session.commit()
        return entry

    return make


# --- manual entries -----------------------------------------------------------------------


def test_a_manual_entry_is_submitted_with_flag_manual(client, team, headers):
    worker = team["worker"]
    response = manual(client, headers(worker.user), at(13), at(17, 30), break_seconds=1800)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["ETag"]
    assert (body["status"], body["source"], body["flags"]) == ("submitted", "manual", ["MANUAL"])
    assert (body["employee_id"], body["entry_date"]) == (str(worker.id), "2026-11-18")
    assert (body["started_at"], body["ended_at"]) == (
        "2026-11-18T13:00:00+00:00",
        "2026-11-18T17:30:00+00:00",
    )
    assert (body["duration_seconds"], body["break_seconds"], body["worked_seconds"]) == (
        16200,
        1800,
        14400,
    )
    assert body["note"] == "forgot to clock"


def test_a_draft_waits_for_submit(client, team, headers, assert_error):
    auth = headers(team["worker"].user)
    draft = manual(client, auth, at(8), at(9), status="draft").get_json()
    assert draft["status"] == "draft"
    submitted = client.post(f"/api/v1/time-entries/{draft['id']}/submit", headers=auth)
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    again = client.post(f"/api/v1/time-entries/{draft['id']}/submit", headers=auth)
    assert_error(again, 409, "INVALID_TRANSITION")


def test_who_enters_time_for_whom(client, team, headers, assert_error):
    worker, stranger = team["worker"], team["stranger"]
    for_report = manual(
        client, headers(team["director"].user), at(8), at(9), employee_id=str(worker.id)
    )
    assert for_report.status_code == 201 and for_report.get_json()["employee_id"] == str(worker.id)
    assert (
        manual(
            client, headers(team["owner"]), at(9), at(10), employee_id=str(worker.id)
        ).status_code
        == 201
    )
    not_visible = manual(client, headers(worker.user), at(8), at(9), employee_id=str(stranger.id))
    assert assert_error(not_visible, 422, "VALIDATION_ERROR")["errors"] == {
        "employee_id": ["No such employee."]
    }
    not_managed = manual(
        client, headers(team["payroll"].user), at(10), at(11), employee_id=str(worker.id)
    )
    assert_error(not_managed, 403, "FORBIDDEN")
    no_employee = manual(client, headers(team["owner"]), at(10), at(11))
    assert "employee_id" in assert_error(no_employee, 422, "VALIDATION_ERROR")["errors"]


@pytest.mark.parametrize(
    ("start", "end", "overlaps"),
    [
        (at(12), at(13), False),  # ends where the existing one starts
        (at(17), at(18), False),  # starts where it ends
        (at(12), at(13, 1), True),
        (at(16, 59), at(18), True),
        (at(14), at(15), True),  # inside
        (at(12), at(18), True),  # around
    ],
)
def test_overlaps_are_half_open(client, team, headers, assert_error, start, end, overlaps):
    auth = headers(team["worker"].user)
    existing = manual(client, auth, at(13), at(17)).get_json()
    response = manual(client, auth, start, end)
    if overlaps:
        body = assert_error(response, 409, "ENTRY_OVERLAP")
        assert body["details"] == {"time_entry_id": existing["id"]}
    else:
        assert response.status_code == 201


def test_open_and_rejected_entries_block_overlaps_other_employees_do_not(
    client, team, headers, assert_error, make_entry
):
    worker = team["worker"]
    auth = headers(worker.user)
    make_entry(worker, "rejected", 8, 10)
    make_entry(worker, "open", 14)
    make_entry(team["stranger"], "submitted", 10, 12)
    assert_error(manual(client, auth, at(9), at(11)), 409, "ENTRY_OVERLAP")
    assert_error(manual(client, auth, at(18), at(19)), 409, "ENTRY_OVERLAP")  # open: no end yet
    assert manual(client, auth, at(10), at(12)).status_code == 201


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ended_at": at(8)}, "ended_at"),  # equal to the start
        ({"ended_at": at(9, day=19)}, "ended_at"),  # longer than 24 hours
        ({"ended_at": at(20, 6)}, "ended_at"),  # more than 5 minutes in the future
        ({"break_seconds": 3600}, "break_seconds"),  # as long as the entry
        ({"break_seconds": -1}, "break_seconds"),
        ({"note": ""}, "note"),
        ({"started_at": "2026-11-18T08:00:00"}, "started_at"),  # no offset
        ({"colour": "red"}, "colour"),
    ],
)
def test_manual_entry_validation(client, team, headers, assert_error, fields, field):
    body = {"started_at": at(8), "ended_at": at(9), "note": "n", **fields}
    response = client.post("/api/v1/time-entries", json=body, headers=headers(team["worker"].user))
    assert field in assert_error(response, 422, "VALIDATION_ERROR")["errors"]


def test_idempotency_key_replays_the_first_response(client, team, headers, assert_error, db):
    auth = {**headers(team["worker"].user), "Idempotency-Key": "manual-1"}
    first = manual(client, auth, at(8), at(9))
    second = manual(client, auth, at(8), at(9))
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert db.session.query(TimeEntry).filter_by(employee_id=team["worker"].id).count() == 1
    assert_error(manual(client, auth, at(10), at(11)), 422, "IDEMPOTENCY_KEY_REUSED")


# --- edits ---------------------------------------------------------------------------------


def test_an_edit_flags_recomputes_and_keeps_old_values_in_the_audit_log(
    client, team, headers, assert_error
):
    worker = team["worker"]
    created = manual(client, headers(worker.user), at(8), at(12)).get_json()
    url = f"/api/v1/time-entries/{created['id']}"
    etag = client.get(url, headers=headers(worker.user)).headers["ETag"]
    edited = client.patch(
        url,
        json={"ended_at": at(12, 30), "break_seconds": 900},
        headers={**headers(team["manager"].user), "If-Match": etag},
    )
    assert edited.status_code == 200, edited.get_json()
    body = edited.get_json()
    assert body["flags"] == ["MANUAL", "EDITED"]
    assert (body["duration_seconds"], body["break_seconds"], body["worked_seconds"]) == (
        16200,
        900,
        15300,
    )
    assert body["status"] == "submitted"
    stale = client.patch(
        url, json={"note": "x"}, headers={**headers(worker.user), "If-Match": etag}
    )
    assert_error(stale, 412, "PRECONDITION_FAILED")
    logs = client.get(
        f"/api/v1/audit-logs?entity_type=time_entries&entity_id={created['id']}&action=UPDATE",
        headers=headers(team["owner"]),
    ).get_json()
    assert logs[0]["old_values"]["ended_at"] == "2026-11-18T12:00:00+00:00"
    assert logs[0]["new_values"]["ended_at"] == "2026-11-18T12:30:00+00:00"
    assert logs[0]["old_values"]["worked_seconds"] == 14400
    assert logs[0]["old_values"]["flags"] == ["MANUAL"]


def test_edit_rules(client, team, headers, assert_error, make_entry):
    worker = team["worker"]
    auth = headers(worker.user)
    entry = manual(client, auth, at(8), at(10)).get_json()
    manual(client, auth, at(10), at(11))
    url = f"/api/v1/time-entries/{entry['id']}"
    assert_error(
        client.patch(url, json={"ended_at": at(10, 30)}, headers=auth), 409, "ENTRY_OVERLAP"
    )
    unchanged = client.patch(url, json={"note": "forgot to clock"}, headers=auth).get_json()
    assert unchanged["flags"] == ["MANUAL"]  # nothing changed: not flagged
    assert_error(
        client.patch(url, json={"note": "x"}, headers=headers(team["payroll"].user)),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.patch(url, json={"note": "x"}, headers=headers(team["peer"].user)), 404, "NOT_FOUND"
    )
    opened = make_entry(worker, "open", 12)
    open_url = f"/api/v1/time-entries/{opened.id}"
    assert_error(
        client.patch(open_url, json={"ended_at": at(13)}, headers=auth), 409, "INVALID_TRANSITION"
    )
    moved = client.patch(open_url, json={"started_at": at(11, 30)}, headers=auth).get_json()
    assert (moved["started_at"], moved["paid_started_at"], moved["status"]) == (
        at(11, 30),
        at(11, 30),
        "open",
    )
    for status in ("approved", "exported", "paid"):
        locked = make_entry(worker, status, 1, 2, day=17)
        response = client.patch(
            f"/api/v1/time-entries/{locked.id}", json={"note": "x"}, headers=auth
        )
        assert_error(response, 409, "ENTRY_LOCKED")


# --- transitions ----------------------------------------------------------------------------

STATUSES = ("draft", "open", "submitted", "approved", "rejected", "exported", "paid")
EXPECTED = {
    "submit": {"draft": "submitted", "rejected": "submitted"},
    "approve": {"submitted": "approved"},
    "reject": {"submitted": "rejected"},
    "reopen": {"approved": "submitted"},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("status", STATUSES)
def test_every_transition_is_allowed_or_refused(
    client, team, headers, assert_error, make_entry, action, status
):
    entry = make_entry(team["worker"], status)
    actor = team["worker"] if action == "submit" else team["manager"]
    body = {"reason": "wrong site"} if action in ("reject", "reopen") else None
    response = client.post(
        f"/api/v1/time-entries/{entry.id}/{action}", json=body, headers=headers(actor.user)
    )
    if status in EXPECTED[action]:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == EXPECTED[action][status]
    elif status in ("approved", "exported", "paid"):
        assert_error(response, 409, "ENTRY_LOCKED")
    else:
        assert_error(response, 409, "INVALID_TRANSITION")


def test_approve_records_who_and_when_and_reopen_clears_it(client, team, headers, make_entry):
    entry = make_entry(team["worker"])
    manager = headers(team["manager"].user)
    approved = client.post(f"/api/v1/time-entries/{entry.id}/approve", headers=manager).get_json()
    assert (approved["approved_by"], approved["approved_at"]) == (
        str(team["manager"].user_id),
        NOW.isoformat(),
    )
    reopened = client.post(
        f"/api/v1/time-entries/{entry.id}/reopen",
        json={"reason": "hours were wrong"},
        headers=manager,
    ).get_json()
    assert (reopened["status"], reopened["approved_by"], reopened["approved_at"]) == (
        "submitted",
        None,
        None,
    )
    logs = client.get(
        f"/api/v1/audit-logs?entity_type=time_entries&entity_id={entry.id}&action=UPDATE",
        headers=headers(team["owner"]),
    ).get_json()
    reasons = [(log["reason"], log["user_id"]) for log in logs if log["reason"]]
    assert reasons == [("hours were wrong", str(team["manager"].user_id))]
    rejected = client.post(
        f"/api/v1/time-entries/{entry.id}/reject", json={"reason": "no site photo"}, headers=manager
    ).get_json()
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "no site photo")


@pytest.mark.parametrize("action", ["reject", "reopen"])
def test_reject_and_reopen_need_a_reason(client, team, headers, assert_error, make_entry, action):
    entry = make_entry(team["worker"], "submitted" if action == "reject" else "approved")
    url = f"/api/v1/time-entries/{entry.id}/{action}"
    manager = headers(team["manager"].user)
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        assert (
            "reason"
            in assert_error(client.post(url, json=body, headers=manager), 422, "VALIDATION_ERROR")[
                "errors"
            ]
        )


def test_nobody_decides_on_their_own_time(
    client, team, make_employee, headers, assert_error, make_entry
):
    manager = team["manager"]
    own = make_entry(manager)
    for action, body in (("approve", None), ("reject", {"reason": "x"})):
        response = client.post(
            f"/api/v1/time-entries/{own.id}/{action}", json=body, headers=headers(manager.user)
        )
        assert_error(response, 403, "SELF_APPROVAL_FORBIDDEN")
    owner = team["owner"]
    owner_employee = make_employee(owner, email=owner.email, role="owner")
    owners = make_entry(owner_employee)
    assert_error(
        client.post(f"/api/v1/time-entries/{owners.id}/approve", headers=headers(owner)),
        403,
        "SELF_APPROVAL_FORBIDDEN",
    )
    approved = make_entry(manager, "approved", 13, 14)
    reopen = client.post(
        f"/api/v1/time-entries/{approved.id}/reopen",
        json={"reason": "x"},
        headers=headers(manager.user),
    )
    assert_error(reopen, 403, "SELF_APPROVAL_FORBIDDEN")
    by_director = client.post(
        f"/api/v1/time-entries/{own.id}/approve", headers=headers(team["director"].user)
    )
    assert by_director.status_code == 200


def test_who_may_decide(client, team, headers, assert_error, make_entry):
    entry = make_entry(team["worker"])
    url = f"/api/v1/time-entries/{entry.id}/approve"
    assert_error(client.post(url, headers=headers(team["worker"].user)), 403, "FORBIDDEN")
    assert_error(client.post(url, headers=headers(team["payroll"].user)), 403, "FORBIDDEN")
    assert_error(client.post(url, headers=headers(team["peer"].user)), 404, "NOT_FOUND")
    assert client.post(url, headers=headers(team["director"].user)).status_code == 200  # transitive
    other = make_entry(team["stranger"])
    assert (
        client.post(
            f"/api/v1/time-entries/{other.id}/approve", headers=headers(team["owner"])
        ).status_code
        == 200
    )


def test_an_approved_entry_is_locked_until_reopened(
    client, team, headers, assert_error, make_entry
):
    worker = team["worker"]
    entry = make_entry(worker)
    manager = headers(team["manager"].user)
    client.post(f"/api/v1/time-entries/{entry.id}/approve", headers=manager)
    url = f"/api/v1/time-entries/{entry.id}"
    assert_error(client.patch(url, json={"note": "x"}, headers=manager), 409, "ENTRY_LOCKED")
    client.post(f"{url}/reopen", json={"reason": "fix the end"}, headers=manager)
    edited = client.patch(url, json={"ended_at": at(11)}, headers=manager)
    assert edited.status_code == 200 and edited.get_json()["worked_seconds"] == 3 * 3600


def test_other_tenants_entries_are_404(
    client, team, make_org, make_employee, headers, assert_error, make_entry
):
    globex = make_org("Globex")
    theirs = make_entry(make_employee(globex))
    owner = headers(team["owner"])
    for action in ("approve", "submit"):
        assert_error(
            client.post(f"/api/v1/time-entries/{theirs.id}/{action}", headers=owner),
            404,
            "NOT_FOUND",
        )
    assert_error(
        client.patch(f"/api/v1/time-entries/{theirs.id}", json={"note": "x"}, headers=owner),
        404,
        "NOT_FOUND",
    )
    assert_error(
        client.post(f"/api/v1/time-entries/{uuid.uuid4()}/approve", headers=owner), 404, "NOT_FOUND"
    )


# --- rules through the API ------------------------------------------------------------------


def test_rounding_and_automatic_break_on_a_manual_entry(client, team, headers):
    settings = {
        "rounding": {"minutes": 15, "in_mode": "up", "out_mode": "down"},
        "auto_break": {"after_hours": "6.00", "minutes": 30},
    }
    assert (
        client.put(
            "/api/v1/settings/time", json=settings, headers=headers(team["owner"])
        ).status_code
        == 200
    )
    response = manual(client, headers(team["worker"].user), at(7, 52), at(16, 7), break_seconds=600)
    body = response.get_json()
    assert (body["started_at"], body["ended_at"]) == (at(7, 52), at(16, 7))
    assert (body["paid_started_at"], body["paid_ended_at"]) == (at(8), at(16))
    assert (body["duration_seconds"], body["break_seconds"], body["auto_break_seconds"]) == (
        28800,
        1800,
        1200,
    )
    assert body["worked_seconds"] == 27000
    short = manual(client, headers(team["worker"].user), at(17, 1), at(19, 59)).get_json()
    assert (short["paid_started_at"], short["paid_ended_at"], short["auto_break_seconds"]) == (
        at(17, 15),
        at(19, 45),
        0,
    )


def test_time_entries_list_filter_by_status_after_decisions(client, team, headers, make_entry):
    first, second = (
        make_entry(team["worker"], start=8, end=9),
        make_entry(team["worker"], start=10, end=11),
    )
    manager = headers(team["manager"].user)
    client.post(f"/api/v1/time-entries/{first.id}/approve", headers=manager)
    client.post(f"/api/v1/time-entries/{second.id}/reject", json={"reason": "dup"}, headers=manager)
    listed = client.get(
        "/api/v1/time-entries?status=rejected", headers=headers(team["worker"].user)
    ).get_json()
    assert [e["id"] for e in listed] == [str(second.id)]
    assert listed[0]["worked_seconds"] == 3600
