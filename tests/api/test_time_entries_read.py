"""Reading time: GET /time-entries filters and scoping, and /clock/status across DST days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

PLACE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 8.0}


def _punch(client, headers, user, path, when, **extra):
    with time_machine.travel(when, tick=False):
        return client.post(f"/api/v1/clock/{path}", json={**PLACE, **extra}, headers=headers(user))


def _status(client, headers, user, when):
    with time_machine.travel(when, tick=False):
        return client.get("/api/v1/clock/status", headers=headers(user)).get_json()


@pytest.mark.parametrize(
    ("clock_in", "now", "expected"),
    [
        # Fall back (2026-11-01, Chicago): 00:30 CDT → 23:30 CST is 24 hours on a 25-hour day.
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), datetime(2026, 11, 2, 5, 30, tzinfo=UTC), 86400),
        # Spring forward (2026-03-08): 00:30 CST → 23:30 CDT is 22 hours on a 23-hour day.
        (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 9, 4, 30, tzinfo=UTC), 79200),
    ],
)
def test_today_seconds_on_dst_change_days(
    client, make_org, make_employee, headers, clock_in, now, expected
):
    employee = make_employee(make_org(timezone="America/Chicago"))
    assert _punch(client, headers, employee.user, "in", clock_in).status_code == 201
    status = _status(client, headers, employee.user, now)
    assert (status["today_seconds"], status["week_seconds"]) == (expected, expected)
    # One minute later the local day is over: today restarts at the local midnight.
    later = _status(client, headers, employee.user, now + timedelta(minutes=31))
    assert later["today_seconds"] == 60


def test_week_seconds_follow_the_local_week(client, make_org, make_employee, headers):
    employee = make_employee(make_org(timezone="America/Chicago"))
    sunday = datetime(2026, 11, 15, 20, 0, tzinfo=UTC)  # Sunday 14:00 CST
    _punch(client, headers, employee.user, "in", sunday)
    _punch(client, headers, employee.user, "out", sunday + timedelta(hours=2))
    monday = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # Monday 09:00 CST
    _punch(client, headers, employee.user, "in", monday)
    status = _status(client, headers, employee.user, monday + timedelta(hours=1))
    assert (status["today_seconds"], status["week_seconds"]) == (3600, 3600)
    assert (
        _status(client, headers, employee.user, sunday + timedelta(hours=3))["week_seconds"] == 7200
    )


def test_filters_and_scoping(client, make_org, make_employee, headers, assert_error):
    owner = make_org(timezone="America/Chicago")
    manager = make_employee(owner, role="manager")
    mine = make_employee(owner, manager=manager)
    other = make_employee(owner)
    day1 = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # Monday 09:00 CST
    day2 = datetime(2026, 11, 17, 5, 30, tzinfo=UTC)  # Monday 23:30 CST, still the 16th locally
    day3 = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
    for worker, start in ((mine, day1), (mine, day2), (other, day3)):
        _punch(client, headers, worker.user, "in", start, mock_location=worker is other)
        _punch(client, headers, worker.user, "out", start + timedelta(minutes=10))
    with time_machine.travel(day3 + timedelta(hours=1), tick=False):

        def ids(user, query=""):
            response = client.get(f"/api/v1/time-entries{query}", headers=headers(user))
            assert response.status_code == 200, response.get_json()
            return [e["employee_id"] for e in response.get_json()]

        assert ids(owner) == [str(other.id), str(mine.id), str(mine.id)]
        assert ids(manager.user) == [str(mine.id), str(mine.id)]
        assert ids(other.user) == [str(other.id)]
        assert ids(owner, "?from=2026-11-16&to=2026-11-16") == [str(mine.id), str(mine.id)]
        assert ids(owner, "?from=2026-11-17") == [str(other.id)]
        assert ids(owner, "?to=2026-11-17T05:00:00Z") == [str(mine.id)]
        assert ids(owner, "?flagged=true") == [str(other.id)]
        assert ids(owner, "?flagged=false") == [str(mine.id), str(mine.id)]
        assert ids(owner, f"?employee_id={other.id}&status=submitted") == [str(other.id)]
        assert ids(manager.user, f"?employee_id={other.id}") == []
        assert_error(
            client.get("/api/v1/time-entries?from=2026-11-17T05:00:00", headers=headers(owner)),
            422,
            "VALIDATION_ERROR",
        )
        assert_error(
            client.get("/api/v1/time-entries?status=lost", headers=headers(owner)),
            422,
            "VALIDATION_ERROR",
        )


def test_entries_of_another_organization_are_404(
    client, make_org, make_employee, headers, assert_error
):
    theirs = make_employee(make_org("Globex"))
    when = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
    entry_id = _punch(client, headers, theirs.user, "in", when).get_json()["time_entry"]["id"]
    acme = make_org("Acme")
    with time_machine.travel(when, tick=False):
        assert_error(
            client.get(f"/api/v1/time-entries/{entry_id}", headers=headers(acme)), 404, "NOT_FOUND"
        )
        assert client.get("/api/v1/time-entries", headers=headers(acme)).get_json() == []


def test_week_seconds_follow_the_overtime_policys_workweek(
    client, make_org, make_employee, headers
):
    owner = make_org(timezone="America/Chicago")
    employee = make_employee(owner)
    saved = client.put(
        "/api/v1/settings/overtime",
        json={"rule": "flsa", "workweek_start_day": 6},
        headers=headers(owner),
    )
    assert saved.status_code == 200, saved.get_json()
    sunday = datetime(2026, 11, 15, 20, 0, tzinfo=UTC)  # Sunday 14:00 CST
    _punch(client, headers, employee.user, "in", sunday)
    _punch(client, headers, employee.user, "out", sunday + timedelta(hours=2))
    monday = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)
    _punch(client, headers, employee.user, "in", monday)
    status = _status(client, headers, employee.user, monday + timedelta(hours=1))
    assert (status["today_seconds"], status["week_seconds"]) == (3600, 10800)
