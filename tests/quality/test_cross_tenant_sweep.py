"""The cross-tenant sweep, generated from the app's URL map rather than a hand-written list.

Two organizations (Acme and Globex) each get one user per role and one row of every kind a URL
can name (`ROW_FACTORIES` in conftest.py). Then, for every route under /api/v1 and every method:

- a route with path variables, called by Acme's owner (who holds every permission, so the
  tenant lookup is what answers) with Globex's ids, is a 404 `NOT_FOUND` envelope; for every
  other Acme role it answers exactly what it answers for an id that exists nowhere (a 403 is
  fine if it is the same 403: the caller learns nothing);
- a route without path variables (the lists, /auth/me, /clock/status) never shows a Globex
  id or e-mail address to any Acme role, also when a filter names a Globex id;
- afterwards every row of every table is exactly as before.

A URL variable without a registered factory fails `test_every_path_variable_has_a_factory`,
naming the route: a new resource is not finished until the sweep can reach it.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

# "METHOD endpoint" → request body, for the rare route whose minimal body cannot be derived
# from the OpenAPI document (OpenAPI.example): e.g. a field with a pattern and no example.
SWEEP_BODIES: dict[str, Any] = {}
_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")


def _url(rule: str, values: dict[str, str]) -> str:
    return _VARIABLE.sub(lambda m: values[m.group(1)], rule)


def _body(openapi: Any, method: str, route: Any) -> Any:
    key = f"{method} {route.endpoint}"
    if key in SWEEP_BODIES:
        return SWEEP_BODIES[key]
    operation = openapi.operation(method, route.openapi_path)
    schema = openapi.body_schema(operation) if operation else None
    return openapi.example(schema) if schema is not None else None


def _call(client: Any, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    if body is None:
        return client.open(url, method=method, headers=headers)
    return client.open(url, method=method, json=body, headers=headers)


def _outcome(response: Any) -> tuple[int, str | None]:
    body = response.get_json(silent=True)
    return response.status_code, body.get("error") if isinstance(body, dict) else None


def sweep_ids(acme: Any, globex: Any, routes: list[Any], openapi: Any) -> tuple[int, list[str]]:
    """Try every route that names rows with Globex's ids as Acme; (requests, problems)."""
    problems: list[str] = []
    tried = 0
    for route in routes:
        if not route.variables or None in route.variables.values():
            continue  # no variables: the listing test; no factory: its own test fails
        theirs = {var: str(globex.rows[key][0]) for var, key in route.variables.items()}
        nowhere = {var: str(uuid.uuid4()) for var in route.variables}
        for method in route.methods:
            tried += 1
            body = _body(openapi, method, route)
            owner = _call(acme.client, method, _url(route.rule, theirs), body, acme.auth["owner"])
            envelope = owner.get_json(silent=True) or {}
            if (owner.status_code, envelope.get("error"), envelope.get("code")) != (
                404,
                "NOT_FOUND",
                404,
            ):
                problems.append(
                    f"{method} {route.rule} as owner with the other tenant's ids: "
                    f"{owner.status_code} {envelope} (body sent: {body!r})"
                )
            for role, headers in acme.auth.items():
                if role == "owner":
                    continue
                seen = _outcome(_call(acme.client, method, _url(route.rule, theirs), body, headers))
                missing = _outcome(
                    _call(acme.client, method, _url(route.rule, nowhere), body, headers)
                )
                if seen != missing:
                    problems.append(
                        f"{method} {route.rule} as {role}: other tenant's ids give {seen}, "
                        f"ids that exist nowhere give {missing}"
                    )
    return tried, problems


def tenant_fingerprints(db: Any, organization_id: uuid.UUID) -> set[str]:
    """Every id of every row the organization owns (any table with `organization_id`), the
    organization's own id and its users' e-mail addresses: none may reach another tenant."""
    connection = db.session.connection()
    meta = sa.MetaData()
    meta.reflect(bind=connection)
    found = {str(organization_id)}
    for table in meta.tables.values():
        if "organization_id" in table.c and "id" in table.c:
            stmt = sa.select(table.c.id).where(table.c.organization_id == organization_id)
            # Integer keys (the outbox's) are no fingerprint: "116" is in any body.
            found.update(str(i) for i in connection.scalars(stmt) if not isinstance(i, int))
    users = meta.tables["users"]
    emails = sa.select(users.c.email).where(users.c.organization_id == organization_id)
    found.update(connection.scalars(emails))
    return found


def _leaks(text: str, secrets: Iterable[str]) -> list[str]:
    return sorted(s for s in secrets if s in text)


def test_every_path_variable_has_a_factory(routes: list[Any]) -> None:
    missing = [
        f"{route.rule} (endpoint {route.endpoint}): <{var}>"
        for route in routes
        for var, key in route.variables.items()
        if key is None
    ]
    assert missing == [], (
        "The cross-tenant sweep cannot fill these URL variables. Register a factory for each in "
        "ROW_FACTORIES (tests/quality/conftest.py), keyed '<variable>', '<blueprint>:<variable>' "
        "or '<endpoint>:<variable>':\n" + "\n".join(missing)
    )


