"""Real concurrency against PostgreSQL: overlapping manual entries or shifts of one employee
sent at the same instant; the per-employee row lock lets exactly one through. These tests
commit for real, then empty the tables."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

THREADS = 12


def _fire(app: Flask, path: str, bodies: list[dict[str, Any]], token: str) -> list[Any]:
    barrier = threading.Barrier(len(bodies))
    responses: list[Any] = [None] * len(bodies)

    def call(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        responses[i] = client.post(
            path, json=bodies[i], headers={"Authorization": f"Bearer {token}"}
        )

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


def _count(app: Flask, model: Any) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


@pytest.mark.postgres_only
def test_concurrent_overlapping_manual_entries_give_one_201(live, live_people):
    from app.models import TimeEntry

    _owner, worker, _employee_id = live_people
    bodies = [
        {
            "started_at": f"2026-11-02T08:{i:02d}:00Z",
            "ended_at": f"2026-11-02T09:{i:02d}:00Z",
            "note": f"try {i}",
        }
        for i in range(THREADS)
    ]
    responses = _fire(live, "/api/v1/time-entries", bodies, worker)
    outcomes = Counter((r.status_code, r.get_json().get("error")) for r in responses)
    assert outcomes == {(201, None): 1, (409, "ENTRY_OVERLAP"): THREADS - 1}
    assert _count(live, TimeEntry) == 1


@pytest.mark.postgres_only
def test_concurrent_overlapping_shifts_give_one_201(live, live_people):
    from app.models import Shift

    owner, _worker, employee_id = live_people
    bodies = [
        {
            "employee_id": employee_id,
            "starts_at": f"2026-12-02T08:{i:02d}:00Z",
            "ends_at": f"2026-12-02T16:{i:02d}:00Z",
        }
        for i in range(THREADS)
    ]
    responses = _fire(live, "/api/v1/shifts", bodies, owner)
    outcomes = Counter((r.status_code, r.get_json().get("error")) for r in responses)
    assert outcomes == {(201, None): 1, (409, "SHIFT_OVERLAP"): THREADS - 1}
    assert _count(live, Shift) == 1
