"""Generic list/create/update/soft-delete for the ERP tables, and the hooks workflows override.

`ResourceService` is what the generic routes call. A resource with rules registers a subclass
(`ProductService`, a document's service) that overrides `create`/`update`/`delete` and calls
`super()`, so the rule runs on the generic routes too. Documents with embedded lines declare
`Lines`; their totals are computed here with `app.services.line_math`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from app.errors import InvalidTransition, ValidationFailed
from app.extensions import db
from app.models import Base, Organization, User
from app.models.base import served, utcnow
from app.services import line_math
from app.services.tenancy import scoped
from app.services.timezones import local_midnight, organization_zone

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

M = TypeVar("M")


@dataclass(frozen=True)
class Lines:
    """A document's embedded lines (`POST /quotes {..., lines: [...]}`)."""

    model: type[Any]
    parent_key: str  # the line's foreign key to its document
    field: str = "lines"  # the document's relationship holding them, ordered
    # Document statuses in which `PATCH` may replace the lines.
    editable: tuple[str, ...] = ("draft",)
    # The line's price column (purchase orders: unit_cost); None for lines without prices or
    # totals (a bill of materials' components): nothing is priced.
    price: str | None = "unit_price"
    # Tax as one document rate on the subtotal (purchase orders), not per line.
    document_vat: bool = False
    max_lines: int = 500
    # The lines' schema name in the OpenAPI document (default: the line model's name); needed
    # when the line table is also a resource of its own (ledger lines), whose schema has it.
    schema_name: str = ""


def _model_for_table(table: sa.Table) -> type[Any] | None:
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


def check_references(model: type[Any], actor: User, data: dict[str, Any]) -> None:
    """Every foreign key given must point at a live row of the actor's own organization."""
    errors: dict[str, list[str]] = {}
    mapper = sa.inspect(model)
    for column in mapper.columns:
        key = mapper.get_property_by_column(column).key
        value = data.get(key)
        if value is None or not column.foreign_keys:
            continue
        target = _model_for_table(next(iter(column.foreign_keys)).column.table)
        if target is None or not hasattr(target, "organization_id"):
            continue
        found = db.session.scalar(
            scoped(target, actor).where(target.id == value).with_only_columns(target.id)
        )
        if found is None:
            errors[key] = ["No such record."]
    if errors:
        raise ValidationFailed(errors=errors)


def sortable_fields(model: type[Any]) -> tuple[str, ...]:
    """The fields `sort` takes: every column the API shows."""
    return tuple(key for key, column in sa.inspect(model).columns.items() if served(column))


def sort_clauses(model: type[Any], sort: str) -> list[Any]:
    """`name,-created_at` → ORDER BY clauses; an unknown field is a 422."""
    columns = sa.inspect(model).columns
    sortable = sortable_fields(model)
    clauses, unknown = [], []
    for item in (s.strip() for s in sort.split(",")):
        name = item.removeprefix("-")
        if name not in sortable:
            unknown.append(name or item)
            continue
        column = columns[name]
        clauses.append(column.desc() if item.startswith("-") else column.asc())
    if unknown:
        raise ValidationFailed(errors={"sort": [f"Unknown field: {', '.join(unknown)}."]})
    return clauses


def _bound(column: Any, value: date | datetime, actor: User, upper: bool) -> Any:
    """`from`/`to` on a date or timestamp column; a day is the organization's local day."""
    # UTCDateTime is a TypeDecorator: its `impl` is the DateTime.
    is_timestamp = isinstance(getattr(column.type, "impl", column.type), sa.DateTime)
    if isinstance(value, datetime):
        value = value if is_timestamp else value.date()
        return column <= value if upper else column >= value
    if not is_timestamp:
        return column <= value if upper else column >= value
    zone = organization_zone(actor.organization_id)
    if upper:
        return column < local_midnight(value + timedelta(days=1), zone)
    return column >= local_midnight(value, zone)


