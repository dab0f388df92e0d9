"""`/settings/time`: defaults, replacement, validation, owner/admin only, audited."""

from __future__ import annotations

import pytest

RULES = {
    "rounding": {"minutes": 6, "in_mode": "up", "out_mode": "down"},
    "auto_break": {"after_hours": "5.50", "minutes": 30},
    "require_geofence": True,
}


def test_defaults_are_no_rounding_and_no_automatic_break(client, make_org, headers):
    response = client.get("/api/v1/settings/time", headers=headers(make_org()))
    assert response.status_code == 200
    assert response.get_json() == {
        "rounding": {"minutes": 0, "in_mode": "nearest", "out_mode": "nearest"},
        "auto_break": {"after_hours": "6.00", "minutes": 0},
        "require_geofence": False,
    }


def test_put_replaces_and_is_audited(client, make_org, headers):
    owner = make_org()
    auth = headers(owner)
    response = client.put("/api/v1/settings/time", json=RULES, headers=auth)
    assert response.status_code == 200
    assert response.get_json() == RULES
    assert client.get("/api/v1/settings/time", headers=auth).get_json() == RULES
    partial = {"rounding": {"minutes": 15}, "auto_break": {"after_hours": "6", "minutes": 0}}
    assert client.put("/api/v1/settings/time", json=partial, headers=auth).get_json() == {
        "rounding": {"minutes": 15, "in_mode": "nearest", "out_mode": "nearest"},
        "auto_break": {"after_hours": "6.00", "minutes": 0},
        "require_geofence": False,  # a PUT replaces: omitted is the default
    }
    logs = client.get(
        f"/api/v1/audit-logs?entity_type=organizations&entity_id={owner.organization_id}",
        headers=auth,
    ).get_json()
    updates = [log for log in logs if log["action"] == "UPDATE"]
    assert len(updates) == 2
    assert {log["new_values"]["settings"]["time"]["rounding"]["minutes"] for log in updates} == {
        6,
        15,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"rounding": {"minutes": 7}, "auto_break": RULES["auto_break"]},
        {"rounding": {"minutes": 15, "out_mode": "ceil"}, "auto_break": RULES["auto_break"]},
        {"rounding": RULES["rounding"]},
        {"rounding": RULES["rounding"], "auto_break": {"after_hours": "6.005", "minutes": 30}},
        {"rounding": RULES["rounding"], "auto_break": {"after_hours": "24.01", "minutes": 30}},
        {"rounding": RULES["rounding"], "auto_break": {"after_hours": "6.00", "minutes": -5}},
        {**RULES, "overtime": True},
        {**RULES, "require_geofence": "sometimes"},
    ],
)
def test_invalid_rules_are_422(client, make_org, headers, assert_error, body):
    owner = make_org()
    response = client.put("/api/v1/settings/time", json=body, headers=headers(owner))
    assert_error(response, 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("role", ["manager", "payroll", "employee"])
def test_only_owner_and_admin(client, make_org, make_employee, headers, assert_error, role):
    owner = make_org()
    user = make_employee(owner, role=role).user
    assert_error(client.get("/api/v1/settings/time", headers=headers(user)), 403, "FORBIDDEN")
    response = client.put("/api/v1/settings/time", json=RULES, headers=headers(user))
    assert_error(response, 403, "FORBIDDEN")
    admin = make_employee(owner, role="admin").user
    assert (
        client.put("/api/v1/settings/time", json=RULES, headers=headers(admin)).status_code == 200
    )


def test_each_organization_has_its_own_rules(client, make_org, headers):
    acme, globex = make_org("Acme"), make_org("Globex")
    client.put("/api/v1/settings/time", json=RULES, headers=headers(acme))
    theirs = client.get("/api/v1/settings/time", headers=headers(globex)).get_json()
    assert theirs["rounding"]["minutes"] == 0
