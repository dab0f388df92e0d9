"""Every time-entry change writes its outbox messages, not only clock-out and approval: a manual
entry, an edit (the week it left and the week it moved to), submit, reject and reopen. The
coalesced refresh job then recomputes the employee's weeks to the exact new numbers.

The organization is in America/Chicago (CST = UTC-6 in November), FLSA by default, workweeks
from Monday: 2026-11-18 is a Wednesday of the week of 2026-11-16.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.models import OutboxMessage, TimeSummaryWeekly

NOW = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
H = 3600


@pytest.fixture
def team(make_org, make_employee):
    owner = make_org(timezone="America/Chicago")
    manager = make_employee(owner, role="manager")
    return owner, manager, make_employee(owner, manager=manager)


def as_(headers, user):
    return lambda: headers(user)


@contextmanager
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int) -> str:
    return datetime(2026, 11, day, hour, tzinfo=UTC).isoformat()


def call(client, method, url, auth, body=None, status=200):
    """`auth()` makes the headers: a token is issued at the frozen time it is used at."""
    with frozen():
        response = getattr(client, method)(url, json=body, headers=auth())
    assert response.status_code == status, response.get_json()
    return response.get_json()


def create(client, auth, start, end, **fields):
    body = {"started_at": start, "ended_at": end, "note": "forgot to clock", **fields}
    return call(client, "post", "/api/v1/time-entries", auth, body, 201)


def refreshes(db, employee):
    """Payloads of the employee's pending summary refreshes, oldest first."""
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.topic == "summaries.refresh",
            OutboxMessage.processed_at.is_(None),
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [m.payload for m in messages if m.payload.get("employee_id") == str(employee.id)]


def alert_checks(db, employee):
    messages = db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.topic == "alerts.check", OutboxMessage.processed_at.is_(None)
        )
    ).all()
    return [m.payload for m in messages if m.payload.get("employee_id") == str(employee.id)]


def weeks(db, employee):
    """week_start → (worked_seconds, regular_seconds, entries, flagged_entries, approved)."""
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(TimeSummaryWeekly).where(TimeSummaryWeekly.employee_id == employee.id)
    ).all()
    return {
        r.week_start: (
            r.worked_seconds,
            r.regular_seconds,
            r.entries,
            r.flagged_entries,
            r.approved,
        )
        for r in rows
    }


def test_a_manual_entry_refreshes_its_week(client, headers, db, team, queued, run_jobs):
    _owner, _manager, worker = team
    entry = create(client, as_(headers, worker.user), at(18, 14), at(18, 18))
    expected = {
        "employee_id": str(worker.id),
        "time_entry_id": entry["id"],
        "started_at": "2026-11-18T14:00:00+00:00",
        "ended_at": "2026-11-18T18:00:00+00:00",
    }
    assert refreshes(db, worker) == [expected]
    assert alert_checks(db, worker) == [expected]
    assert queued()["default"] == ["app.jobs.summaries.refresh_summaries"]
    assert run_jobs() == 2
    assert refreshes(db, worker) == []
    assert weeks(db, worker) == {date(2026, 11, 16): (4 * H, 4 * H, 1, 1, False)}


def test_an_edit_moving_an_entry_to_another_week_recomputes_both(
    client, headers, db, team, run_jobs
):
    _owner, _manager, worker = team
    auth = as_(headers, worker.user)
    entry = create(client, auth, at(18, 14), at(18, 18))
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (4 * H, 4 * H, 1, 1, False)}

    # Thursday of the week before, 08:00-13:00 in Chicago.
    url = f"/api/v1/time-entries/{entry['id']}"
    call(client, "patch", url, auth, {"started_at": at(12, 14), "ended_at": at(12, 19)})
    assert refreshes(db, worker) == [
        {
            "employee_id": str(worker.id),
            "time_entry_id": entry["id"],
            "started_at": "2026-11-12T14:00:00+00:00",
            "ended_at": "2026-11-12T19:00:00+00:00",
            "previous_started_at": "2026-11-18T14:00:00+00:00",
            "previous_ended_at": "2026-11-18T18:00:00+00:00",
        }
    ]
    run_jobs()
    # The week it left has nothing any more (its row is gone); the week it moved to has 5 h.
    assert weeks(db, worker) == {date(2026, 11, 9): (5 * H, 5 * H, 1, 1, False)}