def defaults(model: type[Any], actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """What the server fills: the tenant, the creator, the organization's currency."""
    columns = sa.inspect(model).columns
    values: dict[str, Any] = {"organization_id": actor.organization_id}
    if "workspace_id" in columns:
        values["workspace_id"] = actor.workspace_id
    if "created_by" in columns:
        values["created_by"] = actor.id
    if "currency" in columns and data.get("currency") is None:
        organization = db.session.get(Organization, actor.organization_id)
        values["currency"] = organization.currency if organization else "USD"
    return values


def create(model: type[M], actor: User, data: dict[str, Any]) -> M:
    """A new tenant row from checked `data` (its foreign keys must be the actor's rows)."""
    check_references(model, actor, data)
    obj = model(**{**data, **defaults(model, actor, data)})
    db.session.add(obj)
    db.session.flush()
    return obj


def update(obj: M, actor: User, data: dict[str, Any]) -> M:
    check_references(type(obj), actor, data)
    for key, value in data.items():
        setattr(obj, key, value)
    db.session.flush()
    return obj


def soft_delete(obj: Any) -> None:
    obj.deleted_at = utcnow()
    db.session.flush()


QUERY_KEYS = frozenset({"q", "sort", "page", "page_size", "from_", "to_"})


def search_rows(
    model: type[Any],
    actor: User,
    args: dict[str, Any],
    *,
    text: Iterable[str] = (),
    equal: Iterable[str] | None = None,
    date_field: str | None = None,
    default_sort: Iterable[str] = (),
    scope: Callable[[sa.Select[Any], User], sa.Select[Any]] | None = None,
) -> sa.Select[Any]:
    """Tenant rows filtered by equality (`equal`, or every model attribute among `args`), a
    case-insensitive `q` over `text` (`%` and `_` match themselves), `from`/`to` on
    `date_field`, ordered by `sort` (else `default_sort`, else the first text column) and id."""
    stmt = scoped(model, actor)
    if scope is not None:
        stmt = scope(stmt, actor)
    attributes = sa.inspect(model).attrs
    names = [k for k in args if k in attributes and k not in QUERY_KEYS] if equal is None else equal
    for key in names:
        if key in args:
            stmt = stmt.where(getattr(model, key) == args[key])
    columns = [getattr(model, c) for c in text]
    if (q := args.get("q")) and columns:
        stmt = stmt.where(sa.or_(*(c.icontains(q, autoescape=True) for c in columns)))
    if date_field:
        column = getattr(model, date_field)
        for key, upper in (("from_", False), ("to_", True)):
            if args.get(key) is not None:
                stmt = stmt.where(_bound(column, args[key], actor, upper))
    order = sort_clauses(model, args["sort"]) if args.get("sort") else []
    if not order and default_sort:
        order = sort_clauses(model, ",".join(default_sort))
    if not order and columns:
        order = [columns[0]]
    return stmt.order_by(*order, model.id)


class ResourceService:
    """The generic behaviour of a resource; subclasses add a workflow's rules."""

    def search(
        self, res: Resource, actor: User, args: dict[str, Any], *, search: Iterable[str]
    ) -> sa.Select[Any]:
        return search_rows(
            res.model,
            actor,
            args,
            text=search,
            date_field=res.date_field,
            default_sort=res.default_sort,
            scope=res.scope,
        )

    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        data = dict(data)
        lines = data.pop(res.lines.field, None) if res.lines else None
        obj = create(res.model, actor, data)
        if res.lines is not None:
            self.replace_lines(res, obj, actor, lines or [])
        return obj

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        data = dict(data)
        lines = data.pop(res.lines.field, None) if res.lines else None
        update(obj, actor, data)
        if res.lines is not None:
            if lines is not None:
                if getattr(obj, "status", None) not in res.lines.editable:
                    raise InvalidTransition(
                        f"Lines can be changed only while the document is "
                        f"{' or '.join(res.lines.editable)}."
                    )
                self.replace_lines(res, obj, actor, lines)
            else:
                self.price(res, obj)
        return obj

    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        soft_delete(obj)

    def replace_lines(
        self, res: Resource, obj: Any, actor: User, lines: list[dict[str, Any]]
    ) -> None:
        """The document's lines become `lines` (each a new row with its own id), priced."""
        spec = res.lines
        assert spec is not None
        current = getattr(obj, spec.field)
        for line in list(current):
            current.remove(line)
            db.session.delete(line)
        db.session.flush()
        for position, data in enumerate(lines, start=1):
            check_references(spec.model, actor, data)
            values = {**data, **defaults(spec.model, actor, data), spec.parent_key: obj.id}
            columns = sa.inspect(spec.model).columns.keys()
            if "position" in columns:
                values.setdefault("position", position)
            current.append(spec.model(**line_math.product_defaults(values, spec.price, columns)))
        db.session.flush()
        self.price(res, obj)

    def price(self, res: Resource, obj: Any) -> None:
        """Line totals and the document's subtotal, tax and total (ERP_API.md's line math)."""
        spec = res.lines
        assert spec is not None
        if spec.price is None:
            return
        rate = getattr(obj, "vat_rate", None) if spec.document_vat else None
        line_math.price_document(obj, getattr(obj, spec.field), spec.price, document_rate=rate)
        db.session.flush()
