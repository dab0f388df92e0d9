"""Shared machinery of the quality gates (fuzzing, the cross-tenant sweep, bad input).

- `Tenant`: an organization with one user per role (all but the owner also employees, the
  employee reporting to the manager), real access and refresh tokens, and one row of every kind
  that a URL can name, made by the factories of `ROW_FACTORIES`.
- `ROW_FACTORIES`: how to make "a row of this kind for an organization", keyed by the URL
  variable that names it. **Every new route with a path parameter must register a factory
  here**: the cross-tenant sweep fails, naming the route, when it meets a variable it cannot
  fill.
- `routes`: every URL rule under /api/v1 with its OpenAPI path and, per URL variable, the
  registry key that fills it.
- `dbstate`: snapshots of every row of every table (to prove that requests changed nothing)
  and `rolled_back()`, a SAVEPOINT around a block of requests, rolled back afterwards, so that a
  fuzzer's DELETE or logout cannot disturb the next example and nothing is left behind.

Test modules here cannot import this file (pytest runs with `--import-mode=importlib`), so
everything is offered as fixtures; a test taking `role` is run once per role.
"""

from __future__ import annotations

import functools
import itertools
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.quality.resource_rows import OUTSIDE_REGISTRY, make_resource_row

ROLES = ("owner", "admin", "manager", "payroll", "employee")
_CONVERTER_RE = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
SKIP_METHODS = frozenset({"HEAD", "OPTIONS"})
_serial = itertools.count(1)


@dataclass
class Tenant:
    """One organization as the tests see it: plain ids and headers, never live ORM objects
    (the fuzzer closes the session between examples, which would detach them)."""

    name: str
    organization_id: uuid.UUID
    client: FlaskClient
    make_employee_row: Callable[..., Any]
    user_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    employee_ids: dict[str, uuid.UUID] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)
    refresh_auth: dict[str, dict[str, str]] = field(default_factory=dict)
    # registry key → ids of the rows its factory made for this tenant
    rows: dict[str, list[uuid.UUID]] = field(default_factory=dict)

    def request(
        self, method: str, path: str, body: Any = None, role: str = "owner"
    ) -> dict[str, Any]:
        """Call the API as `role` and insist on a 2xx: factories must not fail quietly."""
        response = self.client.open(path, method=method, json=body, headers=self.auth[role])
        assert 200 <= response.status_code < 300, (method, path, response.get_json())
        return response.get_json() or {}

    def make_employee(self, **fields: Any) -> Any:
        """A new employee (and user) reporting to this tenant's manager."""
        fields.setdefault("manager_id", self.employee_ids["manager"])
        fields.setdefault("department", "Yard")
        return self.make_employee_row(self.owner_user(), **fields)

    def owner_user(self) -> Any:
        from app.extensions import db
        from app.models import User

        return db.session.get(User, self.user_ids["owner"])

    def session_for(self, user_id: uuid.UUID) -> dict[str, str]:
        """A fresh login session (Authorization header) for any user of this tenant."""
        from app.extensions import db
        from app.models import User
        from app.services.identity import auth

        tokens = auth.start_session(db.session.get(User, user_id), "127.0.0.1", "quality-gates")
        db.session.commit()
        return {"Authorization": f"Bearer {tokens.access_token}"}


RowFactory = Callable[[Tenant], uuid.UUID]


def _new_user(tenant: Tenant) -> uuid.UUID:
    return uuid.UUID(str(tenant.make_employee().user_id))


def _new_employee(tenant: Tenant) -> uuid.UUID:
    return uuid.UUID(str(tenant.make_employee(position="Welder").id))


# A 100 m square around 41.8805 N, 87.6295 W (Chicago); punches at its centre are inside.
SITE = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 10.0}
SQUARE = [[-87.6301, 41.8800], [-87.6289, 41.8800], [-87.6289, 41.8810], [-87.6301, 41.8810]]


def _new_geofence(tenant: Tenant) -> uuid.UUID:
    body = {
        "name": f"Site {next(_serial)}",
        "geometry": {"type": "Polygon", "coordinates": [[*SQUARE, SQUARE[0]]]},
        "policy": "flag",
        "address": "1 Yard Road",
    }
    return uuid.UUID(tenant.request("POST", "/api/v1/geofences", body)["id"])


def _new_time_entry(tenant: Tenant) -> uuid.UUID:
    """A submitted entry: a new employee clocks in and out at a new site, through the API."""
    _new_geofence(tenant)
    worker = tenant.make_employee()
    auth = tenant.session_for(worker.user_id)
    for path, status in (("/api/v1/clock/in", 201), ("/api/v1/clock/out", 200)):
        response = tenant.client.post(path, json=SITE, headers=auth)
        assert response.status_code == status, response.get_json()
    return uuid.UUID(response.get_json()["time_entry"]["id"])


