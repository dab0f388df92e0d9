"""Another organization's rows are a 404 for read and write; every write leaves an audit row."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from app.models import AuditLog, Department, Employee


def test_other_tenants_rows_are_404_and_unchanged(
    client, make_org, make_employee, headers, assert_error, db
):
    acme, globex = make_org("Acme"), make_org("Globex")
    theirs = make_employee(globex, position="Welder")
    dept = client.post(
        "/api/v1/departments", json={"name": "Yard"}, headers=headers(globex)
    ).get_json()
    mine = headers(acme)
    patches = {
        f"/api/v1/employees/{theirs.id}": {"position": "X"},
        f"/api/v1/users/{theirs.user_id}": {"first_name": "X"},
        f"/api/v1/departments/{dept['id']}": {"name": "X"},
    }
    for url, patch in patches.items():
        assert_error(client.get(url, headers=mine), 404, "NOT_FOUND")
        assert_error(client.patch(url, json=patch, headers=mine), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/v1/departments/{dept['id']}", headers=mine), 404, "NOT_FOUND")
    db.session.expire_all()
    assert db.session.get(Employee, theirs.id).position == "Welder"
    assert db.session.get(Department, uuid.UUID(dept["id"])).deleted_at is None


def test_foreign_keys_to_other_tenants_are_refused(
    client, make_org, make_employee, headers, assert_error
):
    acme, globex = make_org("Acme"), make_org("Globex")
    their_manager = make_employee(globex, role="manager")
    their_dept = client.post(
        "/api/v1/departments", json={"name": "Yard"}, headers=headers(globex)
    ).get_json()
    body = {
        "first_name": "A",
        "last_name": "B",
        "email": "a@example.com",
        "password": "long-pass-1",
        "employee_number": "1",
        "hourly_rate": "10.00",
        "manager_id": str(their_manager.id),
    }
    errors = assert_error(
        client.post("/api/v1/employees", json=body, headers=headers(acme)), 422, "VALIDATION_ERROR"
    )["errors"]
    assert "manager_id" in errors
    errors = assert_error(
        client.post(
            "/api/v1/departments",
            json={"name": "Sub", "parent_id": their_dept["id"]},
            headers=headers(acme),
        ),
        422,
        "VALIDATION_ERROR",
    )["errors"]
    assert "parent_id" in errors


def test_audit_log_records_create_update_delete_with_old_and_new_values(
    client, make_org, headers, db
):
    owner = make_org()
    auth = headers(owner)
    dept = client.post(
        "/api/v1/departments",
        json={"name": "Crew", "code": "C1"},
        headers={**auth, "User-Agent": "phone/1.0"},
    ).get_json()
    client.patch(f"/api/v1/departments/{dept['id']}", json={"name": "Crew One"}, headers=auth)
    assert client.delete(f"/api/v1/departments/{dept['id']}", headers=auth).status_code == 204
    response = client.get(
        f"/api/v1/audit-logs?entity_type=departments&entity_id={dept['id']}", headers=auth
    )
    rows = response.get_json()
    assert [r["action"] for r in rows] == ["DELETE", "UPDATE", "CREATE"]
    delete, update, create = rows
    assert create["new_values"]["name"] == "Crew" and create["old_values"] is None
    assert update["old_values"] == {"name": "Crew"}
    assert update["new_values"] == {"name": "Crew One"}
    assert update["changes"] == ["name"]
    assert delete["old_values"]["deleted_at"] is None and delete["new_values"]["deleted_at"]
    assert create["user_id"] == str(owner.id) and create["user_email"] == owner.email
    assert create["request_path"] == "/api/v1/departments" and create["http_method"] == "POST"
    assert create["ip_address"] == "127.0.0.1"
    assert client.get(f"/api/v1/departments/{dept['id']}", headers=auth).status_code == 404


def test_audit_never_stores_password_hashes_and_is_tenant_scoped(
    client, make_org, make_employee, headers, db
):
    acme, globex = make_org("Acme"), make_org("Globex")
    worker = make_employee(acme)
    client.patch(
        f"/api/v1/users/{worker.user_id}",
        json={"password": "brand-new-password"},
        headers=headers(acme),
    )
    for row in db.session.scalars(sa.select(AuditLog)):
        assert "password_hash" not in (row.new_values or {})
        assert "password_hash" not in (row.old_values or {})
    theirs = client.get("/api/v1/audit-logs?page_size=500", headers=headers(globex)).get_json()
    assert theirs and all(r["entity_id"] != str(worker.id) for r in theirs)
    assert {r["user_id"] for r in theirs} <= {str(globex.id), None}


def test_rolled_back_write_leaves_no_audit_row(client, make_org, headers, db, assert_error):
    owner = make_org()
    auth = headers(owner)
    client.post("/api/v1/departments", json={"name": "A", "code": "DUP"}, headers=auth)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    assert_error(
        client.post("/api/v1/departments", json={"name": "B", "code": "DUP"}, headers=auth),
        409,
        "CONFLICT",
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)) == before


def test_department_in_use_cannot_be_deleted(
    client, make_org, make_employee, headers, assert_error
):
    owner = make_org()
    worker = make_employee(owner, department="Crew")
    assert_error(
        client.delete(f"/api/v1/departments/{worker.department_id}", headers=headers(owner)),
        409,
        "IN_USE",
    )
