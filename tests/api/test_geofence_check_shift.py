"""Which fence a punch is judged against when a shift is scheduled: `POST /geofences/check`
chooses as clock-in does (the shift's fence before the nearest allowed one), and a shift whose
fence was deleted or deactivated falls back to the nearest allowed fence instead of blocking
every punch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from app.models import Shift

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
INSIDE_NEAR = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}  # inside SITE_SQUARE
# A 100 m circle whose centre is 789 m east of the fix: the farther of the employee's two fences.
FAR_CIRCLE = {"type": "Point", "coordinates": [-87.620, 41.8805]}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(make_org, make_employee, make_geofence, db):
    owner = make_org(timezone="America/Chicago")
    near = make_geofence(owner, name="Near")
    far = make_geofence(owner, name="Far", geometry=FAR_CIRCLE, radius_m=100, policy="flag")
    employee = make_employee(owner, geofence_ids=[near.id, far.id])
    shift = Shift(
        organization_id=owner.organization_id,
        workspace_id=owner.workspace_id,
        employee_id=employee.id,
        starts_at=NOW - timedelta(minutes=5),
        ends_at=NOW + timedelta(hours=8),
        geofence_id=far.id,
        grace_minutes=10,
    )
    db.session.add(shift)
    db.session.commit()
    return owner, employee, near, far, shift


def _check(client, auth, **extra):
    response = client.post("/api/v1/geofences/check", json={**INSIDE_NEAR, **extra}, headers=auth)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_check_answers_with_the_scheduled_shifts_fence_like_clock_in(client, headers, setup):
    owner, employee, near, far, shift = setup
    auth = headers(employee.user)
    check = _check(client, auth)
    # The geodesic distance to the circle's edge is 688.55 m (pyproj, WGS84).
    assert check == {
        "result": "outside",
        "geofence_id": str(far.id),
        "distance_m": 688.6,
        "policy": "flag",
    }
    clock_in = client.post("/api/v1/clock/in", json=INSIDE_NEAR, headers=auth)
    assert clock_in.status_code == 201, clock_in.get_json()
    body = clock_in.get_json()
    assert body["geofence"] == {k: check[k] for k in ("result", "geofence_id", "distance_m")}
    assert body["flags"] == ["OUTSIDE_GEOFENCE"]
    assert body["time_entry"]["shift_id"] == str(shift.id)
    # A fence named in the body still wins over the shift's; a caller with no schedule (the
    # owner has no employee record) gets the workspace's nearest.
    assert _check(client, auth, geofence_id=str(near.id))["geofence_id"] == str(near.id)
    assert _check(client, headers(owner))["geofence_id"] == str(near.id)


def test_check_without_a_scheduled_shift_takes_the_nearest_allowed(client, headers, setup, db):
    _owner, employee, near, _far, shift = setup
    shift.starts_at, shift.ends_at = NOW + timedelta(hours=3), NOW + timedelta(hours=9)
    db.session.commit()
    check = _check(client, headers(employee.user))
    assert check == {
        "result": "inside",
        "geofence_id": str(near.id),
        "distance_m": 0.0,
        "policy": "enforce",
    }


@pytest.mark.parametrize("how", ["deleted", "deactivated"])
def test_a_shift_whose_fence_is_gone_falls_back_to_the_nearest_allowed(
    client, headers, setup, how, db
):
    owner, employee, near, far, shift = setup
    if how == "deleted":
        gone = client.delete(f"/api/v1/geofences/{far.id}", headers=headers(owner))
        assert gone.status_code == 204
    else:
        off = client.patch(
            f"/api/v1/geofences/{far.id}", json={"is_active": False}, headers=headers(owner)
        )
        assert off.status_code == 200, off.get_json()
    auth = headers(employee.user)
    expected = {"result": "inside", "geofence_id": str(near.id), "distance_m": 0.0}
    assert _check(client, auth) == {**expected, "policy": "enforce"}
    clock_in = client.post("/api/v1/clock/in", json=INSIDE_NEAR, headers=auth)
    assert clock_in.status_code == 201, clock_in.get_json()
    body = clock_in.get_json()
    assert body["geofence"] == expected
    assert body["flags"] == []
    entry = body["time_entry"]
    assert (entry["geofence_id"], entry["shift_id"]) == (str(near.id), str(shift.id))


def test_a_named_fence_that_is_gone_is_still_refused(client, headers, setup, assert_error):
    owner, employee, _near, far, _shift = setup
    assert client.delete(f"/api/v1/geofences/{far.id}", headers=headers(owner)).status_code == 204
    auth = headers(employee.user)
    named = {**INSIDE_NEAR, "geofence_id": str(far.id)}
    body = assert_error(
        client.post("/api/v1/clock/in", json=named, headers=auth), 422, "VALIDATION_ERROR"
    )
    assert list(body["errors"]) == ["geofence_id"]
    body = assert_error(
        client.post("/api/v1/geofences/check", json=named, headers=auth), 422, "VALIDATION_ERROR"
    )
    assert list(body["errors"]) == ["geofence_id"]