def _new_approval(tenant: Tenant) -> uuid.UUID:
    """Submitting an entry (clock-out) opens its approval request; that request."""
    entry_id = _new_time_entry(tenant)
    response = tenant.client.get(
        f"/api/v1/approvals?entity_id={entry_id}", headers=tenant.auth["owner"]
    )
    [approval] = response.get_json()
    return uuid.UUID(approval["id"])


def _new_shift(tenant: Tenant) -> uuid.UUID:
    # A new employee each time: one employee's shifts may not overlap (409 SHIFT_OVERLAP).
    body = {
        "employee_id": str(tenant.make_employee().id),
        "starts_at": "2026-12-01T14:00:00Z",
        "ends_at": "2026-12-01T22:00:00Z",
        "notes": "Bring the ladder",
    }
    return uuid.UUID(tenant.request("POST", "/api/v1/shifts", body)["id"])


def _new_task(tenant: Tenant) -> uuid.UUID:
    body = {
        "title": f"Inspect scaffold {next(_serial)}",
        "priority": "high",
        "assigned_to": str(tenant.employee_ids["employee"]),
    }
    return uuid.UUID(tenant.request("POST", "/api/v1/tasks", body)["id"])


def _new_overtime_policy(tenant: Tenant) -> uuid.UUID:
    body = {
        "name": f"Drivers {next(_serial)}",
        "rule": "custom",
        "weekly_overtime_after_hours": "50",
    }
    return uuid.UUID(tenant.request("POST", "/api/v1/overtime-policies", body)["id"])


def _new_overtime_alert(tenant: Tenant) -> uuid.UUID:
    """Alerts are made by the alert job, not the API: one written directly (a distinct day
    each time, alerts being unique per employee, kind and day)."""
    from datetime import date, timedelta

    from app.extensions import db
    from app.models import OvertimeAlert

    day = date(2026, 1, 5) + timedelta(days=next(_serial))
    alert = OvertimeAlert(
        organization_id=tenant.organization_id,
        employee_id=tenant.employee_ids["employee"],
        kind="DAILY_OVERTIME",
        period="workday",
        period_start=day,
        week_start=day - timedelta(days=day.weekday()),
        seconds=1800,
        details={"message": "0.50 h past the daily overtime threshold."},
    )
    db.session.add(alert)
    db.session.commit()
    return alert.id


def _new_payroll_export(tenant: Tenant) -> uuid.UUID:
    body = {"period_start": "2026-11-16", "period_end": "2026-11-29", "format": "csv"}
    return uuid.UUID(tenant.request("POST", "/api/v1/payroll-exports", body)["id"])


def _new_job(tenant: Tenant) -> uuid.UUID:
    """A tenant's background job: a summary recompute (its job id is a UUID)."""
    body = {"week_start": "2026-11-16"}
    return uuid.UUID(tenant.request("POST", "/api/v1/summaries/weekly/recompute", body)["job_id"])


# URL variable → how to make a row of that kind for a tenant (the resources of the generic
# layer are added by `all_row_factories`, from the registry). Keys are tried most specific
# first: "<endpoint>:<variable>" (e.g. "departments.departments_item:item_id"), then
# "<blueprint>:<variable>" (e.g. "departments:item_id", for every route of a blueprint), then
# the bare "<variable>" (e.g. "employee_id", meaning the same kind wherever it appears). The
# generic resource layer names every id `item_id`, so those must be qualified.
ROW_FACTORIES: dict[str, RowFactory] = {
    "user_id": _new_user,
    "employee_id": _new_employee,
    "geofence_id": _new_geofence,
    "entry_id": _new_time_entry,
    "approval_id": _new_approval,
    "shift_id": _new_shift,
    "task_id": _new_task,
    "policy_id": _new_overtime_policy,
    "alert_id": _new_overtime_alert,
    "export_id": _new_payroll_export,
    "job_id": _new_job,
}


# Rows outside the generic layer that its resources' foreign keys may name.
OUTSIDE_REGISTRY.update({"geofences": _new_geofence, "tasks": _new_task, "shifts": _new_shift})


def all_row_factories() -> dict[str, RowFactory]:
    """`ROW_FACTORIES` and, for every resource of the generic layer, a factory generated from
    its model (`resource_rows`), keyed by its item endpoint."""
    from app.blueprints.resource import REGISTRY

    generated: dict[str, RowFactory] = {
        f"{registered.endpoints[1]}:item_id": functools.partial(_resource_row, table=table)
        for table, registered in REGISTRY.items()
    }
    return {**ROW_FACTORIES, **generated}


