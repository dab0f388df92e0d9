"""Data management tables: versioned system settings (a change keeps the previous value and
bumps the version; values typed), imports read-only over HTTP, import errors append-only."""

from __future__ import annotations

import pytest

from app.models import DataImport


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


def patch(client, auth, row, body, status=200):
    response = client.patch(
        f"/api/v1/system-settings/{row['id']}", json=body, headers={**auth, "If-Match": "*"}
    )
    assert response.status_code == status, response.get_json()
    return response.get_json()


def history(row):
    return row["value"], row["previous_value"], row["version"]


def test_a_changed_value_keeps_the_previous_one_and_bumps_the_version(client, auth):
    row = post(
        client,
        auth,
        "system-settings",
        {"category": "sales", "key": "labour_rate", "data_type": "decimal", "value": "120.00"},
    )
    assert history(row) == ("120.00", None, 1)
    assert history(patch(client, auth, row, {"value": "135.50"})) == ("135.50", "120.00", 2)
    assert history(patch(client, auth, row, {"value": "135.50"})) == ("135.50", "120.00", 2)
    assert history(patch(client, auth, row, {"name": "Labour"})) == ("135.50", "120.00", 2)
    assert history(patch(client, auth, row, {"value": "99"})) == ("99", "135.50", 3)


@pytest.mark.parametrize(
    ("data_type", "good", "bad"),
    [
        ("string", "EUR", 5),
        ("integer", 30, "30"),
        ("integer", 0, True),
        ("decimal", "0.10", 0.1),
        ("boolean", False, "false"),
        ("json", {"net": 30}, "net 30"),
    ],
)
def test_values_must_be_of_the_settings_type(client, auth, assert_error, data_type, good, bad):
    body = {"key": f"k-{data_type}", "data_type": data_type}
    row = post(client, auth, "system-settings", {**body, "value": good})
    assert row["value"] == good
    response = client.post("/api/v1/system-settings", json={**body, "value": bad}, headers=auth)
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["value"]
    response = client.patch(
        f"/api/v1/system-settings/{row['id']}",
        json={"value": bad},
        headers={**auth, "If-Match": "*"},
    )
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["errors"]) == ["value"]


def test_the_history_is_the_servers(client, auth, assert_error):
    body = {"key": "currency", "value": "EUR", "version": 7, "previous_value": "USD"}
    response = client.post("/api/v1/system-settings", json=body, headers=auth)
    errors = assert_error(response, 422, "VALIDATION_ERROR")["errors"]
    assert sorted(errors) == ["previous_value", "version"]


def test_imports_are_read_only_and_their_errors_append_only(client, auth, owner, db):
    job_written = DataImport(
        organization_id=owner.organization_id,
        kind="inventory",
        file_name="parts.csv",
        sha256="ab" * 32,
        total_rows=3,
        processed_rows=2,
        succeeded_rows=1,
        failed_rows=1,
    )
    db.session.add(job_written)
    db.session.commit()
    [listed] = client.get("/api/v1/data-imports", headers=auth).get_json()
    assert (listed["status"], listed["mode"], listed["processed_rows"]) == ("queued", "add", 2)
    body = {"kind": "inventory", "file_name": "x.csv", "sha256": "cd" * 32}
    assert client.post("/api/v1/data-imports", json=body, headers=auth).status_code == 405
    error = post(
        client,
        auth,
        "import-errors",
        {
            "import_id": listed["id"],
            "row_number": 3,
            "column": "quantity",
            "value": "-2",
            "code": "NEGATIVE_VALUE",
            "message": "quantity may not be negative",
        },
    )
    assert (error["severity"], error["row_number"]) == ("error", 3)
    item = f"/api/v1/import-errors/{error['id']}"
    for method in ("PATCH", "DELETE"):
        response = client.open(
            item, method=method, json={"message": "x"}, headers={**auth, "If-Match": "*"}
        )
        assert response.status_code == 405
    rows = client.get(f"/api/v1/import-errors?import_id={listed['id']}", headers=auth).get_json()
    assert [r["code"] for r in rows] == ["NEGATIVE_VALUE"]
