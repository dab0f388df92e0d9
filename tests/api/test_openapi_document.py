"""The OpenAPI document states what the API does, so that a phone app can be generated from it.

Rules that hold for every operation (routes added later, the generic ERP resources' included,
are held to them too), some exact values, and a client generated with openapi-python-client
(a dev dependency) that parses the live answers of a clock-in. Which error codes each
operation really answers is checked over the whole suite (`_check_error_codes_documented` in
tests/conftest.py).
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.errors import error_catalog
from app.openapi import _reachable

METHODS = ("get", "post", "put", "patch", "delete")
INSIDE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}  # inside make_geofence's square
KEYED = {
    "clockIn",
    "clockOut",
    "startBreak",
    "endBreak",
    "switchTask",
    "syncPunches",
    "createTimeEntry",
    "createPayrollExport",
}


@pytest.fixture(scope="module")
def spec(_app: Flask) -> dict[str, Any]:
    with _app.test_client() as client:
        document: dict[str, Any] = client.get("/api/openapi.json").get_json()
    return document


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(op for _p, _m, op in operations(spec) if op["operationId"] == operation_id)


def parameter_names(spec: dict[str, Any], op: dict[str, Any]) -> set[str]:
    found = set()
    for parameter in op.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        found.add(parameter["name"])
    return found


def view_functions(app: Flask) -> Iterator[tuple[str, str, Any]]:
    """(OpenAPI path, method, the decorated view function) of every documented route."""
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in METHODS:
            if method.upper() not in (rule.methods or ()):
                continue
            cls = getattr(view, "view_class", None)
            yield path, method, getattr(cls, method) if cls is not None else view


def test_the_document_is_valid_openapi(spec):
    from openapi_spec_validator import validate

    validate(spec)
    assert spec["servers"] == [{"url": "/", "description": "This server"}]


def test_every_operation_has_a_unique_camel_case_operation_id(spec):
    ids = [op.get("operationId") for _p, _m, op in operations(spec)]
    assert all(i and re.fullmatch(r"[a-z][A-Za-z0-9]*", i) for i in ids), ids
    assert len(ids) == len(set(ids))
    named = {(m, p): op["operationId"] for p, m, op in operations(spec)}
    assert named["post", "/api/v1/clock/in"] == "clockIn"
    assert named["get", "/api/v1/time-entries"] == "listTimeEntries"
    assert named["post", "/api/v1/time-entries"] == "createTimeEntry"
    assert named["patch", "/api/v1/time-entries/{entry_id}"] == "updateTimeEntry"
    assert named["post", "/api/v1/time-entries/{entry_id}/approve"] == "approveTimeEntry"
    assert named["post", "/api/v1/approvals/{approval_id}/decision"] == "decideApproval"
    assert named["delete", "/api/v1/departments/{item_id}"] == "deleteDepartment"  # generic
    assert named["get", "/api/v1/settings/payroll"] == "getPayrollSettings"


def test_idempotent_views_declare_the_key_and_the_replay_header(spec, _app):
    keyed = {
        (path, method)
        for path, method, view in view_functions(_app)
        if getattr(view, "_fieldclock_idempotent", False)
    }
    declared = {
        (path, method): op
        for path, method, op in operations(spec)
        if "Idempotency-Key" in parameter_names(spec, op)
    }
    assert set(declared) == keyed
    assert {op["operationId"] for op in declared.values()} == KEYED
    for op in declared.values():
        for status, response in op["responses"].items():
            replayed = "Idempotent-Replayed" in response.get("headers", {})
            assert replayed == (status[0] in "234" and status != "401"), (op["operationId"], status)
    key = spec["components"]["parameters"]["IdempotencyKey"]
    assert (key["in"], key["schema"]) == (
        "header",
        {"type": "string", "minLength": 1, "maxLength": 255},
    )


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_nullable_nested_objects_keep_their_type(spec):
    free_form = {"type": "object", "nullable": True}
    assert [n for n in _walk(spec) if free_form in n.get("anyOf", [])] == []
    schemas = spec["components"]["schemas"]
    for schema, field, target in [
        ("Status", "time_entry", "TimeEntry"),
        ("Status", "break", "Break"),
        ("PunchResponse", "previous_time_entry", "TimeEntry"),
        ("PunchResponse", "break", "Break"),
    ]:
        expected = {"allOf": [{"$ref": f"#/components/schemas/{target}"}], "nullable": True}
        assert schemas[schema]["properties"][field] == expected, (schema, field)


def test_answer_schemas_list_every_property_as_required(spec):
    schemas = spec["components"]["schemas"]
    ops = [op for _p, _m, op in operations(spec)]
    sent = _reachable([op.get("requestBody", {}) for op in ops], schemas)
    sent |= _reachable([op.get("parameters", []) for op in ops], schemas)
    answered = _reachable([op["responses"] for op in ops], schemas) - sent
    for name in answered - {"Error", "PaginationMetadata", "ErrorCode"}:
        properties = schemas[name].get("properties")
        if properties:
            assert schemas[name].get("required") == list(properties), name
    assert {"access_token", "refresh_token", "expires_in"} <= set(schemas["Tokens"]["required"])
    assert "TimeEntry" in answered and "PunchResponse" in answered


def test_error_code_enum_is_every_code_of_the_code(spec):
    schemas = spec["components"]["schemas"]
    assert schemas["ErrorCode"]["enum"] == list(error_catalog())
    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorCode"}
    assert {"TOKEN_EXPIRED", "GEOFENCE_OUTSIDE", "NOT_CLOCKED_IN", "IN_USE"} <= set(
        schemas["ErrorCode"]["enum"]
    )


def test_every_error_response_lists_its_codes(spec):
    catalog = error_catalog()
    for _path, _method, op in operations(spec):
        for status, response in op["responses"].items():
            if status == "default" or int(status) < 400:
                continue
            codes = response.get("x-error-codes")
            assert codes, (op["operationId"], status)
            for code in codes:
                assert catalog[code][0] == int(status), (op["operationId"], status, code)
                assert f"`{code}`" in response["description"]
            if op["operationId"] != "readyz":  # (its 503 is its own report)
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}


def codes(spec: dict[str, Any], operation_id: str, status: int) -> list[str]:
    listed: list[str] = operation(spec, operation_id)["responses"][str(status)]["x-error-codes"]
    return listed


def test_error_codes_of_the_clock_and_login(spec):
    assert codes(spec, "clockIn", 401) == ["UNAUTHORIZED", "TOKEN_EXPIRED", "TOKEN_REVOKED"]
    assert set(codes(spec, "clockIn", 409)) == {
        "CONFLICT",
        "IDEMPOTENCY_IN_PROGRESS",
        "ALREADY_CLOCKED_IN",
        "DUPLICATE_PUNCH",
    }
    assert set(codes(spec, "clockIn", 422)) == {
        "VALIDATION_ERROR",
        "IDEMPOTENCY_KEY_REUSED",
        "TIMESTAMP_OUT_OF_RANGE",
        "GEOFENCE_OUTSIDE",
        "GPS_ACCURACY_TOO_LOW",
        "GEOFENCE_REQUIRED",
    }
    assert codes(spec, "clockIn", 429) == ["RATE_LIMITED"]
    assert set(codes(spec, "clockIn", 403)) == {"FORBIDDEN", "NOT_AN_EMPLOYEE"}
    assert "NOT_ON_BREAK" in codes(spec, "endBreak", 409)
    assert codes(spec, "login", 401) == ["INVALID_CREDENTIALS"]  # public: no token codes
    assert codes(spec, "login", 423) == ["ACCOUNT_LOCKED"]
    assert codes(spec, "deleteDepartment", 409) == ["CONFLICT", "IN_USE"]  # generic + its hook


def test_lists_document_their_pagination_header(spec, client, make_org, headers):
    for _path, _method, op in operations(spec):
        names = parameter_names(spec, op)
        documented = "X-Pagination" in op["responses"].get("200", {}).get("headers", {})
        assert documented == ({"page", "page_size"} <= names), op["operationId"]
    metadata = spec["components"]["schemas"]["PaginationMetadata"]["properties"]
    owner = make_org()
    response = client.get("/api/v1/employees?page_size=1", headers=headers(owner))
    page = json.loads(response.headers["X-Pagination"])
    assert set(page) <= set(metadata) and {"total", "page", "total_pages"} <= set(page)


def test_etags_are_documented_where_views_use_them(spec, _app):
    by_key = {(p, m): op for p, m, op in operations(spec)}
    for path, method, view in view_functions(_app):
        if (path, method) not in by_key:
            continue
        op = by_key[path, method]
        source = inspect.getsource(inspect.unwrap(view))
        uses = "with_etag(" in source or "check_if_match(" in source
        assert getattr(view, "_fieldclock_etag", False) == uses, op["operationId"]
        checks = "check_if_match(" in source
        assert ("If-Match" in parameter_names(spec, op)) == checks, op["operationId"]
        assert ("412" in op["responses"]) == checks, op["operationId"]
        answered = [r for s, r in op["responses"].items() if s.startswith("2") and s != "204"]
        if "with_etag(" in source:
            assert all("ETag" in r.get("headers", {}) for r in answered), op["operationId"]
    assert "If-Match" in parameter_names(spec, operation(spec, "updateTimeEntry"))


def test_the_erp_resources_are_held_to_the_same_rules(spec):
    """Every generic resource is in the document (so every rule above, which walks all
    operations, holds for it), its list's `sort` names exactly the fields it sorts by, and its
    bodies say what a foreign key takes."""
    from app.blueprints.resource import REGISTRY
    from app.services.resources import sortable_fields

    paths = spec["paths"]
    for table, registered in REGISTRY.items():
        methods = {m.lower() for m in registered.resource.methods}
        collection = {m for m in ("get", "post") if m in methods}
        item = {m for m in ("get", "patch", "delete") if m in methods}
        assert set(paths[registered.url]) & set(METHODS) == collection, table
        assert set(paths[registered.url + "/{item_id}"]) & set(METHODS) == item, table
        listing = paths[registered.url]["get"]
        (sort,) = [p for p in listing["parameters"] if p.get("name") == "sort"]
        fields = sortable_fields(registered.resource.model)
        one = "-?(" + "|".join(fields) + ")"
        assert sort["schema"]["pattern"] == f"^{one}(,{one})*$", table
    quote = spec["components"]["schemas"]["QuoteCreate"]["properties"]["customer_id"]
    assert quote["description"] == (
        "The id of a `customers` row of your organization (not deleted); another id is a 422 "
        "(`No such record.`)."
    )


def test_rules_the_schemas_state(spec):
    schemas = spec["components"]["schemas"]
    # an exclusive Range bound (accuracy must be positive)
    assert schemas["Punch"]["properties"]["accuracy_m"] == {
        "type": "number",
        "minimum": 0.0,
        "exclusiveMinimum": True,
        "maximum": 1000000.0,
    }
    # the same on a decimal string, as an extension beside its x-minimum
    quantity = schemas["PartToOrderCreate"]["properties"]["quantity"]
    assert (quantity["x-minimum"], quantity["x-exclusiveMinimum"]) == ("0.000", True)
    # wall-clock times: the pattern is exactly what is accepted
    for name in ("ShiftTemplateCreate", "OvertimePolicy"):
        for field, value in schemas[name]["properties"].items():
            if value.get("example") == "06:00":
                assert value["pattern"] == "^([01][0-9]|2[0-3]):[0-5][0-9]$", (name, field)
    assert schemas["ShiftTemplateCreate"]["properties"]["start_time"]["pattern"]


def test_the_export_file_is_a_binary_download(spec):
    op = operation(spec, "downloadPayrollExportFile")
    assert parameter_names(spec, op) == {"If-None-Match"}
    ok = op["responses"]["200"]
    assert "text/csv; charset=utf-8" in ok["content"]
    assert {m["schema"]["format"] for m in ok["content"].values()} == {"binary"}
    assert {"ETag", "Content-Disposition"} <= set(ok["headers"])
    assert op["responses"]["409"]["x-error-codes"] == ["EXPORT_NOT_READY"]
    assert "304" in op["responses"]


def test_a_generated_client_parses_a_clock_in(
    spec, tmp_path, monkeypatch, client, make_org, make_employee, make_geofence, headers
):
    """openapi-python-client (what the issue's phone-app developer used) makes a client from
    the served document with no warning, whose models read the live answers typed."""
    generator = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent))
    if generator is None:
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    (tmp_path / "openapi.json").write_text(json.dumps(spec))
    # (the generator formats with ruff, which is beside it)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    run = subprocess.run(
        [generator, "generate", "--path", "openapi.json", "--meta", "none", "--output-path", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0 and "Warning" not in run.stdout + run.stderr, run.stdout
    monkeypatch.syspath_prepend(str(tmp_path))
    models = importlib.import_module("out.models")
    owner = make_org(timezone="America/Chicago")
    employee = make_employee(owner)
    make_geofence(owner)
    auth = headers(employee.user)
    first = client.post("/api/v1/clock/in", json=INSIDE, headers=auth)
    assert first.status_code == 201, first.get_json()
    punch = models.PunchResponse.from_dict(first.get_json())
    assert isinstance(punch.time_entry, models.TimeEntry)
    assert punch.previous_time_entry is None and punch.break_ is None
    status = models.Status.from_dict(client.get("/api/v1/clock/status", headers=auth).get_json())
    assert isinstance(status.time_entry, models.TimeEntry)
    assert status.time_entry.id == punch.time_entry.id
    again = client.post("/api/v1/clock/in", json=INSIDE, headers=auth)
    error = models.Error.from_dict(again.get_json())
    assert error.error is models.ErrorCode.ALREADY_CLOCKED_IN
    clock_in = importlib.import_module("out.api.clock.clock_in")
    assert "idempotency_key" in inspect.signature(clock_in.sync_detailed).parameters
