"""The generic resource layer: a tenant model and one `Resource` registration is a full REST
resource (ERP_API.md, "Resources: one pattern for every ERP table"):

- `GET /<path>`: pagination, `sort`, `q`, equality filters derived from the model (status,
  type, every foreign key, booleans), `from`/`to` on the resource's own date;
- `GET /<path>/{id}` with an ETag, `POST`, `PATCH` with If-Match (412 when stale), soft
  `DELETE`; the methods a resource leaves out answer 405 (append-only and derived tables);
- schemas derived from the model (`resource_schemas`), embedded document lines (`Lines`);
- rules in a `ResourceService` (create/update/delete hooks) and an optional row scope, on top
  of the domain permission (`<domain>:read` / `<domain>:write` in `app.security`).

Writes are audited by the session listener and scoped by `app.services.tenancy`. `REGISTRY`
holds every registered resource, for the OpenAPI document and the tests to iterate.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask.views import MethodView

from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.resource_schemas import build_schemas
from app.extensions import db
from app.models import User
from app.security import current_actor, requires
from app.services.resources import Lines, ResourceService
from app.services.tenancy import get_or_404

CRUD = frozenset({"GET", "POST", "PATCH", "DELETE"})
APPEND_ONLY = frozenset({"GET", "POST"})  # corrections are new rows
READ_ONLY = frozenset({"GET"})  # derived tables, written by background jobs
NAME_LIKE = ("name", "code", "title", "number", "subject", "email", "sku")

Scope = Callable[[sa.Select[Any], User], sa.Select[Any]]


@dataclass(frozen=True)
class Resource:
    model: type[Any]
    # Permissions `<domain>:read` and `<domain>:write` (app.security.DOMAIN_WRITERS).
    domain: str
    # URL path; default: the table's name in plural kebab-case (`/customer-contacts`).
    path: str = ""
    methods: frozenset[str] = CRUD
    # The resource's own date, filtered by `from`/`to` (order_date, issue_date, ...).
    date_field: str | None = None
    # Columns `q` searches; default: the name-like columns the model has (NAME_LIKE).
    search: tuple[str, ...] | None = None
    default_sort: tuple[str, ...] = ()
    # Extra or overriding schema fields (a field that needs a rule the model cannot state).
    fields: dict[str, ma.fields.Field] = field(default_factory=dict)
    lines: Lines | None = None
    service: ResourceService = field(default_factory=ResourceService)
    # Row limits on top of the role's permission (e.g. an employee's own rows).
    scope: Scope | None = None
    # A read permission other than `<domain>:read` (products and customers: every role).
    read_permission: str | None = None

    @property
    def table(self) -> str:
        return str(self.model.__tablename__)

    @property
    def url(self) -> str:
        return self.path or "/" + self.table.replace("_", "-")

    @property
    def read(self) -> str:
        return self.read_permission or f"{self.domain}:read"

    @property
    def write(self) -> str:
        return f"{self.domain}:write"

    @property
    def search_columns(self) -> tuple[str, ...]:
        if self.search is not None:
            return self.search
        columns = sa.inspect(self.model).columns
        return tuple(c for c in NAME_LIKE if c in columns)


@dataclass(frozen=True)
class Registered:
    """A resource as served: its blueprint and the schemas derived for it."""

    resource: Resource
    blueprint: str
    url: str  # the collection's full path (`/api/v1/products`)
    dump: type[ma.Schema]
    create: type[ma.Schema]
    patch: type[ma.Schema]
    query: type[ma.Schema]

    @property
    def endpoints(self) -> tuple[str, str]:
        return (
            f"{self.blueprint}.{self.resource.table}_collection",
            f"{self.blueprint}.{self.resource.table}_item",
        )


# Table name → every resource served by the generic layer, in registration order.
REGISTRY: dict[str, Registered] = {}


def _label(res: Resource) -> str:
    return re.sub(r"_", " ", res.table)


def register(blp: Blueprint, res: Resource) -> Resource:
    """Add `GET/POST <url>` and `GET/PATCH/DELETE <url>/<id>` (those of `res.methods`)."""
    if res.table in REGISTRY:
        raise ValueError(f"{res.table} is registered twice")
    dump_cls, create_cls, patch_cls, query_cls = build_schemas(res)
    schema, label, service = dump_cls(), _label(res), res.service
    search = res.search_columns

    def load(item_id: uuid.UUID) -> Any:
        return get_or_404(res.model, item_id, current_actor(), scope=res.scope)

    @requires(res.read)
    @blp.arguments(query_cls, location="query")
    @blp.response(200, dump_cls(many=True))
    @blp.doc(summary=f"List {label}")
    def list_rows(self: Any, args: dict[str, Any]) -> Any:
        stmt = service.search(res, current_actor(), args, search=search)
        return paginate(stmt, args)

    @requires(res.write)
    @blp.arguments(create_cls)
    @blp.response(201, dump_cls)
    @blp.doc(summary=f"Create one of {label}")
    def create(self: Any, body: dict[str, Any]) -> Any:
        obj = service.create(res, current_actor(), body)
        db.session.commit()
        return with_etag(schema, obj, 201)

    @requires(res.read)
    @blp.response(200, dump_cls)
    @blp.doc(summary=f"Get one of {label}")
    def get_one(self: Any, item_id: uuid.UUID) -> Any:
        return with_etag(schema, load(item_id))

    @requires(res.write)
    @blp.arguments(patch_cls)
    @blp.response(200, dump_cls)
    @blp.doc(summary=f"Change one of {label}")
    def patch(self: Any, body: dict[str, Any], item_id: uuid.UUID) -> Any:
        obj = load(item_id)
        check_if_match(schema, obj)
        service.update(res, obj, current_actor(), body)
        db.session.commit()
        return with_etag(schema, obj)

    @requires(res.write)
    @blp.response(204)
    @blp.doc(summary=f"Delete one of {label}")
    def delete(self: Any, item_id: uuid.UUID) -> None:
        obj = load(item_id)
        check_if_match(schema, obj)
        service.delete(res, obj, current_actor())
        db.session.commit()

    views = {"get": list_rows, "post": create}, {"get": get_one, "patch": patch, "delete": delete}
    for suffix, url, methods in (
        ("collection", res.url, views[0]),
        ("item", f"{res.url}/<uuid:item_id>", views[1]),
    ):
        allowed = {k: v for k, v in methods.items() if k.upper() in res.methods}
        view = type(f"{res.model.__name__}{suffix.title()}", (MethodView,), allowed)
        blp.route(url, endpoint=f"{res.table}_{suffix}")(view)
    REGISTRY[res.table] = Registered(
        res, blp.name, (blp.url_prefix or "") + res.url, dump_cls, create_cls, patch_cls, query_cls
    )
    return res
