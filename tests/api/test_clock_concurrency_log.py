"""Real concurrency against PostgreSQL: 20 simultaneous clock-ins of one employee are all
appended to `clock_events`, one accepted and the rest rejected with their reason. These tests
commit for real, then empty the tables (the `live` fixture)."""

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
def test_concurrent_clock_ins_are_each_logged_with_their_decision(live, live_people):
    _owner, token, employee_id = live_people
    responses = _fire(live, {"Authorization": f"Bearer {token}"})
    outcomes = Counter((r.status_code, r.get_json().get("error")) for r in responses)
    assert outcomes == {(201, None): 1, (409, "ALREADY_CLOCKED_IN"): THREADS - 1}
    events = _events(live, employee_id)
    assert len(events) == THREADS
    assert Counter(tuple(event) for event in events) == {
        ("in", "accepted", None): 1,
        ("in", "rejected", "ALREADY_CLOCKED_IN"): THREADS - 1,
    }