def _resource_row(tenant: Tenant, table: str) -> uuid.UUID:
    return make_resource_row(tenant, table)


# `/data-imports/<import_id>/errors`: an import's own route beside the generic ones.
ROW_FACTORIES["import_id"] = functools.partial(_resource_row, table="data_imports")


def factory_key(endpoint: str, variable: str, rule: str = "") -> str | None:
    """The registry key that fills `variable` on `endpoint`, or None when none is registered.
    An action under a generic resource's item (`/bills-of-materials/<uuid:item_id>/cost`)
    takes that resource's factory."""
    from app.blueprints.resource import REGISTRY

    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else ""
    factories = all_row_factories()
    for key in (f"{endpoint}:{variable}", f"{blueprint}:{variable}", variable):
        if key in factories:
            return key
    for registered in REGISTRY.values():
        if rule.startswith(f"{registered.url}/<uuid:{variable}>/"):
            return f"{registered.endpoints[1]}:{variable}"
    return None


@dataclass(frozen=True)
class Route:
    """One URL rule of the API with what the quality gates need to know about it."""

    rule: str
    endpoint: str
    methods: tuple[str, ...]
    openapi_path: str
    # URL variable → the ROW_FACTORIES key that fills it (None: nobody registered one)
    variables: dict[str, str | None]


def api_routes(app: Flask) -> list[Route]:
    """Every URL rule under /api/v1 (the docs and static files are not tenant data)."""
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if not rule.rule.startswith("/api/v1/"):
            continue
        routes.append(
            Route(
                rule=rule.rule,
                endpoint=rule.endpoint,
                # DELETE last: if a row leaks, a delete first would hide what else leaks
                methods=tuple(
                    sorted(
                        (m for m in rule.methods or () if m not in SKIP_METHODS),
                        key=lambda m: (m == "DELETE", m),
                    )
                ),
                openapi_path=_CONVERTER_RE.sub(r"{\1}", rule.rule),
                variables={
                    v: factory_key(rule.endpoint, v, rule.rule) for v in sorted(rule.arguments)
                },
            )
        )
    return routes


Snapshot = dict[str, list[tuple[Any, ...]]]


def _hashable(value: Any) -> Any:
    """JSON columns come back as dicts and lists; freeze them so rows can go in a set."""
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    return value


