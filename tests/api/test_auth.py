"""Register, login and lockout, refresh rotation and reuse, logout, /auth/me."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from app.models import AuditLog, Organization, User, UserSession, Workspace
from app.models.base import utcnow

REGISTER = {
    "organization": {"name": "Northwind Field", "timezone": "Europe/Berlin", "currency": "EUR"},
    "owner": {
        "email": "Boss@Northwind.example",
        "password": "correct-horse-1",
        "first_name": "Nora",
        "last_name": "North",
    },
}


def _register(client, body=None):
    return client.post("/api/v1/auth/register", json=body or REGISTER)


def _login(client, email="boss@northwind.example", password="correct-horse-1"):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_register_creates_tenant_workspace_and_owner(client, db):
    response = _register(client)
    assert response.status_code == 201
    body = response.get_json()
    assert body["organization"]["name"] == "Northwind Field"
    assert body["organization"]["timezone"] == "Europe/Berlin"
    assert body["workspace"]["organization_id"] == body["organization"]["id"]
    assert body["user"]["role"] == "owner"
    assert body["user"]["email"] == "boss@northwind.example"
    assert body["user"]["employee_id"] is None
    org = db.session.get(Organization, __import__("uuid").UUID(body["organization"]["id"]))
    assert org.currency == "EUR"
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Workspace)
            .where(Workspace.organization_id == org.id)
        )
        == 1
    )
    user = db.session.scalar(sa.select(User).where(User.email == "boss@northwind.example"))
    assert user.password_hash.startswith("$argon2id$")
    me = client.get("/api/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert me.get_json()["organization_id"] == body["organization"]["id"]
    assert me.get_json()["workspace_id"] == body["workspace"]["id"]


def test_register_rejects_weak_password_and_bad_timezone(client, assert_error, db):
    weak = {**REGISTER, "owner": {**REGISTER["owner"], "password": "123456789"}}
    body = assert_error(_register(client, weak), 422, "WEAK_PASSWORD")
    assert "password" in body["errors"]
    bad_tz = {**REGISTER, "organization": {"name": "X", "timezone": "Mars/Olympus"}}
    body = assert_error(_register(client, bad_tz), 422, "VALIDATION_ERROR")
    assert "organization" in body["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_register_twice_with_same_email_is_conflict(client, assert_error):
    assert _register(client).status_code == 201
    again = {**REGISTER, "owner": {**REGISTER["owner"], "email": "boss@NORTHWIND.example"}}
    assert_error(_register(client, again), 409, "CONFLICT")


def test_login_returns_tokens_and_is_audited(client, db):
    _register(client)
    response = _login(client, email="  BOSS@northwind.example ")
    assert response.status_code == 200
    body = response.get_json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 900
    assert body["user"]["email"] == "boss@northwind.example"
    assert client.get("/api/v1/auth/me", headers=bearer(body["access_token"])).status_code == 200
    actions = db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity_type == "users"))
    assert "LOGIN" in list(actions)


def test_wrong_password_and_unknown_email_are_the_same_401(client, assert_error):
    _register(client)
    assert_error(_login(client, password="wrong-password"), 401, "INVALID_CREDENTIALS")
    assert_error(_login(client, email="nobody@example.com"), 401, "INVALID_CREDENTIALS")


def test_five_failures_lock_the_account_for_fifteen_minutes(client, assert_error):
    _register(client)
    start = utcnow()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            assert_error(_login(client, password="wrong-password"), 401, "INVALID_CREDENTIALS")
        body = assert_error(_login(client), 423, "ACCOUNT_LOCKED")  # right password, still locked
        assert body["details"]["locked_until"]
        traveller.shift(timedelta(minutes=14, seconds=59))
        assert_error(_login(client), 423, "ACCOUNT_LOCKED")
        traveller.shift(timedelta(seconds=2))
        assert _login(client).status_code == 200


def test_failures_spread_over_more_than_the_window_do_not_lock(client, assert_error):
    _register(client)
    with time_machine.travel(utcnow(), tick=False) as traveller:
        for _ in range(4):
            assert_error(_login(client, password="wrong-password"), 401, "INVALID_CREDENTIALS")
        traveller.shift(timedelta(minutes=16))
        for _ in range(4):
            assert_error(_login(client, password="wrong-password"), 401, "INVALID_CREDENTIALS")
        assert _login(client).status_code == 200


def test_success_resets_the_failure_count(client, assert_error):
    _register(client)
    for _ in range(4):
        _login(client, password="wrong-password")
    assert _login(client).status_code == 200
    for _ in range(4):
        assert_error(_login(client, password="wrong-password"), 401, "INVALID_CREDENTIALS")
    assert _login(client).status_code == 200


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(client, assert_error):
    _register(client)
    first = _login(client).get_json()
    rotated = client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"]))
    assert rotated.status_code == 200
    second = rotated.get_json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client.get("/api/v1/auth/me", headers=bearer(second["access_token"])).status_code == 200
    # The old refresh token again: theft is assumed and the whole session dies.
    assert_error(
        client.post("/api/v1/auth/refresh", headers=bearer(first["refresh_token"])),
        401,
        "TOKEN_REVOKED",
    )
    assert_error(
        client.post("/api/v1/auth/refresh", headers=bearer(second["refresh_token"])),
        401,
        "TOKEN_REVOKED",
    )
    assert_error(
        client.get("/api/v1/auth/me", headers=bearer(second["access_token"])), 401, "TOKEN_REVOKED"
    )


def test_access_token_is_not_a_refresh_token_and_vice_versa(client, assert_error):
    _register(client)
    tokens = _login(client).get_json()
    assert_error(
        client.post("/api/v1/auth/refresh", headers=bearer(tokens["access_token"])),
        401,
        "UNAUTHORIZED",
    )
    assert_error(
        client.get("/api/v1/auth/me", headers=bearer(tokens["refresh_token"])), 401, "UNAUTHORIZED"
    )


def test_logout_revokes_access_and_refresh_at_once_and_durably(client, assert_error, db):
    _register(client)
    tokens = _login(client).get_json()
    assert (
        client.post("/api/v1/auth/logout", headers=bearer(tokens["access_token"])).status_code
        == 204
    )
    assert_error(
        client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])), 401, "TOKEN_REVOKED"
    )
    assert_error(
        client.post("/api/v1/auth/refresh", headers=bearer(tokens["refresh_token"])),
        401,
        "TOKEN_REVOKED",
    )
    # Durable: the revocation is a database row, not process memory.
    revoked = db.session.scalar(
        sa.select(UserSession).where(UserSession.revoked_reason == "logout")
    )
    assert revoked is not None and revoked.revoked_at is not None
    other = _login(client).get_json()
    assert client.get("/api/v1/auth/me", headers=bearer(other["access_token"])).status_code == 200


def test_expired_access_token_is_401_token_expired(client, assert_error):
    _register(client)
    tokens = _login(client).get_json()
    with time_machine.travel(utcnow() + timedelta(minutes=16)):
        assert_error(
            client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])),
            401,
            "TOKEN_EXPIRED",
        )


def test_missing_and_garbage_tokens_are_401(client, assert_error):
    assert_error(client.get("/api/v1/auth/me"), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/v1/auth/me", headers=bearer("not-a-jwt")), 401, "UNAUTHORIZED")


def test_deactivated_user_cannot_use_old_token(
    client, assert_error, make_org, make_employee, headers
):
    owner = make_org()
    employee = make_employee(owner)
    token = headers(employee.user)
    assert client.get("/api/v1/auth/me", headers=token).status_code == 200
    client.patch(
        f"/api/v1/employees/{employee.id}", json={"status": "terminated"}, headers=headers(owner)
    )
    assert client.get("/api/v1/auth/me", headers=token).status_code == 401
    assert_error(_login(client, employee.user.email, "employee-password"), 403, "ACCOUNT_DISABLED")
