"""The phone's clock: punches, every error code of API.md's Clock section, flags, policies,
status in local time, the punch log, and that a refused punch is still recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app.models import ClockEvent, TimeEntry

INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}
# ~166 m east of the square's east edge (1 degree of longitude ≈ 83 km at 41.88° N).
FAR_EAST = {"lat": 41.8805, "lon": -87.627, "accuracy_m": 10.0}
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def worker(make_org, make_employee):
    owner = make_org(timezone="America/Chicago")
    return make_employee(owner), owner


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(minutes: int) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


def test_clock_in_and_out_inside_the_fence(client, worker, make_geofence, headers, frozen):
    employee, owner = worker
    site = make_geofence(owner)
    frozen.move_to(NOW - timedelta(minutes=60))
    auth = headers(employee.user)
    response = client.post("/api/v1/clock/in", json=INSIDE, headers=auth)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["geofence"] == {"result": "inside", "geofence_id": str(site.id), "distance_m": 0.0}
    assert body["flags"] == []
    entry = body["time_entry"]
    assert entry["status"] == "open" and entry["started_at"] == "2026-11-18T13:00:00+00:00"
    assert entry["entry_date"] == "2026-11-18"
    frozen.move_to(NOW)
    out = client.post("/api/v1/clock/out", json=INSIDE, headers=headers(employee.user))
    assert out.status_code == 200
    closed = out.get_json()["time_entry"]
    assert closed["status"] == "submitted"
    assert closed["ended_at"] == "2026-11-18T14:00:00+00:00"
    assert (closed["duration_seconds"], closed["break_seconds"], closed["worked_seconds"]) == (
        3600,
        0,
        3600,
    )
    assert closed["clock_out_geo"]["result"] == "inside"


def test_error_codes_of_the_clock(client, worker, headers, assert_error):
    employee, _ = worker
    auth = headers(employee.user)
    assert_error(client.post("/api/v1/clock/out", json=INSIDE, headers=auth), 409, "NOT_CLOCKED_IN")
    assert_error(
        client.post("/api/v1/clock/breaks/start", json=INSIDE, headers=auth), 409, "NOT_CLOCKED_IN"
    )
    assert_error(
        client.post("/api/v1/clock/in", json={**INSIDE, "occurred_at": at(6)}, headers=auth),
        422,
        "TIMESTAMP_OUT_OF_RANGE",
    )
    assert_error(
        client.post(
            "/api/v1/clock/in", json={**INSIDE, "occurred_at": at(-72 * 60 - 1)}, headers=auth
        ),
        422,
        "TIMESTAMP_OUT_OF_RANGE",
    )
    assert (
        client.post(
            "/api/v1/clock/in", json={**INSIDE, "occurred_at": at(5)}, headers=auth
        ).status_code
        == 201
    )
    assert_error(
        client.post("/api/v1/clock/in", json=INSIDE, headers=auth), 409, "ALREADY_CLOCKED_IN"
    )
    assert_error(
        client.post("/api/v1/clock/breaks/end", json=INSIDE, headers=auth), 409, "NOT_ON_BREAK"
    )
    assert_error(
        client.post("/api/v1/clock/out", json={**INSIDE, "occurred_at": at(4)}, headers=auth),
        422,
        "TIMESTAMP_OUT_OF_RANGE",
    )
    assert (
        client.post(
            "/api/v1/clock/breaks/start", json={**INSIDE, "occurred_at": at(5)}, headers=auth
        ).status_code
        == 200
    )
    assert_error(
        client.post(
            "/api/v1/clock/breaks/start", json={**INSIDE, "occurred_at": at(5)}, headers=auth
        ),
        409,
        "ALREADY_ON_BREAK",
    )


def test_timestamp_without_offset_and_bad_coordinates_are_422(
    client, worker, headers, assert_error
):
    auth = headers(worker[0].user)
    body = assert_error(
        client.post(
            "/api/v1/clock/in", json={**INSIDE, "occurred_at": "2026-11-18T13:00:00"}, headers=auth
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert "occurred_at" in body["errors"]
    for bad in ({"lat": 91}, {"lon": -181}, {"accuracy_m": 0}, {"lat": "NaN"}):
        assert_error(
            client.post("/api/v1/clock/in", json={**INSIDE, **bad}, headers=auth),
            422,
            "VALIDATION_ERROR",
        )
    # NaN is not JSON (RFC 8259), whatever Python's own parser would accept.
    raw = '{"lat": NaN, "lon": 1, "accuracy_m": 5}'
    assert_error(
        client.post("/api/v1/clock/in", data=raw, content_type="application/json", headers=auth),
        400,
        "MALFORMED_JSON",
    )


def test_enforce_policy_refuses_outside_and_low_accuracy_but_records_them(
    client, worker, make_geofence, headers, assert_error, db
):
    employee, owner = worker
    site = make_geofence(owner, policy="enforce")
    auth = headers(employee.user)
    body = assert_error(
        client.post("/api/v1/clock/in", json=FAR_EAST, headers=auth), 422, "GEOFENCE_OUTSIDE"
    )
    assert body["details"]["geofence_id"] == str(site.id)
    assert body["details"]["distance_m"] == pytest.approx(166.1, abs=0.2)
    assert_error(
        client.post("/api/v1/clock/in", json={**INSIDE, "accuracy_m": 150.0}, headers=auth),
        422,
        "GPS_ACCURACY_TOO_LOW",
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimeEntry)) == 0
    events = db.session.scalars(
        sa.select(ClockEvent).order_by(ClockEvent.received_at, ClockEvent.reason)
    ).all()
    assert [(e.decision, e.reason) for e in events] == [
        ("rejected", "GEOFENCE_OUTSIDE"),
        ("rejected", "GPS_ACCURACY_TOO_LOW"),
    ]
    assert events[0].payload == FAR_EAST
    assert events[0].geofence_id == site.id and events[0].type == "in"


def test_uncertain_is_accepted_with_a_flag(client, worker, make_geofence, headers):
    employee, owner = worker
    make_geofence(owner, policy="enforce", buffer_m=150.0)
    # FAR_EAST is ~166 m out: beyond the 150 m buffer, within buffer + 50 m accuracy.
    response = client.post(
        "/api/v1/clock/in", json={**FAR_EAST, "accuracy_m": 50.0}, headers=headers(employee.user)
    )
    assert response.status_code == 201
    assert response.get_json()["geofence"]["result"] == "uncertain"
    assert response.get_json()["time_entry"]["flags"] == ["UNCERTAIN_LOCATION"]


def test_flag_policy_accepts_with_flags_and_off_checks_nothing(
    client, worker, make_geofence, headers
):
    employee, owner = worker
    site = make_geofence(owner, policy="flag")
    auth = headers(employee.user)
    response = client.post(
        "/api/v1/clock/in", json={**FAR_EAST, "occurred_at": at(-10)}, headers=auth
    )
    assert response.status_code == 201
    assert response.get_json()["flags"] == ["OUTSIDE_GEOFENCE"]
    out = client.post("/api/v1/clock/out", json={**INSIDE, "accuracy_m": 500.0}, headers=auth)
    assert out.get_json()["time_entry"]["flags"] == ["OUTSIDE_GEOFENCE", "LOW_ACCURACY"]
    client.patch(f"/api/v1/geofences/{site.id}", json={"policy": "off"}, headers=headers(owner))
    off = client.post("/api/v1/clock/in", json=FAR_EAST, headers=auth)
    assert off.status_code == 201
    assert off.get_json()["geofence"] == {
        "result": None,
        "geofence_id": str(site.id),
        "distance_m": None,
    }
    assert off.get_json()["flags"] == []


def test_mock_location_and_impossible_travel_flags(client, worker, headers):
    auth = headers(worker[0].user)
    client.post(
        "/api/v1/clock/in",
        json={**INSIDE, "occurred_at": at(-10), "mock_location": True},
        headers=auth,
    )
    # Chicago → New York (~1,150 km) in 10 minutes.
    out = client.post(
        "/api/v1/clock/out",
        json={"lat": 40.7128, "lon": -74.0060, "accuracy_m": 10.0},
        headers=auth,
    )
    assert out.get_json()["time_entry"]["flags"] == ["MOCK_LOCATION", "IMPOSSIBLE_TRAVEL"]


def test_breaks_are_unpaid_and_clock_out_ends_an_open_break(client, worker, headers, frozen):
    def punch(path, minutes):
        frozen.move_to(NOW + timedelta(minutes=minutes))
        return client.post(f"/api/v1/clock/{path}", json=INSIDE, headers=headers(worker[0].user))

    punch("in", -240)
    brk = punch("breaks/start", -120)
    assert brk.get_json()["break"]["ended_at"] is None
    status = client.get("/api/v1/clock/status", headers=headers(worker[0].user)).get_json()
    assert status["state"] == "on_break"
    punch("breaks/end", -90)
    punch("breaks/start", -15)
    out = punch("out", 0).get_json()["time_entry"]
    assert out["flags"] == []
    assert (out["duration_seconds"], out["break_seconds"], out["worked_seconds"]) == (
        14400,
        2700,
        11700,
    )


def test_switch_task_closes_and_opens_at_the_same_instant(client, worker, headers, db):
    from app.models import Task

    employee, owner = worker
    tasks = []
    for title in ("Dig", "Pour"):
        task = Task(
            organization_id=owner.organization_id, workspace_id=owner.workspace_id, title=title
        )
        db.session.add(task)
        tasks.append(task)
    db.session.commit()
    auth = headers(employee.user)
    client.post(
        "/api/v1/clock/in",
        json={**INSIDE, "occurred_at": at(-14), "task_id": str(tasks[0].id)},
        headers=auth,
    )
    response = client.post(
        "/api/v1/clock/switch-task",
        json={**INSIDE, "occurred_at": at(-4), "task_id": str(tasks[1].id)},
        headers=auth,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["previous_time_entry"]["ended_at"] == body["time_entry"]["started_at"]
    assert body["previous_time_entry"]["worked_seconds"] == 600
    assert body["previous_time_entry"]["task_id"] == str(tasks[0].id)
    assert body["time_entry"]["task_id"] == str(tasks[1].id)
    assert body["time_entry"]["status"] == "open"


def test_status_today_and_week_seconds(client, worker, headers):
    auth = headers(worker[0].user)
    assert client.get("/api/v1/clock/status", headers=auth).get_json() == {
        "state": "off",
        "time_entry": None,
        "break": None,
        "today_seconds": 0,
        "week_seconds": 0,
    }
    client.post("/api/v1/clock/in", json={**INSIDE, "occurred_at": at(-12)}, headers=auth)
    status = client.get("/api/v1/clock/status", headers=auth).get_json()
    assert status["state"] == "working"
    assert (status["today_seconds"], status["week_seconds"]) == (720, 720)


def test_punch_log_everyone_sees_their_own(client, worker, make_employee, headers):
    """Admins see every punch, managers their reports', everyone else only their own."""
    employee, owner = worker
    colleague = make_employee(owner)
    payroll = make_employee(owner, role="payroll")
    client.post("/api/v1/clock/in", json=INSIDE, headers=headers(employee.user))
    client.post("/api/v1/clock/in", json=FAR_EAST, headers=headers(colleague.user))
    mine = client.get("/api/v1/clock-events", headers=headers(employee.user))
    assert mine.status_code == 200
    assert [(e["employee_id"], e["type"]) for e in mine.get_json()] == [(str(employee.id), "in")]
    assert client.get("/api/v1/clock-events", headers=headers(payroll.user)).get_json() == []
    events = client.get("/api/v1/clock-events", headers=headers(owner)).get_json()
    assert sorted(e["employee_id"] for e in events) == sorted([str(employee.id), str(colleague.id)])
    other_manager = make_employee(owner, role="manager")
    assert client.get("/api/v1/clock-events", headers=headers(other_manager.user)).get_json() == []