class DatabaseState:
    """Snapshots of the whole database and rolled-back blocks of requests."""

    def __init__(self, db: Any) -> None:
        self.db = db

    @contextmanager
    def rolled_back(self) -> Iterator[None]:
        """Run a block of requests inside a SAVEPOINT of the test's connection, then roll it back.

        The app's own commits only release the session's inner savepoints, so whatever the
        block wrote (rows, revoked sessions, audit rows) disappears at the end. The session is
        closed on both sides: its identity map would otherwise outlive the rows it remembers.
        """
        self.db.session.remove()
        savepoint = self.db.session.get_bind().begin_nested()
        try:
            yield
        finally:
            self.db.session.remove()
            savepoint.rollback()

    def snapshot(self) -> Snapshot:
        """Every row of every table, in primary-key order (tables reflected from the database,
        so that tables added by later migrations are covered without anyone listing them)."""
        self.db.session.flush()
        connection = self.db.session.connection()
        meta = sa.MetaData()
        meta.reflect(bind=connection)
        rows: Snapshot = {}
        for name, table in sorted(meta.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            result = connection.execute(sa.select(table).order_by(*order))
            rows[name] = [tuple(_hashable(v) for v in r) for r in result]
        return rows

    @staticmethod
    def diff(before: Snapshot, after: Snapshot) -> list[str]:
        """Human-readable differences, a few rows per table."""
        problems = []
        for name in sorted(set(before) | set(after)):
            old, new = set(before.get(name, [])), set(after.get(name, []))
            if old != new:
                gone = sorted(old - new, key=repr)[:2]
                added = sorted(new - old, key=repr)[:2]
                problems.append(f"{name}: -{len(old - new)} +{len(new - old)}: -{gone} +{added}")
        return problems


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test of this directory that takes `role` runs once per role."""
    if "role" in metafunc.fixturenames:
        metafunc.parametrize("role", ROLES)


@pytest.fixture
def dbstate(db: Any) -> DatabaseState:
    return DatabaseState(db)


@pytest.fixture
def routes(app: Flask) -> list[Route]:
    return api_routes(app)


@pytest.fixture
def row_factories() -> dict[str, RowFactory]:
    return all_row_factories()


@pytest.fixture
def make_tenant(
    app: Flask, client: FlaskClient, make_org: Callable[..., Any], make_employee: Any
) -> Callable[..., Tenant]:
    """make_tenant(name) → a Tenant with every role and one row of every registered kind."""
    from app.extensions import db
    from app.services.identity import auth

    def make(name: str = "Acme", *, rows: bool = True) -> Tenant:
        owner = make_org(name)
        tenant = Tenant(name, owner.organization_id, client, make_employee)
        # The owner registered the organization and has no employee record; everyone else
        # is an employee too, and the plain employee reports to the manager.
        manager = make_employee(owner, role="manager", department="Yard")
        employees = {"manager": manager}
        for role in ("admin", "payroll", "employee"):
            boss = manager if role == "employee" else None
            employees[role] = make_employee(owner, role=role, manager=boss, department="Yard")
        users = {"owner": owner, **{role: e.user for role, e in employees.items()}}
        tenant.employee_ids = {role: e.id for role, e in employees.items()}
        for role, user in users.items():
            tenant.user_ids[role] = user.id
            tokens = auth.start_session(user, "127.0.0.1", "quality-gates")
            tenant.auth[role] = {"Authorization": f"Bearer {tokens.access_token}"}
            tenant.refresh_auth[role] = {"Authorization": f"Bearer {tokens.refresh_token}"}
        db.session.commit()
        if rows:
            for key, factory in all_row_factories().items():
                tenant.rows[key] = [factory(tenant)]
            db.session.commit()
        return tenant

    return make


class OpenAPI:
    """The served OpenAPI document: operations, `$ref`s resolved, and minimal valid bodies."""

    FORMAT_EXAMPLES = {
        "date-time": "2026-11-23T08:00:00Z",
        "date": "2026-11-23",
        "time": "08:00",
    }

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            _, section, kind, name = node["$ref"].split("/")
            node = self.document[section][kind][name]
        return node

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        found = self.document["paths"].get(path, {}).get(method.lower())
        return dict(found) if found is not None else None

    def operations(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(METHOD, path, operation) for every operation of the document."""
        return [
            (method.upper(), path, operation)
            for path, item in sorted(self.document["paths"].items())
            for method, operation in sorted(item.items())
            if method in {"get", "post", "put", "patch", "delete"}
        ]

    def body_schema(self, operation: dict[str, Any]) -> dict[str, Any] | None:
        if "requestBody" not in operation:
            return None
        content = self.resolve(operation["requestBody"])["content"]
        if "application/json" not in content:
            return None  # a file upload (multipart/form-data, text/csv): no JSON body to vary
        return self.resolve(content["application/json"]["schema"])

    def properties(self, schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {k: self.resolve(v) for k, v in schema.get("properties", {}).items()}

    def query_parameters(self, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
        params = (self.resolve(p) for p in operation.get("parameters", []))
        return {p["name"]: self.resolve(p.get("schema", {})) for p in params if p["in"] == "query"}

    def example(self, schema: dict[str, Any]) -> Any:
        """A small instance of `schema`: its example or default or first enum value, else the
        required properties only, filled by type and format. Deterministic except ids/e-mails."""
        schema = self.resolve(schema)
        for key in ("example", "default"):
            if key in schema:
                return schema[key]
        if "enum" in schema:
            return schema["enum"][0]
        for key in ("allOf", "anyOf", "oneOf"):
            if key in schema:
                return self.example(schema[key][0])
        kind = schema.get("type")
        if kind == "object" or "properties" in schema:
            required = schema.get("required", [])
            return {k: self.example(v) for k, v in self.properties(schema).items() if k in required}
        if kind == "array":
            return [self.example(schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
        if kind in ("integer", "number"):
            low = schema.get("minimum", 1)
            value = low + 1 if schema.get("exclusiveMinimum") else max(low, 1)
            return int(value) if kind == "integer" else float(value)
        if kind == "boolean":
            return False
        if kind == "string":
            fmt = schema.get("format")
            if fmt == "uuid":
                return str(uuid.uuid4())
            if fmt == "email":
                return f"quality-{next(_serial)}@example.com"
            return self.FORMAT_EXAMPLES.get(fmt, "x" * max(1, schema.get("minLength", 1)))
        return None


@pytest.fixture
def openapi(client: FlaskClient) -> OpenAPI:
    """The OpenAPI document as the app serves it."""
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return OpenAPI(response.get_json())
