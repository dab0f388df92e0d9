"""Real concurrency against PostgreSQL: one open entry per employee and Idempotency-Key hold
when 20 requests arrive at once, and each punch is logged. These tests commit for real, then
empty the tables."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

PLACE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}
THREADS = 20


def _fire(app: Flask, headers: dict[str, str]) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    responses: list[Any] = [None] * THREADS

    def call(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        responses[i] = client.post("/api/v1/clock/in", json=PLACE, headers=headers)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


def _open_entries(app: Flask) -> int:
    from app.extensions import db
    from app.models import TimeEntry

    with app.app_context():
        return (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(TimeEntry).where(TimeEntry.status == "open")
            )
            or 0
        )


def _events(app: Flask, employee_id: str) -> list[Any]:
    from app.extensions import db
    from app.models import ClockEvent

    with app.app_context():
        return list(
            db.session.execute(
                sa.select(ClockEvent.type, ClockEvent.decision, ClockEvent.reason).where(
                    ClockEvent.employee_id == uuid.UUID(employee_id)
                )
            )
        )


@pytest.mark.postgres_only
def test_concurrent_clock_ins_give_one_201_and_the_rest_409(live, live_people):
    _owner, token, employee_id = live_people
    responses = _fire(live, {"Authorization": f"Bearer {token}"})
    outcomes = Counter((r.status_code, r.get_json().get("error")) for r in responses)
    assert outcomes == {(201, None): 1, (409, "ALREADY_CLOCKED_IN"): THREADS - 1}
    assert _open_entries(live) == 1
    # every punch is logged with its decision, the refused ones too
    assert Counter(tuple(event) for event in _events(live, employee_id)) == {
        ("in", "accepted", None): 1,
        ("in", "rejected", "ALREADY_CLOCKED_IN"): THREADS - 1,
    }


@pytest.mark.postgres_only
def test_twenty_identical_requests_with_one_key_create_one_entry(live, live_people):
    _owner, token, _employee_id = live_people
    responses = _fire(live, {"Authorization": f"Bearer {token}", "Idempotency-Key": "same-tap"})
    assert [r.status_code for r in responses] == [201] * THREADS
    assert len({r.get_data() for r in responses}) == 1
    replayed = sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses)
    assert replayed == THREADS - 1
    assert _open_entries(live) == 1