def test_an_edit_within_the_week_refreshes_it(client, headers, db, team, run_jobs):
    _owner, _manager, worker = team
    auth = as_(headers, worker.user)
    entry = create(client, auth, at(18, 14), at(18, 18))
    run_jobs()
    url = f"/api/v1/time-entries/{entry['id']}"
    call(client, "patch", url, auth, {"ended_at": at(18, 20), "break_seconds": 1800})
    assert refreshes(db, worker) == [
        {
            "employee_id": str(worker.id),
            "time_entry_id": entry["id"],
            "started_at": "2026-11-18T14:00:00+00:00",
            "ended_at": "2026-11-18T20:00:00+00:00",
            "previous_started_at": "2026-11-18T14:00:00+00:00",
            "previous_ended_at": "2026-11-18T18:00:00+00:00",
        }
    ]
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (5 * H + 1800, 5 * H + 1800, 1, 1, False)}


def test_reject_submit_and_reopen_refresh_the_week(client, headers, db, team, run_jobs):
    _owner, manager, worker = team
    mine, boss = as_(headers, worker.user), as_(headers, manager.user)
    entry = create(client, mine, at(18, 14), at(18, 18))
    run_jobs()
    url = f"/api/v1/time-entries/{entry['id']}"

    call(client, "post", f"{url}/reject", boss, {"reason": "wrong job"})
    assert [m["time_entry_id"] for m in refreshes(db, worker)] == [entry["id"]]
    run_jobs()
    assert weeks(db, worker) == {}  # rejected time is not worked time

    call(client, "post", f"{url}/submit", mine)
    assert len(refreshes(db, worker)) == 1
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (4 * H, 4 * H, 1, 1, False)}

    call(client, "post", f"{url}/approve", boss)
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (4 * H, 4 * H, 1, 1, True)}

    call(client, "post", f"{url}/reopen", boss, {"reason": "hours disputed"})
    assert len(refreshes(db, worker)) == 1
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (4 * H, 4 * H, 1, 1, False)}


def test_a_draft_submitted_later_refreshes_the_week(client, headers, db, team, run_jobs):
    _owner, _manager, worker = team
    auth = as_(headers, worker.user)
    draft = create(client, auth, at(17, 14), at(17, 20), status="draft")
    run_jobs()
    assert weeks(db, worker) == {}  # a draft is not worked time yet
    call(client, "post", f"/api/v1/time-entries/{draft['id']}/submit", auth)
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (6 * H, 6 * H, 1, 1, False)}


def test_bulk_reject_refreshes_every_entry_in_one_job(client, headers, db, team, queued, run_jobs):
    _owner, manager, worker = team
    auth = as_(headers, worker.user)
    first = create(client, auth, at(16, 14), at(16, 18))
    second = create(client, auth, at(17, 14), at(17, 16))
    create(client, auth, at(18, 14), at(18, 15))
    run_jobs()
    assert weeks(db, worker) == {date(2026, 11, 16): (7 * H, 7 * H, 3, 3, False)}
    body = {"ids": [first["id"], second["id"]], "decision": "reject", "reason": "wrong job"}
    call(client, "post", "/api/v1/approvals/time-entries", as_(headers, manager.user), body)
    assert [m["time_entry_id"] for m in refreshes(db, worker)] == [first["id"], second["id"]]
    assert queued()["default"] == ["app.jobs.summaries.refresh_summaries"]  # coalesced
    assert run_jobs() == 2  # one refresh, one alert check
    assert weeks(db, worker) == {date(2026, 11, 16): (1 * H, 1 * H, 1, 1, False)}
