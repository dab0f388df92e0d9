"""The generic resource layer: a tenant model + schemas + one `register` call is a full REST
resource (list with filters and pagination, get with ETag, create, PATCH with If-Match,
soft delete), audited by the session listener and scoped by `app.services.tenancy`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.extensions import db
from app.models import User
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services import resources
from app.services.tenancy import get_or_404


@dataclass(frozen=True)
class Resource:
    model: type[Any]
    schema: type[ma.Schema]
    create_schema: type[ma.Schema]
    patch_schema: type[ma.Schema]
    query_schema: type[ma.Schema]
    read: str  # permission names of app.security.PERMISSIONS
    write: str
    equal_filters: tuple[str, ...] = ()
    text_search: tuple[str, ...] = ()
    # Called before a soft delete; raises a DomainError when the row is still in use (say
    # which with `@app.openapi.raises` on it, and the delete documents those codes).
    check_delete: Callable[[User, Any], None] | None = None
    label: str = field(default="")


def register(blp: Blueprint, path: str, res: Resource) -> None:
    """Add `GET/POST path` and `GET/PATCH/DELETE path/<id>` for `res` to `blp`."""
    label = res.label or res.model.__tablename__.replace("_", " ")
    schema = res.schema()

    class Collection(MethodView):
        @requires(res.read)
        @blp.arguments(res.query_schema, location="query")
        @blp.response(200, res.schema(many=True))
        @blp.doc(summary=f"List {label}")
        def get(self, args: dict[str, Any]) -> Any:
            stmt = resources.search(
                res.model, current_actor(), args, equal=res.equal_filters, text=res.text_search
            )
            return paginate(stmt, args)

        @requires(res.write)
        @blp.arguments(res.create_schema)
        @blp.response(201, res.schema)
        @blp.doc(summary=f"Create one of {label}")
        @etagged
        def post(self, body: dict[str, Any]) -> Any:
            obj = resources.create(res.model, current_actor(), body)
            db.session.commit()
            return with_etag(schema, obj, 201)

    class Item(MethodView):
        @requires(res.read)
        @blp.response(200, res.schema)
        @blp.doc(summary=f"Get one of {label}")
        @etagged
        def get(self, item_id: uuid.UUID) -> Any:
            return with_etag(schema, get_or_404(res.model, item_id, current_actor()))

        @requires(res.write)
        @blp.arguments(res.patch_schema)
        @blp.response(200, res.schema)
        @blp.doc(summary=f"Change one of {label}")
        @etagged
        def patch(self, body: dict[str, Any], item_id: uuid.UUID) -> Any:
            obj = get_or_404(res.model, item_id, current_actor())
            check_if_match(schema, obj)
            resources.update(obj, current_actor(), body)
            db.session.commit()
            return with_etag(schema, obj)

        @requires(res.write)
        @blp.response(204)
        @blp.doc(summary=f"Delete one of {label}")
        @etagged
        @raises(*getattr(res.check_delete, "_fieldclock_errors", ()))
        def delete(self, item_id: uuid.UUID) -> None:
            obj = get_or_404(res.model, item_id, current_actor())
            check_if_match(schema, obj)
            if res.check_delete is not None:
                res.check_delete(current_actor(), obj)
            resources.soft_delete(obj)
            db.session.commit()

    name = res.model.__tablename__
    blp.route(path, endpoint=f"{name}_collection")(Collection)
    blp.route(f"{path}/<uuid:item_id>", endpoint=f"{name}_item")(Item)
