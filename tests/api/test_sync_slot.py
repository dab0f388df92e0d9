"""One large sync batch at a time per organization (issue 19, item 3): while one of its large
batches holds the slot, another is 429 RATE_LIMITED with Retry-After and nothing applied; small
batches and other organizations never wait."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.models import ClockEvent
from app.services.time_tracking import sync_slots


def _punches(count: int) -> list[dict]:
    start = datetime.now(UTC) - timedelta(hours=60)
    return [
        {
            "client_id": str(uuid.uuid4()),
            "type": "in" if i % 2 == 0 else "out",
            "lat": 41.8805,
            "lon": -87.6295,
            "accuracy_m": 8.0,
            "occurred_at": (start + timedelta(minutes=30 * i)).isoformat(),
        }
        for i in range(count)
    ]


@pytest.fixture
def slot_held(app, db):
    """hold(organization_id): another session takes that organization's slot."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the slot is a PostgreSQL advisory lock")
    other = db.engine.connect()
    held: list[int] = []

    class Holder:
        def __call__(self, organization_id: uuid.UUID) -> None:
            key = sync_slots._lock_key(organization_id)
            other.execute(sa.select(sa.func.pg_advisory_lock(key)))
            held.append(key)

        def release(self) -> None:
            while held:
                other.execute(sa.select(sa.func.pg_advisory_unlock(held.pop())))

    holder = Holder()
    yield holder
    holder.release()
    other.close()


def test_a_large_batch_waits_for_the_organization_slot(
    client, db, make_org, make_employee, headers, slot_held, assert_error
):
    owner = make_org()
    worker = make_employee(owner)
    slot_held(owner.organization_id)
    auth = headers(worker.user)
    large = _punches(sync_slots.LARGE_BATCH + 1)
    keyed = {**auth, "Idempotency-Key": f"batch-{uuid.uuid4()}"}
    refused = client.post("/api/v1/clock/sync", json={"punches": large}, headers=keyed)
    assert_error(refused, 429, "RATE_LIMITED")
    assert refused.headers["Retry-After"] == "5"
    assert refused.get_json()["details"] == {"retry_after_seconds": 5}
    events = sa.select(sa.func.count()).where(ClockEvent.employee_id == worker.id)
    assert db.session.scalar(events) == 0
    # A small batch of the same organization is not held up.
    small = client.post("/api/v1/clock/sync", json={"punches": _punches(2)}, headers=auth)
    assert small.status_code == 200
    assert [r["status"] for r in small.get_json()["results"]] == ["accepted", "accepted"]
    # Another organization's large batch is not either.
    stranger = make_employee(make_org())
    other = client.post(
        "/api/v1/clock/sync", json={"punches": large}, headers=headers(stranger.user)
    )
    assert other.status_code == 200
    # The refusal was not kept for its Idempotency-Key: once the slot is free, it runs.
    slot_held.release()
    retried = client.post("/api/v1/clock/sync", json={"punches": large}, headers=keyed)
    assert retried.status_code == 200
    assert "Idempotent-Replayed" not in retried.headers
    assert len(retried.get_json()["results"]) == sync_slots.LARGE_BATCH + 1


def test_organizations_have_slots_of_their_own():
    first, second = uuid.uuid4(), uuid.uuid4()
    assert sync_slots._lock_key(first) == sync_slots._lock_key(first)
    assert sync_slots._lock_key(first) != sync_slots._lock_key(second)
    assert -(2**63) <= sync_slots._lock_key(first) < 2**63
