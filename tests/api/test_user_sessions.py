"""`/user-sessions`: admins see who is signed in where and sign a device out; the refresh
token's id is never shown."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from app.models import AuditLog, UserSession


def _login(client: Any, email: str, password: str) -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_admin_lists_sessions_without_their_token_ids_and_revokes_one(
    client: Any, make_org: Any, make_employee: Any, headers: Any, db: Any
) -> None:
    owner = make_org()
    worker = make_employee(owner)
    phone = _login(client, worker.user.email, "employee-password")
    admin = headers(owner)

    listed = client.get(f"/api/v1/user-sessions?user_id={worker.user_id}", headers=admin)
    assert listed.status_code == 200
    (row,) = listed.get_json()
    assert row["user_id"] == str(worker.user_id) and row["revoked_at"] is None
    assert "refresh_jti" not in row
    assert client.get("/api/v1/user-sessions?sort=refresh_jti", headers=admin).status_code == 422
    stored = db.session.get(UserSession, uuid.UUID(row["id"]))
    assert stored.refresh_jti not in listed.get_data(as_text=True)

    revoked = client.post(f"/api/v1/user-sessions/{row['id']}/revoke", headers=admin)
    assert revoked.status_code == 200
    assert revoked.get_json()["revoked_reason"] == "revoked"
    first_end = revoked.get_json()["revoked_at"]
    # The phone is signed out: its access token and its refresh token both stop working.
    bearer = {"Authorization": f"Bearer {phone['access_token']}"}
    assert client.get("/api/v1/clock/status", headers=bearer).status_code == 401
    refresh = {"Authorization": f"Bearer {phone['refresh_token']}"}
    assert client.post("/api/v1/auth/refresh", headers=refresh).status_code == 401
    # Idempotent; the audit log says who revoked it.
    again = client.post(f"/api/v1/user-sessions/{row['id']}/revoke", headers=admin)
    assert (again.status_code, again.get_json()["revoked_at"]) == (200, first_end)
    audits = db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_id == stored.id)).all()
    assert [(a.action, a.user_id) for a in audits] == [("UPDATE", owner.id)]


def test_sessions_are_for_admins_and_their_own_organization(
    client: Any, make_org: Any, make_employee: Any, headers: Any, assert_error: Any
) -> None:
    owner, other = make_org(), make_org("Globex")
    manager = make_employee(owner, role="manager")
    _login(client, manager.user.email, "employee-password")
    assert_error(
        client.get("/api/v1/user-sessions", headers=headers(manager.user)), 403, "FORBIDDEN"
    )
    theirs = client.get("/api/v1/user-sessions", headers=headers(other)).get_json()[0]["id"]
    for method in ("get", "post"):
        url = f"/api/v1/user-sessions/{theirs}" + ("/revoke" if method == "post" else "")
        response = getattr(client, method)(url, headers=headers(owner))
        assert_error(response, 404, "NOT_FOUND")
    assert (
        client.delete(f"/api/v1/user-sessions/{theirs}", headers=headers(other)).status_code == 405
    )
