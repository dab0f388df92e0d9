"""Every failure is the API.md envelope: malformed JSON, wrong content type, unknown routes and
methods, oversize bodies, validation and integrity errors; nothing half-written."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import Employee


def test_unknown_route_and_method(client, assert_error):
    assert_error(client.get("/api/v1/nope"), 404, "NOT_FOUND")
    assert_error(client.delete("/api/v1/auth/login"), 405, "METHOD_NOT_ALLOWED")


def test_malformed_json_is_400(client, assert_error):
    response = client.post("/api/v1/auth/login", data='{"email": ', content_type="application/json")
    assert_error(response, 400, "MALFORMED_JSON")


def test_non_json_body_is_415(client, assert_error):
    response = client.post(
        "/api/v1/auth/login",
        data="email=a&password=b",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_oversize_body_is_413(client, assert_error):
    huge = '{"email": "' + "a" * (1024 * 1024 + 10) + '", "password": "x"}'
    response = client.post("/api/v1/auth/login", data=huge, content_type="application/json")
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_validation_errors_name_the_fields(client, assert_error):
    body = assert_error(
        client.post("/api/v1/auth/login", json={"email": 5}), 422, "VALIDATION_ERROR"
    )
    assert set(body["errors"]) == {"email", "password"}
    body = assert_error(client.post("/api/v1/auth/login", json=[1, 2]), 422, "VALIDATION_ERROR")
    assert body["errors"]


def test_unknown_body_field_and_unknown_filter_are_422(client, assert_error, make_org, headers):
    owner = make_org()
    body = assert_error(
        client.post("/api/v1/auth/login", json={"email": "a@b.c", "password": "x", "admin": 1}),
        422,
        "VALIDATION_ERROR",
    )
    assert "admin" in body["errors"]
    body = assert_error(
        client.get("/api/v1/employees?colour=red", headers=headers(owner)), 422, "VALIDATION_ERROR"
    )
    assert "colour" in body["errors"]


def test_page_size_above_500_is_422(client, assert_error, make_org, headers):
    owner = make_org()
    assert_error(
        client.get("/api/v1/employees?page_size=501", headers=headers(owner)),
        422,
        "VALIDATION_ERROR",
    )
    assert client.get("/api/v1/employees?page_size=500", headers=headers(owner)).status_code == 200


def test_duplicate_employee_number_is_409_and_nothing_is_written(
    client, assert_error, make_org, make_employee, headers, db
):
    owner = make_org()
    make_employee(owner, employee_number="E-1")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Employee))
    body = {
        "first_name": "A",
        "last_name": "B",
        "email": "dup@example.com",
        "password": "long-enough-pw",
        "employee_number": "E-1",
        "hourly_rate": "10.00",
    }
    assert_error(
        client.post("/api/v1/employees", json=body, headers=headers(owner)), 409, "CONFLICT"
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Employee)) == before


def test_database_integrity_error_becomes_409(client, assert_error, make_org, headers, db):
    owner = make_org()
    auth = headers(owner)
    first = client.post("/api/v1/departments", json={"name": "Ops", "code": "OPS"}, headers=auth)
    assert first.status_code == 201
    # The unique (organization_id, code) constraint of the database answers, not a pre-check.
    assert_error(
        client.post("/api/v1/departments", json={"name": "Ops 2", "code": "OPS"}, headers=auth),
        409,
        "CONFLICT",
    )


def test_money_and_uuid_inputs_are_validated(client, assert_error, make_org, headers):
    owner = make_org()
    body = {
        "first_name": "A",
        "last_name": "B",
        "email": "m@example.com",
        "password": "long-enough-pw",
        "employee_number": "9",
        "hourly_rate": "12.345",
    }
    errors = assert_error(
        client.post("/api/v1/employees", json=body, headers=headers(owner)), 422, "VALIDATION_ERROR"
    )["errors"]
    assert "hourly_rate" in errors
    for bad in ("NaN", "-1.00", True, "abc"):
        response = client.post(
            "/api/v1/employees", json={**body, "hourly_rate": bad}, headers=headers(owner)
        )
        assert_error(response, 422, "VALIDATION_ERROR")
    assert_error(
        client.get("/api/v1/employees/not-a-uuid", headers=headers(owner)), 404, "NOT_FOUND"
    )
