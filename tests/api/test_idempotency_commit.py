"""Idempotency-Key: the stored response is committed with the request's work, in one commit.

Before, the view committed its work (and the claim, without a response) and the response was
stored in a second commit: a crash in between kept the punch and lost its answer, and every
retry with the key waited 15 s for 409 IDEMPOTENCY_IN_PROGRESS for 72 hours."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine
from flask import g
from sqlalchemy.exc import OperationalError

from app.models import ClockEvent, IdempotencyKey, TimeEntry
from app.services import idempotency

NOW = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
PLACE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def employee(make_org, make_employee):
    return make_employee(make_org(timezone="America/Chicago"))


def _count(db: Any, model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def _claim(db: Any, key: str) -> IdempotencyKey | None:
    return db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == key))


@pytest.fixture
def commits(db) -> Iterator[list[tuple[int, int, int | None]]]:
    """What each commit of the session holds: (time entries, clock events, the key's status)."""
    seen: list[tuple[int, int, int | None]] = []
    session = db.session()

    def snapshot(_session: Any) -> None:
        if session.in_nested_transaction():
            return  # a savepoint's release, not a commit
        status = session.scalar(
            sa.select(IdempotencyKey.response_status).where(IdempotencyKey.key == "tap-1")
        )
        seen.append((_count(db, TimeEntry), _count(db, ClockEvent), status))

    sa.event.listen(session, "before_commit", snapshot)
    yield seen
    sa.event.remove(session, "before_commit", snapshot)


def _database_gone(*_args: Any, **_kwargs: Any) -> None:
    raise OperationalError("UPDATE idempotency_keys", {}, Exception("server closed the connection"))


def test_the_work_and_its_response_are_committed_together(client, employee, headers, db, commits):
    auth = headers(employee.user)
    commits.clear()
    first = client.post(
        "/api/v1/clock/in", json=PLACE, headers={**auth, "Idempotency-Key": "tap-1"}
    )
    assert first.status_code == 201
    assert commits == [(1, 1, 201)]  # one commit, with the entry, its event and the answer
    assert _claim(db, "tap-1").response_body == first.get_data(as_text=True)
    assert "idempotency_claim" not in g and "idempotency_work" not in g
    commits.clear()
    out = client.post("/api/v1/clock/out", json=PLACE, headers=auth)  # no key: commits itself
    assert out.status_code == 200 and commits == [(1, 2, 201)]


def test_a_refused_punch_is_logged_and_its_error_stored_in_the_same_commit(
    client, employee, headers, db, commits, assert_error
):
    auth = {**headers(employee.user), "Idempotency-Key": "tap-1"}
    commits.clear()
    refused = client.post("/api/v1/clock/out", json=PLACE, headers=auth)
    assert_error(refused, 409, "NOT_CLOCKED_IN")
    assert commits == [(0, 1, 409)]
    event = db.session.scalar(sa.select(ClockEvent))
    assert (event.type, event.decision) == ("out", "rejected")
    replay = client.post("/api/v1/clock/out", json=PLACE, headers=auth)
    assert replay.status_code == 409 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_data() == refused.get_data()
    assert _count(db, ClockEvent) == 1


def test_a_failure_before_the_commit_keeps_neither_work_nor_answer_and_the_retry_runs(
    client, employee, headers, db, monkeypatch, assert_error
):
    auth = {**headers(employee.user), "Idempotency-Key": "tap-1"}
    with monkeypatch.context() as patch:
        patch.setattr(idempotency, "store", _database_gone)
        assert_error(
            client.post("/api/v1/clock/in", json=PLACE, headers=auth), 503, "SERVICE_UNAVAILABLE"
        )
    db.session.rollback()
    assert (_count(db, TimeEntry), _count(db, ClockEvent), _claim(db, "tap-1")) == (0, 0, None)
    monkeypatch.setattr(idempotency, "WAIT_FOR_FIRST", 0.2)  # the old code waited, then 409
    retry = client.post("/api/v1/clock/in", json=PLACE, headers=auth)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry.headers
    assert _count(db, TimeEntry) == 1
    assert _claim(db, "tap-1").response_status == 201


def _stale_claim(db: Any, employee: Any, key: str, age: timedelta) -> None:
    """A claim committed without a response, as the code before this fix could leave it."""
    db.session.add(
        IdempotencyKey(
            id=uuid.uuid4(),
            organization_id=employee.user.organization_id,
            user_id=employee.user.id,
            key=key,
            method="POST",
            path="/api/v1/clock/in",
            request_hash=idempotency.request_hash(
                "POST", "/api/v1/clock/in", json.dumps(PLACE).encode()
            ),
            created_at=NOW - age,
            expires_at=NOW - age + idempotency.KEEP_FOR,
        )
    )
    db.session.commit()


def test_an_abandoned_claim_is_taken_over_and_the_work_answers_for_itself(
    client, employee, headers, db, assert_error
):
    auth = headers(employee.user)
    assert client.post("/api/v1/clock/in", json=PLACE, headers=auth).status_code == 201
    _stale_claim(db, employee, "tap-1", idempotency.ABANDONED_AFTER + timedelta(seconds=1))
    keyed = {**auth, "Idempotency-Key": "tap-1"}
    retry = client.post("/api/v1/clock/in", json=PLACE, headers=keyed)
    assert_error(retry, 409, "ALREADY_CLOCKED_IN")  # the phone learns it is clocked in
    assert "Idempotent-Replayed" not in retry.headers
    replay = client.post("/api/v1/clock/in", json=PLACE, headers=keyed)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_data() == retry.get_data()
    assert _count(db, TimeEntry) == 1 and _count(db, IdempotencyKey) == 1


def test_a_young_claim_without_answer_is_still_waited_for(
    client, employee, headers, db, monkeypatch, assert_error
):
    _stale_claim(db, employee, "tap-1", timedelta(seconds=5))
    monkeypatch.setattr(idempotency, "WAIT_FOR_FIRST", 0.2)
    keyed = {**headers(employee.user), "Idempotency-Key": "tap-1"}
    assert_error(
        client.post("/api/v1/clock/in", json=PLACE, headers=keyed), 409, "IDEMPOTENCY_IN_PROGRESS"
    )
    assert _count(db, TimeEntry) == 0


@pytest.mark.postgres_only
def test_on_postgresql_a_lost_database_before_the_commit_leaves_nothing(
    live, live_people, monkeypatch
):
    """With real commits: the old window (work committed, answer not) no longer exists."""
    from app.extensions import db

    _owner, token, _employee_id = live_people
    keyed = {"Authorization": f"Bearer {token}", "Idempotency-Key": "tap-1"}
    client = live.test_client()
    with monkeypatch.context() as patch:
        patch.setattr(idempotency, "store", _database_gone)
        assert client.post("/api/v1/clock/in", json=PLACE, headers=keyed).status_code == 503
    with live.app_context():
        assert (_count(db, TimeEntry), _count(db, ClockEvent), _claim(db, "tap-1")) == (0, 0, None)
        db.session.rollback()
    monkeypatch.setattr(idempotency, "WAIT_FOR_FIRST", 0.2)
    first = client.post("/api/v1/clock/in", json=PLACE, headers=keyed)
    again = client.post("/api/v1/clock/in", json=PLACE, headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_data() == first.get_data()
    with live.app_context():
        assert (_count(db, TimeEntry), _count(db, ClockEvent)) == (1, 1)
        db.session.rollback()
