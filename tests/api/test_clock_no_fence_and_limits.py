"""What a punch is told when no fence applies or its fix is too coarse, and the organization
setting that requires a fence for clocking in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}
NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def worker(make_org, make_employee):
    owner = make_org(timezone="America/Chicago")
    return make_employee(owner), owner


def test_low_accuracy_refusal_names_the_limit(client, worker, make_geofence, headers, assert_error):
    employee, owner = worker
    site = make_geofence(owner, max_accuracy_m=35.0)
    response = client.post(
        "/api/v1/clock/in", json={**INSIDE, "accuracy_m": 150.0}, headers=headers(employee.user)
    )
    body = assert_error(response, 422, "GPS_ACCURACY_TOO_LOW")
    assert body["message"] == (
        "The location is accurate to 150 m; this geofence accepts 35 m or better. "
        "Wait for a better GPS fix."
    )
    assert body["details"] == {
        "distance_m": 0.0,
        "geofence_id": str(site.id),
        "accuracy_m": 150.0,
        "max_accuracy_m": 35.0,
    }


def test_no_fence_is_said_and_can_be_required(client, worker, headers, assert_error):
    employee, owner = worker
    auth = headers(employee.user)
    accepted = client.post("/api/v1/clock/in", json=INSIDE, headers=auth)
    assert accepted.status_code == 201
    assert accepted.get_json()["geofence"] == {
        "result": "no_fence",
        "geofence_id": None,
        "distance_m": None,
    }
    assert accepted.get_json()["flags"] == []

    rules = client.get("/api/v1/settings/time", headers=headers(owner)).get_json()
    saved = client.put(
        "/api/v1/settings/time", json={**rules, "require_geofence": True}, headers=headers(owner)
    )
    assert saved.status_code == 200 and saved.get_json()["require_geofence"] is True
    # Whoever is at work can still clock out: only clock-ins need a fence.
    assert client.post("/api/v1/clock/out", json=INSIDE, headers=auth).status_code == 200
    refused = client.post("/api/v1/clock/in", json=INSIDE, headers=auth)
    body = assert_error(refused, 422, "GEOFENCE_REQUIRED")
    assert "requires a geofence" in body["message"]
    status = client.get("/api/v1/clock/status", headers=auth).get_json()
    assert status["state"] == "off"