def test_every_factory_fills_some_route(routes: list[Any], row_factories: dict[str, Any]) -> None:
    used = {key for route in routes for key in route.variables.values()}
    assert sorted(set(row_factories) - used) == []


def test_other_tenants_ids_are_404_on_every_route(
    make_tenant: Any, routes: list[Any], openapi: Any, dbstate: Any
) -> None:
    acme, globex = make_tenant("Acme"), make_tenant("Globex")
    before = dbstate.snapshot()
    tried, problems = sweep_ids(acme, globex, routes, openapi)
    assert problems == [], "\n".join(problems)
    # The foundation alone has 9 route/method pairs with ids; the sweep must not go quiet.
    assert tried >= 9
    assert dbstate.diff(before, dbstate.snapshot()) == []


def test_the_sweep_notices_a_missing_tenant_filter(
    make_tenant: Any, routes: list[Any], openapi: Any, dbstate: Any, monkeypatch: Any
) -> None:
    """The sweep is only worth something if it fails when scoping breaks: drop the
    organization filter from the one scoped lookup and it must name the routes that leak."""
    from app.services import tenancy

    def unscoped(model: Any, actor: Any, *, include_deleted: bool = False) -> Any:
        stmt = sa.select(model)
        if not include_deleted and hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))
        return stmt

    acme, globex = make_tenant("Acme"), make_tenant("Globex")
    monkeypatch.setattr(tenancy, "scoped", unscoped)
    with dbstate.rolled_back():
        _, problems = sweep_ids(acme, globex, routes, openapi)
    reported = "\n".join(problems)
    for expected in (
        "GET /api/v1/departments/<uuid:item_id> as owner",
        "DELETE /api/v1/departments/<uuid:item_id> as owner",
        "GET /api/v1/users/<uuid:user_id> as owner",
        "PATCH /api/v1/users/<uuid:user_id> as owner",
    ):
        assert expected in reported


def sweep_lists(
    acme: Any, globex: Any, routes: list[Any], openapi: Any, db: Any
) -> tuple[int, list[str]]:
    """GET every route without path variables as every Acme role, looking for Globex's ids
    and e-mails in the raw body; (Acme ids the owner saw, problems)."""
    theirs = tenant_fingerprints(db, globex.organization_id)
    mine = tenant_fingerprints(db, acme.organization_id)
    problems: list[str] = []
    own_rows_listed = 0
    for route in routes:
        if route.variables or "GET" not in route.methods:
            continue
        operation = openapi.operation("GET", route.openapi_path) or {}
        query = openapi.query_parameters(operation)
        page = "?page_size=500" if "page_size" in query else ""
        for role, headers in acme.auth.items():
            response = acme.client.get(route.rule + page, headers=headers)
            text = response.get_data(as_text=True)
            if leaked := _leaks(text, theirs):
                problems.append(f"GET {route.rule} as {role} shows {leaked[:3]}")
            own_rows_listed += len(_leaks(text, mine)) if role == "owner" else 0
        # A filter naming one of their rows must not open a door either (the owner sees most).
        for name, schema in query.items():
            if schema.get("format") != "uuid":
                continue
            key = name if name in globex.rows else "employee_id"
            their_id = str(globex.rows[key][0])
            sep = "&" if page else "?"
            response = acme.client.get(
                f"{route.rule}{page}{sep}{name}={their_id}", headers=acme.auth["owner"]
            )
            text = response.get_data(as_text=True)
            if leaked := _leaks(text, theirs - {their_id}):
                problems.append(f"GET {route.rule}?{name}=<theirs> as owner shows {leaked[:3]}")
            elif response.status_code == 200 and json.loads(text) not in ([], {}):
                problems.append(f"GET {route.rule}?{name}=<theirs> lists {text[:200]}")
    return own_rows_listed, problems


def test_no_route_without_ids_shows_another_tenants_rows(
    make_tenant: Any, routes: list[Any], openapi: Any, db: Any, dbstate: Any
) -> None:
    acme, globex = make_tenant("Acme"), make_tenant("Globex")
    before = dbstate.snapshot()
    own_rows_listed, problems = sweep_lists(acme, globex, routes, openapi, db)
    assert problems == [], "\n".join(problems)
    # The lists really listed something (Acme's own rows), so there was something to leak.
    assert own_rows_listed >= 10
    assert dbstate.diff(before, dbstate.snapshot()) == []


def test_the_list_sweep_notices_a_missing_tenant_filter(
    make_tenant: Any, routes: list[Any], openapi: Any, db: Any, monkeypatch: Any
) -> None:
    from app.services.identity import employees, users

    def unscoped(model: Any, actor: Any, *, include_deleted: bool = False) -> Any:
        return sa.select(model)

    acme, globex = make_tenant("Acme"), make_tenant("Globex")
    monkeypatch.setattr(employees, "scoped", unscoped)
    monkeypatch.setattr(users, "scoped", unscoped)
    _, problems = sweep_lists(acme, globex, routes, openapi, db)
    reported = "\n".join(problems)
    for expected in ("GET /api/v1/employees as owner", "GET /api/v1/users as admin"):
        assert expected in reported
