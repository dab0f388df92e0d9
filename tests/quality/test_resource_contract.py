"""The contract of ERP_API.md ("Resources: one pattern for every ERP table"), applied to every
resource of the generic layer's registry: a resource registered tomorrow is tested by the same
code, with rows made from its model (`resource_rows`).

Per resource: list with pagination, `sort` (and 422 for an unknown field), every equality
filter, `q`, `from`/`to`; get with an ETag; create; PATCH with If-Match (412 when stale); soft
delete (404 afterwards, the row kept, a live unique key usable again); 405 for the methods it
leaves out; audit rows; another tenant's row is a 404 and another tenant's foreign key a 422;
each role's 403s as the permission table says.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import marshmallow as ma
import pytest
import sqlalchemy as sa

from app.blueprints import discover_blueprints
from app.blueprints.common import DecimalString
from app.blueprints.resource import REGISTRY, Registered
from app.blueprints.resource_schemas import SERVER_COLUMNS
from app.models import AuditLog
from app.security import PERMISSIONS
from tests.quality.resource_rows import (
    field_value,
    foreign_table,
    make_resource_row,
    reference,
    resource_body,
)

CHANGED = "Changed"  # the PATCH step's new text


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "table" in metafunc.fixturenames:
        discover_blueprints()  # importing the routes registers every resource
        metafunc.parametrize("table", sorted(REGISTRY))


@pytest.fixture
def acme(make_tenant: Any) -> Any:
    return make_tenant("Acme", rows=False)


def _item(registered: Registered, row_id: Any) -> str:
    return f"{registered.url}/{row_id}"


def _get(tenant: Any, url: str, role: str = "owner") -> Any:
    return tenant.client.get(url, headers=tenant.auth[role])


def _ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [row["id"] for row in response.get_json()]


def _writable_text_field(registered: Registered) -> str | None:
    """A plain text field the PATCH schema accepts (not a key, not an enumeration, not a
    code too short for "Changed": a 3-letter currency, a 2-letter state); None when the
    resource has none, and the PATCH step checks only the stale If-Match."""
    model = registered.resource.model
    for name, field in registered.patch().load_fields.items():
        longest = min(
            (r.max for r in field.validators if isinstance(r, ma.validate.Length) and r.max),
            default=None,
        )
        if (
            type(field) is ma.fields.String
            and foreign_table(model, name) is None
            and not any(
                isinstance(v, ma.validate.OneOf | ma.validate.Regexp) for v in field.validators
            )
            and name not in ("currency", "email", "code", "number")
            and (longest is None or longest >= len(CHANGED))
        ):
            return field.data_key or name
    return None


def _live_unique_columns(model: type[Any]) -> list[str]:
    """The columns of a live-rows-only unique index (besides the tenant column), if any."""
    for index in model.__table__.indexes:
        if index.unique and index.name.endswith("_live"):
            # The tenant columns are the server's (a body sending workspace_id is a 422).
            return [c.key for c in index.columns if c.key not in SERVER_COLUMNS]
    return []


def test_registry_serves_the_erp_tables() -> None:
    """The registry holds what the app serves: the domains of ERP_DOMAINS.md on one layer."""
    assert {"customers", "products", "product_categories", "vendors", "departments"} <= set(
        REGISTRY
    )


def test_contract_read_create_patch_delete(table: str, acme: Any, db: Any) -> None:
    registered = REGISTRY[table]
    res = registered.resource
    before = set(_ids(_get(acme, f"{registered.url}?page_size=500")))  # rows a tenant starts with
    row_id = make_resource_row(acme, table)
    mine = str(row_id)

    # get, with an ETag
    got = _get(acme, _item(registered, row_id))
    assert got.status_code == 200, got.get_json()
    assert got.headers["ETag"].startswith('"')
    row = got.get_json()
    assert row["id"] == mine

    # list and pagination
    listed = _get(acme, f"{registered.url}?page_size=1")
    assert len(_ids(listed)) == 1
    assert json.loads(listed.headers["X-Pagination"])["total"] == len(before) + 1

    # sort: any column, both directions; an unknown field is a 422
    for sort in ("-created_at", "created_at,id"):
        ordered = _ids(_get(acme, f"{registered.url}?sort={sort}&page_size=500"))
        assert mine in ordered and len(ordered) == len(before) + 1
    bad = _get(acme, f"{registered.url}?sort=no_such_field")
    assert (bad.status_code, bad.get_json()["error"]) == (422, "VALIDATION_ERROR")

    # every equality filter: the row's own value finds it, another value does not
    for name, field in registered.query().load_fields.items():
        key = field.data_key or name
        if key in ("page", "page_size", "q", "sort", "from", "to") or row.get(key) is None:
            continue
        value = row[key]
        wire = str(value).lower() if isinstance(value, bool) else value
        assert mine in _ids(_get(acme, f"{registered.url}?{key}={wire}&page_size=500")), key
        other = _other_value(field, value)
        if other is not None:
            assert mine not in _ids(_get(acme, f"{registered.url}?{key}={other}")), key

    # q: a substring of a name-like column finds it; `%` and `_` match only themselves
    for column in res.search_columns:
        text = row.get(column)
        if isinstance(text, str) and len(text) > 2:
            assert mine in _ids(_get(acme, f"{registered.url}?q={text[1:-1].upper()}"))
            assert _ids(_get(acme, f"{registered.url}?q=%25")) == []
            assert mine not in _ids(_get(acme, f"{registered.url}?q=_")) or "_" in text
            break

    # from/to on the resource's own date
    if res.date_field and row.get(res.date_field):
        day = str(row[res.date_field])[:10]
        after = (date.fromisoformat(day) + timedelta(days=2)).isoformat()
        before_day = (date.fromisoformat(day) - timedelta(days=2)).isoformat()
        assert mine in _ids(_get(acme, f"{registered.url}?from={before_day}&to={after}"))
        assert mine not in _ids(_get(acme, f"{registered.url}?from={after}"))
        assert mine not in _ids(_get(acme, f"{registered.url}?to={before_day}"))

    # create and every write audited
    audited = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.entity_id == row_id)
    ).all()
    # (Tables the system writes for itself, like system logs, are not audited again.)
    assert "CREATE" in audited or not res.model.__audited__

    _check_patch(acme, registered, row_id, got.headers["ETag"], db)
    _check_delete(acme, registered, row_id, db)


def _other_value(field: ma.fields.Field, mine: Any) -> Any:
    for rule in field.validators:
        if isinstance(rule, ma.validate.OneOf):
            others = [c for c in rule.choices if c != mine]
            return others[0] if others else None
    if isinstance(field, ma.fields.UUID):
        return uuid.uuid4()
    if isinstance(field, ma.fields.Boolean):
        return str(not mine).lower()
    return None


def _check_patch(acme: Any, registered: Registered, row_id: Any, etag: str, db: Any) -> None:
    url = _item(registered, row_id)
    if "PATCH" not in registered.resource.methods:
        response = acme.client.patch(url, json={}, headers=acme.auth["owner"])
        assert response.status_code == 405
        allowed = set(response.headers["Allow"].split(", "))  # RFC 9110: what the URL takes
        assert {"GET", "HEAD", "OPTIONS"} <= allowed and "PATCH" not in allowed
        return
    field = _writable_text_field(registered)
    body = {field: CHANGED} if field is not None else {}
    stale = acme.client.patch(url, json=body, headers={**acme.auth["owner"], "If-Match": '"0"'})
    assert (stale.status_code, stale.get_json()["error"]) == (412, "PRECONDITION_FAILED")
    if field is None:  # nothing to write "Changed" into: the stale If-Match is what is left
        return
    ok = acme.client.patch(url, json=body, headers={**acme.auth["owner"], "If-Match": etag})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()[field] == CHANGED
    assert ok.headers["ETag"] != etag
    # (A create that prices a document or converts its currency has UPDATE rows of its own.)
    updates = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.entity_id == row_id, AuditLog.action == "UPDATE")
    ).all()
    assert CHANGED in [u.new_values.get(field) for u in updates]


def _check_delete(acme: Any, registered: Registered, row_id: Any, db: Any) -> None:
    res = registered.resource
    url = _item(registered, row_id)
    if "DELETE" not in res.methods:
        assert acme.client.delete(url, headers=acme.auth["owner"]).status_code == 405
        return
    kept = _get(acme, url).get_json()
    assert acme.client.delete(url, headers=acme.auth["owner"]).status_code == 204
    assert _get(acme, url).status_code == 404
    assert str(row_id) not in _ids(_get(acme, f"{registered.url}?page_size=500"))
    stored = db.session.get(res.model, row_id, populate_existing=True)
    assert stored is not None and stored.deleted_at is not None
    assert (
        "DELETE"
        in db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity_id == row_id)).all()
        or "UPDATE"
        in db.session.scalars(sa.select(AuditLog.action).where(AuditLog.entity_id == row_id)).all()
    )
    # The deleted row's unique key is free again.
    unique = [c for c in _live_unique_columns(res.model) if kept.get(c) is not None]
    if unique and "POST" in res.methods:
        body = {**resource_body(acme, res.table), **{c: kept[c] for c in unique}}
        again = acme.client.post(registered.url, json=body, headers=acme.auth["owner"])
        assert again.status_code == 201, again.get_json()


def test_contract_another_tenant(table: str, make_tenant: Any) -> None:
    """Another tenant's row is a 404; a foreign key naming another tenant's row is a 422."""
    registered = REGISTRY[table]
    res = registered.resource
    acme, globex = make_tenant("Acme", rows=False), make_tenant("Globex", rows=False)
    theirs = make_resource_row(globex, table)
    for method in sorted(res.methods - {"POST"}):
        response = acme.client.open(
            _item(registered, theirs), method=method, json={}, headers=acme.auth["owner"]
        )
        assert (response.status_code, response.get_json()["error"]) == (404, "NOT_FOUND")
    if "POST" not in res.methods:
        return
    body = resource_body(acme, table)
    create = registered.create()
    for name, field in create.load_fields.items():
        target = foreign_table(res.model, name)
        if target is None or target in ("users", "workspaces"):
            continue
        key = field.data_key or name
        foreign = {**body, key: str(reference(globex, target))}
        response = acme.client.post(registered.url, json=foreign, headers=acme.auth["owner"])
        assert response.status_code == 422, (key, response.get_json())
        assert key in response.get_json()["errors"]
        return


def test_contract_roles(table: str, acme: Any) -> None:
    """Each role reads and writes exactly what the permission table gives it (one tenant for
    all five roles: the roles share it, and a tenant per role cost minutes over the registry)."""
    registered = REGISTRY[table]
    res = registered.resource
    checked = []
    for role in acme.auth:
        listed = _get(acme, registered.url, role)
        assert listed.status_code == (200 if role in PERMISSIONS[res.read] else 403), role
        if "POST" in res.methods and role not in PERMISSIONS[res.write]:
            response = acme.client.post(
                registered.url, json=resource_body(acme, table), headers=acme.auth[role]
            )
            assert (response.status_code, response.get_json()["error"]) == (403, "FORBIDDEN")
        checked.append(role)
    assert sorted(checked) == ["admin", "employee", "manager", "owner", "payroll"]


def test_contract_refuses_server_computed_fields(acme: Any) -> None:
    """A request that sends a server-computed field is a 422 naming it."""
    registered = REGISTRY["products"]
    body = {**resource_body(acme, "products"), "stock_level": "5", "available_quantity": "1"}
    response = acme.client.post(registered.url, json=body, headers=acme.auth["owner"])
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) >= {"stock_level", "available_quantity"}


def test_a_field_value_exists_for_every_required_field(acme: Any) -> None:
    """The row generator knows every field type the registry uses (else factories break)."""
    for registered in REGISTRY.values():
        model = registered.resource.model
        for name, field in registered.create().load_fields.items():
            if field.required and foreign_table(model, name) is None:
                assert field_value(acme, model, name, field) is not None, (model, name)
    assert isinstance(REGISTRY["products"].create().load_fields["price"], DecimalString)
