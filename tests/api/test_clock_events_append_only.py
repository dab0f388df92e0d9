"""`clock_events` is append-only: PostgreSQL refuses to update or delete a punch's row."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from app.models import ClockEvent

PLACE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "change",
    [
        sa.update(ClockEvent).values(decision="rejected"),
        sa.delete(ClockEvent),
    ],
    ids=["update", "delete"],
)
def test_a_logged_punch_cannot_be_changed(change, client, make_org, make_employee, headers, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (SQLite, the laptop default, has none)")
    employee = make_employee(make_org(timezone="America/Chicago"))
    answer = client.post("/api/v1/clock/in", json=PLACE, headers=headers(employee.user))
    assert answer.status_code == 201
    savepoint = db.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(change.execution_options(synchronize_session=False))
    savepoint.rollback()
    assert db.session.scalars(sa.select(ClockEvent.decision)).all() == ["accepted"]