def test_a_punch_sent_more_than_15_minutes_late_is_flagged(client, worker, headers):
    auth = headers(worker[0].user)
    response = client.post(
        "/api/v1/clock/in", json={**INSIDE, "occurred_at": at(-16)}, headers=auth
    )
    assert response.get_json()["flags"] == ["LATE_SYNC"]
    on_time = client.post("/api/v1/clock/out", json={**INSIDE, "occurred_at": at(-1)}, headers=auth)
    assert on_time.get_json()["flags"] == []
    assert on_time.get_json()["time_entry"]["flags"] == ["LATE_SYNC"]


def test_owner_without_employee_record_cannot_punch(client, make_org, headers, assert_error):
    owner = make_org()
    assert_error(
        client.post("/api/v1/clock/in", json=INSIDE, headers=headers(owner)), 403, "NOT_AN_EMPLOYEE"
    )


def test_late_and_early_leave_against_the_scheduled_shift(client, worker, headers, db, frozen):
    from app.models import Shift

    employee, owner = worker
    shift = Shift(
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        employee_id=employee.id,
        starts_at=NOW - timedelta(minutes=10),
        ends_at=NOW + timedelta(hours=8),
        grace_minutes=5,
    )
    db.session.add(shift)
    db.session.commit()
    response = client.post("/api/v1/clock/in", json=INSIDE, headers=headers(employee.user))
    assert response.get_json()["flags"] == ["LATE"]
    assert response.get_json()["time_entry"]["shift_id"] == str(shift.id)
    frozen.move_to(NOW + timedelta(hours=7, minutes=54))
    out = client.post("/api/v1/clock/out", json=INSIDE, headers=headers(employee.user))
    assert out.get_json()["flags"] == ["EARLY_LEAVE"]
    assert out.get_json()["time_entry"]["flags"] == ["LATE", "EARLY_LEAVE"]


