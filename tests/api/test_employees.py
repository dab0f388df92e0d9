"""Employees and users: creation with the linked user, role scoping, transitive reports."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.models import User


def _body(**overrides):
    return {
        "first_name": "Ada",
        "last_name": "Field",
        "email": "ada@example.com",
        "password": "ada-password",
        "employee_number": "E-100",
        "hourly_rate": "25.50",
        "currency": "USD",
        **overrides,
    }


def test_create_employee_creates_the_linked_user(client, make_org, headers, db):
    owner = make_org()
    response = client.post(
        "/api/v1/employees",
        json=_body(department="Crew A", timezone="America/Denver"),
        headers=headers(owner),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["hourly_rate"] == "25.50"
    assert body["department"] == "Crew A"
    assert body["role"] == "employee"
    assert response.headers["ETag"]
    user = db.session.scalar(sa.select(User).where(User.email == "ada@example.com"))
    assert str(user.id) == body["user_id"]
    login = client.post(
        "/api/v1/auth/login", json={"email": "ada@example.com", "password": "ada-password"}
    )
    assert login.status_code == 200
    assert login.get_json()["user"]["employee_id"] == body["id"]


def test_an_employee_without_department_says_so_with_null(client, make_org, headers):
    """Every response field is required in the OpenAPI document; the fuzzer found `department`
    left out (not null) for an employee without one."""
    response = client.post("/api/v1/employees", json=_body(), headers=headers(make_org()))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert "department" in body and body["department"] is None
    assert body["department_id"] is None


def test_employee_number_is_unique_per_organization_only(client, make_org, headers, assert_error):
    acme, globex = make_org("Acme"), make_org("Globex")
    assert client.post("/api/v1/employees", json=_body(), headers=headers(acme)).status_code == 201
    other = _body(email="ada2@example.com")
    assert client.post("/api/v1/employees", json=other, headers=headers(globex)).status_code == 201
    assert_error(
        client.post(
            "/api/v1/employees", json=_body(email="ada3@example.com"), headers=headers(acme)
        ),
        409,
        "CONFLICT",
    )


def test_an_owner_can_become_an_employee_of_their_own_organization(client, make_org, headers):
    owner = make_org()
    body = {k: v for k, v in _body(email=owner.email).items() if k != "password"}
    response = client.post("/api/v1/employees", json=body, headers=headers(owner))
    assert response.status_code == 201
    assert response.get_json()["role"] == "owner"
    me = client.get("/api/v1/auth/me", headers=headers(owner)).get_json()
    assert me["employee_id"] == response.get_json()["id"]


def test_manager_sees_reports_transitively_and_employee_sees_self(
    client, make_org, make_employee, headers
):
    owner = make_org()
    boss = make_employee(owner, role="manager")
    lead = make_employee(owner, role="manager", manager=boss)
    worker = make_employee(owner, manager=lead)
    outsider = make_employee(owner)

    def visible(user):
        response = client.get("/api/v1/employees", headers=headers(user))
        assert response.status_code == 200
        return {e["id"] for e in response.get_json()}

    assert visible(boss.user) == {str(boss.id), str(lead.id), str(worker.id)}
    assert visible(lead.user) == {str(lead.id), str(worker.id)}
    assert visible(worker.user) == {str(worker.id)}
    assert visible(owner) == {str(e.id) for e in (boss, lead, worker, outsider)}
    assert (
        client.get(f"/api/v1/employees/{outsider.id}", headers=headers(boss.user)).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/employees/{worker.id}", headers=headers(boss.user)).status_code == 200
    )


def test_payroll_reads_everyone_but_cannot_write(
    client, make_org, make_employee, headers, assert_error
):
    owner = make_org()
    payroll = make_employee(owner, role="payroll")
    make_employee(owner)
    response = client.get("/api/v1/employees", headers=headers(payroll.user))
    assert len(response.get_json()) == 2
    assert_error(
        client.post("/api/v1/employees", json=_body(), headers=headers(payroll.user)),
        403,
        "FORBIDDEN",
    )


def test_employee_cannot_create_employees_or_read_users(
    client, make_org, make_employee, headers, assert_error
):
    owner = make_org()
    worker = make_employee(owner)
    assert_error(
        client.post("/api/v1/employees", json=_body(), headers=headers(worker.user)),
        403,
        "FORBIDDEN",
    )
    assert_error(client.get("/api/v1/users", headers=headers(worker.user)), 403, "FORBIDDEN")
    assert_error(client.get("/api/v1/audit-logs", headers=headers(worker.user)), 403, "FORBIDDEN")


def test_manager_creates_reports_under_themselves_and_only_employees(
    client, make_org, make_employee, headers, assert_error
):
    owner = make_org()
    manager = make_employee(owner, role="manager")
    response = client.post("/api/v1/employees", json=_body(), headers=headers(manager.user))
    assert response.status_code == 201
    assert response.get_json()["manager_id"] == str(manager.id)
    assert_error(
        client.post(
            "/api/v1/employees",
            json=_body(email="x@example.com", employee_number="E-2", role="admin"),
            headers=headers(manager.user),
        ),
        403,
        "ROLE_NOT_ASSIGNABLE",
    )


def test_manager_cannot_patch_someone_outside_their_tree(
    client, make_org, make_employee, headers, assert_error
):
    owner = make_org()
    manager = make_employee(owner, role="manager")
    mine = make_employee(owner, manager=manager)
    other = make_employee(owner)
    ok = client.patch(
        f"/api/v1/employees/{mine.id}", json={"hourly_rate": "30.00"}, headers=headers(manager.user)
    )
    assert ok.status_code == 200 and ok.get_json()["hourly_rate"] == "30.00"
    assert_error(
        client.patch(
            f"/api/v1/employees/{other.id}",
            json={"hourly_rate": "30.00"},
            headers=headers(manager.user),
        ),
        404,
        "NOT_FOUND",
    )


def test_reporting_loops_are_refused(client, make_org, make_employee, headers, assert_error):
    owner = make_org()
    boss = make_employee(owner, role="manager")
    report = make_employee(owner, manager=boss)
    body = assert_error(
        client.patch(
            f"/api/v1/employees/{boss.id}",
            json={"manager_id": str(report.id)},
            headers=headers(owner),
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert "manager_id" in body["errors"]


def test_patch_with_if_match(client, make_org, make_employee, headers, assert_error):
    owner = make_org()
    worker = make_employee(owner)
    url = f"/api/v1/employees/{worker.id}"
    etag = client.get(url, headers=headers(owner)).headers["ETag"]
    changed = client.patch(
        url, json={"position": "Lead"}, headers={**headers(owner), "If-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert_error(
        client.patch(url, json={"position": "Other"}, headers={**headers(owner), "If-Match": etag}),
        412,
        "PRECONDITION_FAILED",
    )
    assert client.get(url, headers=headers(owner)).get_json()["position"] == "Lead"


def test_list_filters_and_pagination_header(client, make_org, make_employee, headers):
    owner = make_org()
    manager = make_employee(owner, role="manager")
    for _ in range(3):
        make_employee(owner, manager=manager)
    make_employee(owner, status="inactive")
    response = client.get(
        f"/api/v1/employees?manager_id={manager.id}&page_size=2", headers=headers(owner)
    )
    assert len(response.get_json()) == 2
    meta = json.loads(response.headers["X-Pagination"])
    assert meta == {
        "total": 3,
        "total_pages": 2,
        "first_page": 1,
        "last_page": 2,
        "page": 1,
        "next_page": 2,
    }
    inactive = client.get("/api/v1/employees?status=inactive", headers=headers(owner)).get_json()
    assert len(inactive) == 1
    found = client.get("/api/v1/employees?q=worker", headers=headers(owner)).get_json()
    assert len(found) == 5


def test_users_endpoints_for_admins(client, make_org, headers, assert_error, db):
    owner = make_org()
    created = client.post(
        "/api/v1/users",
        json={
            "email": "admin@example.com",
            "password": "admin-password",
            "first_name": "Ad",
            "last_name": "Min",
            "role": "admin",
        },
        headers=headers(owner),
    )
    assert created.status_code == 201
    admin = db.session.get(User, __import__("uuid").UUID(created.get_json()["id"]))
    # An admin cannot create or touch owners, and the last owner cannot be demoted.
    assert_error(
        client.post(
            "/api/v1/users",
            json={
                "email": "o2@example.com",
                "password": "owner2-password",
                "first_name": "O",
                "last_name": "Two",
                "role": "owner",
            },
            headers=headers(admin),
        ),
        403,
        "ROLE_NOT_ASSIGNABLE",
    )
    assert_error(
        client.patch(f"/api/v1/users/{owner.id}", json={"role": "admin"}, headers=headers(admin)),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.patch(f"/api/v1/users/{owner.id}", json={"role": "admin"}, headers=headers(owner)),
        409,
        "LAST_OWNER",
    )
    listed = client.get("/api/v1/users?role=admin", headers=headers(owner)).get_json()
    assert [u["email"] for u in listed] == ["admin@example.com"]


def test_password_change_revokes_existing_sessions(client, make_org, headers, assert_error, db):
    owner = make_org()
    created = client.post(
        "/api/v1/users",
        json={
            "email": "pw@example.com",
            "password": "first-password",
            "first_name": "P",
            "last_name": "W",
        },
        headers=headers(owner),
    ).get_json()
    user = db.session.get(User, __import__("uuid").UUID(created["id"]))
    old = headers(user)
    assert (
        client.patch(
            f"/api/v1/users/{user.id}", json={"password": "second-password"}, headers=headers(owner)
        ).status_code
        == 200
    )
    assert_error(client.get("/api/v1/auth/me", headers=old), 401, "TOKEN_REVOKED")
