"""Identity extras: the main workspace stays (and stays the only main one), a workspace with
users cannot go; app settings mask secrets, keep read-only values and check types; admins
only."""

from __future__ import annotations

import uuid

import pytest

from app.models import User


@pytest.fixture
def owner(make_org):
    return make_org()


@pytest.fixture
def auth(owner, headers):
    return headers(owner)


def post(client, auth, path, body, status=201):
    response = client.post(f"/api/v1/{path}", json=body, headers=auth)
    assert response.status_code == status, response.get_json()
    return response.get_json()


def send(client, auth, method, path, body=None):
    return client.open(
        f"/api/v1/{path}", method=method, json=body, headers={**auth, "If-Match": "*"}
    )


def test_the_main_workspace_stays(client, auth, owner, assert_error):
    [main] = client.get("/api/v1/workspaces", headers=auth).get_json()
    assert (main["id"], main["type"], main["name"]) == (str(owner.workspace_id), "main", "Main")
    path = f"workspaces/{main['id']}"
    assert_error(send(client, auth, "DELETE", path), 409, "MAIN_WORKSPACE")
    assert_error(send(client, auth, "PATCH", path, {"type": "branch"}), 409, "CONFLICT")
    assert send(client, auth, "PATCH", path, {"name": "Head office"}).get_json()["name"] == (
        "Head office"
    )
    response = client.post(
        "/api/v1/workspaces", json={"name": "HQ 2", "type": "main"}, headers=auth
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["type"]


def test_a_workspace_goes_only_once_its_users_have_moved(
    client, auth, owner, make_employee, db, assert_error
):
    branch = post(client, auth, "workspaces", {"name": "Almaty", "type": "branch"})
    assert (branch["type"], branch["status"]) == ("branch", "active")
    division = post(client, auth, "workspaces", {"name": "Projects"})
    assert division["type"] == "division"  # not a second main one
    worker = make_employee(owner)
    db.session.get(User, worker.user_id).workspace_id = uuid.UUID(branch["id"])
    db.session.commit()
    body = assert_error(
        send(client, auth, "DELETE", f"workspaces/{branch['id']}"), 409, "WORKSPACE_IN_USE"
    )
    assert body["details"] == {"users": 1}
    db.session.get(User, worker.user_id).workspace_id = owner.workspace_id
    db.session.commit()
    assert send(client, auth, "DELETE", f"workspaces/{branch['id']}").status_code == 204
    listed = client.get("/api/v1/workspaces", headers=auth).get_json()
    assert [w["type"] for w in listed] == ["main", "division"]


def test_secret_settings_are_masked_everywhere(client, auth):
    secret = post(
        client,
        auth,
        "app-settings",
        {"key": "smtp.password", "value": "hunter2", "is_secret": True},
    )
    plain = post(client, auth, "app-settings", {"key": "smtp.host", "value": "mail.example.com"})
    assert (secret["value"], plain["value"]) == ("********", "mail.example.com")
    assert client.get(f"/api/v1/app-settings/{secret['id']}", headers=auth).get_json()["value"] == (
        "********"
    )
    listed = client.get("/api/v1/app-settings?sort=key", headers=auth).get_json()
    assert [(s["key"], s["value"]) for s in listed] == [
        ("smtp.host", "mail.example.com"),
        ("smtp.password", "********"),
    ]
    changed = send(client, auth, "PATCH", f"app-settings/{secret['id']}", {"value": "s3cret"})
    assert changed.get_json()["value"] == "********"


def test_read_only_settings_keep_their_value_and_values_are_typed(
    client, auth, owner, assert_error
):
    row = post(
        client,
        auth,
        "app-settings",
        {"key": "max_users", "value": 25, "data_type": "number", "is_readonly": True},
    )
    assert (row["value"], row["updated_by"]) == (25, str(owner.id))
    path = f"app-settings/{row['id']}"
    assert_error(send(client, auth, "PATCH", path, {"value": 30}), 409, "READ_ONLY_SETTING")
    assert send(client, auth, "PATCH", path, {"description": "Seats"}).status_code == 200
    # Read-only is lifted first, on its own: one request cannot lift it and change the value.
    response = send(client, auth, "PATCH", path, {"is_readonly": False, "value": 30})
    assert_error(response, 409, "READ_ONLY_SETTING")
    assert send(client, auth, "PATCH", path, {"is_readonly": False}).status_code == 200
    response = send(client, auth, "PATCH", path, {"value": "30"})
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["value"]
    assert send(client, auth, "PATCH", path, {"value": 30}).get_json()["value"] == 30


def test_roles_read_and_write(client, owner, make_employee, headers, assert_error):
    manager = headers(make_employee(owner, role="manager").user)
    employee = headers(make_employee(owner).user)
    assert client.get("/api/v1/workspaces", headers=manager).status_code == 200
    assert_error(client.get("/api/v1/app-settings", headers=manager), 403, "FORBIDDEN")
    response = client.post("/api/v1/feature-flags", json={"key": "beta"}, headers=manager)
    assert_error(response, 403, "FORBIDDEN")
    assert_error(client.get("/api/v1/roles", headers=employee), 403, "FORBIDDEN")


def test_feature_flag_rollout_is_a_percentage(client, auth, assert_error):
    flag = post(client, auth, "feature-flags", {"key": "new-console", "is_enabled": True})
    assert (flag["rollout_percentage"], flag["conditions"]) == (100, {})
    response = client.post(
        "/api/v1/feature-flags", json={"key": "x", "rollout_percentage": 101}, headers=auth
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["rollout_percentage"]
