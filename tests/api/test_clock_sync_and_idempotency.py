"""Offline sync (ordering, duplicates, independence, LATE_SYNC) and Idempotency-Key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.models import ClockEvent, IdempotencyKey, TimeEntry

NOW = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
PLACE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def employee(make_org, make_employee):
    return make_employee(make_org(timezone="America/Chicago"))


def punch(kind: str, minutes_ago: int, client_id: uuid.UUID | None = None) -> dict:
    return {
        **PLACE,
        "type": kind,
        "client_id": str(client_id or uuid.uuid4()),
        "occurred_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
    }


def test_sync_applies_in_occurred_at_order_and_answers_in_sent_order(client, employee, headers):
    batch = [punch("out", 10), punch("break_end", 100), punch("in", 300), punch("break_start", 130)]
    response = client.post(
        "/api/v1/clock/sync", json={"punches": batch}, headers=headers(employee.user)
    )
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["client_id"] for r in results] == [p["client_id"] for p in batch]
    assert [r["status"] for r in results] == ["accepted"] * 4
    assert len({r["time_entry_id"] for r in results}) == 1
    assert [r["flags"] for r in results] == [[], ["LATE_SYNC"], ["LATE_SYNC"], ["LATE_SYNC"]]
    entry = client.get(
        f"/api/v1/time-entries/{results[0]['time_entry_id']}", headers=headers(employee.user)
    ).get_json()
    assert (entry["duration_seconds"], entry["break_seconds"], entry["worked_seconds"]) == (
        17400,
        1800,
        15600,
    )
    assert entry["source"] == "sync" and entry["status"] == "submitted"
    assert entry["flags"] == ["LATE_SYNC"]


def test_a_bad_punch_never_loses_the_others(client, employee, headers, db):
    batch = [
        punch("in", 60),
        punch("in", 50),
        punch("break_end", 40),
        punch("out", 5),
        {**punch("in", 4), "occurred_at": (NOW + timedelta(minutes=30)).isoformat()},
    ]
    results = client.post(
        "/api/v1/clock/sync", json={"punches": batch}, headers=headers(employee.user)
    ).get_json()["results"]
    assert [(r["status"], r["error"]) for r in results] == [
        ("accepted", None),
        ("rejected", "ALREADY_CLOCKED_IN"),
        ("rejected", "NOT_ON_BREAK"),
        ("accepted", None),
        ("rejected", "TIMESTAMP_OUT_OF_RANGE"),
    ]
    decisions = db.session.scalars(
        sa.select(ClockEvent.decision).where(ClockEvent.employee_id == employee.id)
    ).all()
    assert sorted(decisions) == ["accepted", "accepted", "rejected", "rejected", "rejected"]


def test_a_client_id_already_seen_is_a_duplicate_and_changes_nothing(client, employee, headers, db):
    first_in = punch("in", 60)
    client.post("/api/v1/clock/sync", json={"punches": [first_in]}, headers=headers(employee.user))
    again = client.post(
        "/api/v1/clock/sync",
        json={"punches": [first_in, first_in, punch("out", 1)]},
        headers=headers(employee.user),
    ).get_json()["results"]
    assert [(r["status"], r["error"]) for r in again] == [
        ("duplicate", "DUPLICATE_PUNCH"),
        ("duplicate", "DUPLICATE_PUNCH"),
        ("accepted", None),
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimeEntry)) == 1
    # Also a punch first refused is "seen": resending it does not retry it.
    bad = {**punch("out", 200)}
    client.post("/api/v1/clock/sync", json={"punches": [bad]}, headers=headers(employee.user))
    resent = client.post(
        "/api/v1/clock/sync", json={"punches": [bad]}, headers=headers(employee.user)
    ).get_json()["results"]
    assert resent[0]["status"] == "duplicate"


def test_sync_batch_limits(client, employee, headers, assert_error):
    auth = headers(employee.user)
    assert_error(
        client.post("/api/v1/clock/sync", json={"punches": []}, headers=auth),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.post(
            "/api/v1/clock/sync",
            json={"punches": [punch("in", 1) for _ in range(501)]},
            headers=auth,
        ),
        422,
        "VALIDATION_ERROR",
    )
    body = assert_error(
        client.post("/api/v1/clock/sync", json={"punches": "in"}, headers=auth),
        422,
        "VALIDATION_ERROR",
    )
    assert "punches" in body["errors"]


def test_an_unreadable_punch_is_refused_alone_and_logged(client, employee, headers, db):
    """API.md: one bad punch never loses the others; every punch received is logged."""
    no_time = {k: v for k, v in punch("in", 50).items() if k != "occurred_at"}
    off_earth = {**punch("break_start", 40), "lat": 91}
    text_lat = {**punch("break_end", 30), "lat": "41.88"}  # a JSON string, not a number
    batch = [punch("in", 60), no_time, off_earth, "not a punch", text_lat, punch("out", 10)]
    response = client.post(
        "/api/v1/clock/sync", json={"punches": batch}, headers=headers(employee.user)
    )
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["status"], r["error"]) for r in results] == [
        ("accepted", None),
        ("rejected", "VALIDATION_ERROR"),
        ("rejected", "VALIDATION_ERROR"),
        ("rejected", "VALIDATION_ERROR"),
        ("rejected", "VALIDATION_ERROR"),
        ("accepted", None),
    ]
    assert results[1]["client_id"] == no_time["client_id"]
    assert results[4]["errors"] == {"lat": ["Not a valid number."]}
    assert list(results[1]["errors"]) == ["occurred_at"]
    assert list(results[2]["errors"]) == ["lat"]
    assert results[2]["message"] == "Unreadable punch: lat."
    assert results[3]["client_id"] is None
    entry = db.session.scalars(sa.select(TimeEntry)).one()
    assert entry.status == "submitted" and entry.worked_seconds == 50 * 60

    logged = db.session.execute(
        sa.select(ClockEvent.type, ClockEvent.occurred_at, ClockEvent.lat, ClockEvent.payload)
        .where(ClockEvent.decision == "rejected", ClockEvent.reason == "VALIDATION_ERROR")
        .order_by(ClockEvent.type.is_(None), ClockEvent.type)
    ).all()
    assert [(t, at, lat) for t, at, lat, _ in logged] == [
        ("break_end", NOW - timedelta(minutes=30), None),
        ("break_start", NOW - timedelta(minutes=40), None),
        ("in", None, PLACE["lat"]),
        (None, None, None),
    ]
    assert [payload for *_, payload in logged] == [text_lat, off_earth, no_time, "not a punch"]


def test_a_null_punch_is_refused_alone(client, employee, headers, db):
    """The OpenAPI document says a batch item is a punch or anything else, refused on its
    own; null is such an item (it was a 422 for the whole batch)."""
    response = client.post(
        "/api/v1/clock/sync",
        json={"punches": [None, punch("in", 5)]},
        headers=headers(employee.user),
    )
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert [(r["status"], r["error"]) for r in results] == [
        ("rejected", "VALIDATION_ERROR"),
        ("accepted", None),
    ]
    assert results[0]["errors"] == {"_schema": ["Not an object."]}
    logged = db.session.scalars(
        sa.select(ClockEvent.payload).where(ClockEvent.decision == "rejected")
    ).all()
    assert logged == [None]


def test_idempotency_key_replays_the_first_response(client, employee, headers, db):
    auth = {**headers(employee.user), "Idempotency-Key": "tap-42"}
    first = client.post("/api/v1/clock/in", json=PLACE, headers=auth)
    second = client.post("/api/v1/clock/in", json={"accuracy_m": 8.0, **PLACE}, headers=auth)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimeEntry)) == 1
    key = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == "tap-42"))
    assert key.expires_at - key.created_at == timedelta(hours=72)


def test_idempotency_key_with_another_body_is_422(client, employee, headers, assert_error):
    auth = {**headers(employee.user), "Idempotency-Key": "tap-43"}
    client.post("/api/v1/clock/in", json=PLACE, headers=auth)
    assert_error(
        client.post("/api/v1/clock/in", json={**PLACE, "accuracy_m": 9.0}, headers=auth),
        422,
        "IDEMPOTENCY_KEY_REUSED",
    )


def test_errors_are_replayed_too_and_keys_are_per_user(
    client, make_org, make_employee, headers, assert_error
):
    owner = make_org()
    employee = make_employee(owner)
    auth = {**headers(employee.user), "Idempotency-Key": "tap-44"}
    assert_error(client.post("/api/v1/clock/out", json=PLACE, headers=auth), 409, "NOT_CLOCKED_IN")
    client.post("/api/v1/clock/in", json=PLACE, headers=headers(employee.user))
    replay = client.post("/api/v1/clock/out", json=PLACE, headers=auth)
    assert replay.status_code == 409 and replay.headers["Idempotent-Replayed"] == "true"
    colleague = make_employee(owner)
    other = client.post(
        "/api/v1/clock/in",
        json=PLACE,
        headers={**headers(colleague.user), "Idempotency-Key": "tap-44"},
    )
    assert other.status_code == 201 and "Idempotent-Replayed" not in other.headers


def test_idempotency_key_longer_than_255_is_422(client, employee, headers, assert_error):
    auth = {**headers(employee.user), "Idempotency-Key": "k" * 256}
    assert_error(client.post("/api/v1/clock/in", json=PLACE, headers=auth), 422, "VALIDATION_ERROR")


def test_expired_keys_run_again(client, employee, headers, frozen):
    auth = {**headers(employee.user), "Idempotency-Key": "tap-45"}
    assert client.post("/api/v1/clock/in", json=PLACE, headers=auth).status_code == 201
    client.post("/api/v1/clock/out", json=PLACE, headers=headers(employee.user))
    frozen.move_to(NOW + timedelta(hours=72, seconds=1))
    auth = {**headers(employee.user), "Idempotency-Key": "tap-45"}
    again = client.post("/api/v1/clock/in", json=PLACE, headers=auth)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers


@pytest.mark.parametrize("keyed", [False, True])
def test_an_unreadable_single_punch_is_logged_before_its_422(
    keyed, client, employee, headers, db, assert_error
):
    auth = {**headers(employee.user), **({"Idempotency-Key": "bad-fix"} if keyed else {})}
    body = {**PLACE, "lat": 91, "note": "at the gate"}
    error = assert_error(
        client.post("/api/v1/clock/in", json=body, headers=auth), 422, "VALIDATION_ERROR"
    )
    assert list(error["errors"]) == ["lat"]
    if keyed:  # the replay answers the same and logs nothing more
        replay = client.post("/api/v1/clock/in", json=body, headers=auth)
        assert replay.status_code == 422 and replay.headers["Idempotent-Replayed"] == "true"
    logged = db.session.execute(
        sa.select(
            ClockEvent.type,
            ClockEvent.decision,
            ClockEvent.reason,
            ClockEvent.lat,
            ClockEvent.lon,
            ClockEvent.occurred_at,
            ClockEvent.source,
            ClockEvent.payload,
        )
    ).all()
    assert logged == [
        ("in", "rejected", "VALIDATION_ERROR", None, PLACE["lon"], None, "clock", body)
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimeEntry)) == 0


@pytest.mark.parametrize(
    ("path", "body", "code", "logged"),
    [
        ("out", b'{"lat": 52.5, "lon": ', "MALFORMED_JSON", '{"lat": 52.5, "lon": '),
        ("out", b'{"lat": NaN}', "MALFORMED_JSON", '{"lat": NaN}'),
        ("out", b'{"lat": 52.5\xff}', "MALFORMED_JSON", '{"lat": 52.5\ufffd}'),
        ("out", b'{"note": "a\\u0000b"}', "VALIDATION_ERROR", '{"note": "a\\u0000b"}'),
        # an offline batch that cannot be split into punches: one row, type null
        ("sync", b'{"punches": [{"type": "in", ', "MALFORMED_JSON", '{"punches": [{"type": "in", '),
        ("sync", b'{"punches": []}', "VALIDATION_ERROR", {"punches": []}),
    ],
)
def test_a_body_that_cannot_be_read_is_still_logged(
    path, body, code, logged, client, employee, headers, db, assert_error
):
    """Not JSON, not UTF-8, JSON holding a NUL no column stores, or a batch with no punches:
    what was received is still logged (as its text when it is not storable JSON), with the
    code the phone was answered with."""
    response = client.post(
        f"/api/v1/clock/{path}",
        data=body,
        content_type="application/json",
        headers=headers(employee.user),
    )
    assert_error(response, 400 if code == "MALFORMED_JSON" else 422, code)
    row = db.session.execute(
        sa.select(ClockEvent.type, ClockEvent.source, ClockEvent.reason, ClockEvent.payload)
    ).one()
    payload = logged if isinstance(logged, dict) else {"unreadable_body": logged}
    kind, source = ("out", "clock") if path == "out" else (None, "sync")
    assert tuple(row) == (kind, source, code, payload)