def test_within_grace_is_neither_late_nor_early(client, worker, headers, db, frozen):
    from app.models import Shift

    employee, owner = worker
    db.session.add(
        Shift(
            organization_id=owner.organization_id,
            workspace_id=owner.workspace_id,
            employee_id=employee.id,
            starts_at=NOW - timedelta(minutes=5),
            ends_at=NOW + timedelta(hours=8),
            grace_minutes=5,
        )
    )
    db.session.commit()
    assert (
        client.post("/api/v1/clock/in", json=INSIDE, headers=headers(employee.user)).get_json()[
            "flags"
        ]
        == []
    )
    frozen.move_to(NOW + timedelta(hours=7, minutes=55))
    out = client.post("/api/v1/clock/out", json=INSIDE, headers=headers(employee.user))
    assert out.get_json()["time_entry"]["flags"] == []


def test_the_shift_follows_its_punches(client, worker, headers, db, frozen):
    from app.models import Shift

    employee, owner = worker
    shift = Shift(
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        employee_id=employee.id,
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=8),
    )
    db.session.add(shift)
    db.session.commit()
    client.post("/api/v1/clock/in", json=INSIDE, headers=headers(employee.user))
    assert db.session.get(Shift, shift.id).status == "in_progress"
    frozen.move_to(NOW + timedelta(hours=8))
    client.post("/api/v1/clock/out", json=INSIDE, headers=headers(employee.user))
    db.session.expire_all()
    assert db.session.get(Shift, shift.id).status == "completed"
