"""Schemas derived from the models, so that a plain ERP table is a model and a registration.

marshmallow-sqlalchemy turns the columns into fields (types, lengths, nullability, the values
of an enumeration); `FieldConverter` swaps in the house field types: decimal strings for every
`Numeric` (signed only where the column's `info` says `signed`), RFC 3339 timestamps with an
offset, strings limited to the enumeration. Column `info` keys the resource layer reads:

- `read_only`: computed by the server (`stock_level`, `balance`, ...): dumped, and a request
  that sends it is a 422 naming the field;
- `signed`: the decimal may be negative (a stock movement, an adjustment, a balance);
- `defaulted`: a required column that a request may leave out, the service filling it (an
  invoice's number and due date).

A column's `doc` is its field's OpenAPI description: where a table's service enforces a rule
that a schema cannot state (a value typed by another column), the column says it.

Every schema built here has a unique name (`<Model>`, `<Model>Create`, `<Model>Patch`,
`<Model>QueryArgs`) in the OpenAPI document.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import marshmallow as ma
import sqlalchemy as sa
from marshmallow_sqlalchemy import ModelConverter

from app.blueprints.common import (
    Currency,
    DateOrTimestamp,
    DecimalString,
    PageArgsSchema,
    Schema,
    Timestamp,
)
from app.models.base import UTCDateTime, served
from app.services.resources import sortable_fields

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

# Filled by the server on every row; never in a request body.
SERVER_COLUMNS = frozenset(
    {"id", "organization_id", "workspace_id", "created_at", "updated_at", "created_by"}
)
# Filled by the service from the organization when left out (ERP_API.md: "A document's
# currency defaults to the organization's").
ORGANIZATION_DEFAULTS = frozenset({"currency"})
READ_ONLY_MESSAGE = "Read-only: computed by the server."
TEXT_LIMIT = 10_000  # characters of a `Text` column (notes, descriptions)
INTEGER_RANGES = {False: (-(2**31), 2**31 - 1), True: (-(2**63), 2**63 - 1)}


def sort_pattern(fields: tuple[str, ...]) -> str:
    """`sort`: some of `fields`, comma-separated, each optionally preceded by `-`."""
    one = "-?(" + "|".join(fields) + ")"
    return f"^{one}(,{one})*$"


def is_read_only(column: sa.Column[Any]) -> bool:
    return bool(column.info.get("read_only")) or column.computed is not None


class FieldConverter(ModelConverter):
    """marshmallow-sqlalchemy's converter with the house field types."""

    SQLA_TYPE_MAPPING = {
        **ModelConverter.SQLA_TYPE_MAPPING,
        # An enumeration is a string limited to its values (the OneOf validator is added by
        # marshmallow-sqlalchemy from the type's `enums`).
        sa.Enum: ma.fields.String,
    }

    def _get_field_class_for_column(self, column: sa.Column[Any]) -> type[ma.fields.Field]:
        if isinstance(column.type, UTCDateTime):
            return Timestamp
        return super()._get_field_class_for_column(column)

    def _add_column_kwargs(self, kwargs: dict[str, Any], column: sa.Column[Any]) -> None:
        super()._add_column_kwargs(kwargs, column)
        kwargs.pop("places", None)  # DecimalString sets its own from the column's scale
        if column.key in ORGANIZATION_DEFAULTS or column.info.get("defaulted"):
            kwargs["required"] = False
        if column.doc:  # a rule the column's type cannot state, said for the API's clients
            kwargs["metadata"] = {**kwargs["metadata"], "description": column.doc}

    def column_field(self, column: sa.Column[Any], **overrides: Any) -> ma.fields.Field:
        kwargs = self.get_base_kwargs()
        self._add_column_kwargs(kwargs, column)
        kwargs.update(overrides)
        if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
            return DecimalString(
                column.type.precision or 14,
                column.type.scale or 0,
                signed=bool(column.info.get("signed")),
                **kwargs,
            )
        if column.key == "currency":
            return Currency(**{k: v for k, v in kwargs.items() if k != "validate"})
        if isinstance(column.type, sa.JSON):
            # A JSON column holds what its Python default is: a list or an object.
            shape = getattr(getattr(column.default, "arg", None), "__wrapped__", None)
            if shape is list:
                return ma.fields.List(ma.fields.Raw(), **kwargs)
            if shape is dict:
                return ma.fields.Dict(keys=ma.fields.String(), **kwargs)
            # Any JSON value (a setting's value): say so, with an example a client can send.
            kwargs["metadata"] = {
                "description": "Any JSON value.",
                "example": "on",
                **kwargs["metadata"],
            }
        if isinstance(column.type, sa.String):
            # Required text is not blank; text without a declared length still has a limit.
            least = 0 if column.nullable or column.info.get("blank") else 1
            most = None if column.type.length else TEXT_LIMIT
            if least or most:
                kwargs["validate"] = [*kwargs["validate"], ma.validate.Length(least, most)]
        if isinstance(column.type, sa.Integer) and not column.foreign_keys:
            low, high = INTEGER_RANGES[isinstance(column.type, sa.BigInteger)]
            kwargs["validate"] = [*kwargs["validate"], ma.validate.Range(low, high)]
        return self.column2field(column, **kwargs)


CONVERTER = FieldConverter()


class ResourceSchema(Schema):
    """A body of the resource layer: a server-computed field sent by the client is a 422 that
    says so (not "unknown field")."""

    read_only_fields: frozenset[str] = frozenset()

    @ma.pre_load
    def refuse_read_only(self, data: Any, **_: Any) -> Any:
        if isinstance(data, dict):
            sent = sorted(k for k in data if k in self.read_only_fields)
            if sent:
                raise ma.ValidationError({k: [READ_ONLY_MESSAGE] for k in sent})
        return data


def _columns(model: type[Any]) -> list[sa.Column[Any]]:
    return [c for c in sa.inspect(model).columns if served(c)]


def _attribute(model: type[Any], column: sa.Column[Any]) -> str:
    """The mapped attribute name of a column (`metadata_` for the `metadata` column)."""
    return sa.inspect(model).get_property_by_column(column).key


def reference_note(column: sa.Column[Any]) -> str | None:
    """What a foreign key to a tenant table takes (`check_references`), which a schema cannot
    state: said in the field's description."""
    for key in column.foreign_keys:
        table = key.column.table
        if "organization_id" in table.c:
            return (
                f"The id of a `{table.name}` row of your organization (not deleted); "
                "another id is a 422 (`No such record.`)."
            )
    return None


def model_fields(model: type[Any], *, load: bool, partial: bool = False) -> dict[str, Any]:
    """Field per column: all of them for dumping; for loading, the writable ones."""
    result: dict[str, Any] = {}
    for column in _columns(model):
        name = _attribute(model, column)
        wire = {"data_key": column.key} if name != column.key else {}
        server = column.key in SERVER_COLUMNS or is_read_only(column)
        if load and server:
            continue
        field = CONVERTER.column_field(column, **wire)
        if not load or partial:
            field.required = False
        if load and (note := reference_note(column)):
            said = field.metadata.get("description")
            field.metadata = {**field.metadata, "description": f"{said} {note}" if said else note}
        result[name] = field
    return result


def build_schemas(res: Resource) -> tuple[type[ma.Schema], ...]:
    """(dump, create, patch, query args) schema classes for a registered resource."""
    name = res.model.__name__
    read_only = frozenset(
        c.key for c in _columns(res.model) if c.key in SERVER_COLUMNS or is_read_only(c)
    )
    lines: dict[str, Any] = {}
    line_fields: dict[str, Any] = {}
    if res.lines is not None:
        line_model = res.lines.model
        line_name = res.lines.schema_name or line_model.__name__
        hidden = {res.lines.parent_key, "organization_id", "workspace_id", "created_by"}
        line_dump = {
            k: v for k, v in model_fields(line_model, load=False).items() if k not in hidden
        }
        line_read_only = frozenset(
            c.key for c in _columns(line_model) if c.key in SERVER_COLUMNS or is_read_only(c)
        )
        line_load = {
            k: v for k, v in model_fields(line_model, load=True).items() if k not in hidden
        }
        line_schema = type(line_name, (Schema,), line_dump)
        line_in = type(
            f"{line_name}Input",
            (ResourceSchema,),
            {**line_load, "read_only_fields": line_read_only},
        )
        lines = {res.lines.field: ma.fields.List(ma.fields.Nested(line_schema))}
        line_fields = {
            res.lines.field: ma.fields.List(
                ma.fields.Nested(line_in), validate=ma.validate.Length(max=res.lines.max_lines)
            )
        }
    extra_dump = {k: f for k, f in res.fields.items() if not f.load_only}
    extra_load = {k: f for k, f in res.fields.items() if not f.dump_only}
    dump = type(
        f"{name}", (Schema,), {**model_fields(res.model, load=False), **lines, **extra_dump}
    )
    base = {"read_only_fields": read_only}
    create = type(
        f"{name}Create",
        (ResourceSchema,),
        {**base, **model_fields(res.model, load=True), **line_fields, **extra_load},
    )
    patch_extra = {k: _optional(f) for k, f in extra_load.items()}
    patch = type(
        f"{name}Patch",
        (ResourceSchema,),
        {**base, **model_fields(res.model, load=True, partial=True), **line_fields, **patch_extra},
    )
    return dump, create, patch, query_schema(res)


def _optional(field: ma.fields.Field) -> ma.fields.Field:
    clone = copy.copy(field)
    clone.required = False
    return clone


def filter_columns(model: type[Any]) -> list[sa.Column[Any]]:
    """The equality filters a list offers: `status`, `type`, every foreign key and every
    boolean (ERP_API.md: "equality filters on status, type and every *_id")."""
    return [
        c
        for c in _columns(model)
        if c.key in ("status", "type")
        or (c.foreign_keys and c.key not in SERVER_COLUMNS)
        or isinstance(c.type, sa.Boolean)
    ]


def query_schema(res: Resource) -> type[ma.Schema]:
    fields: dict[str, Any] = {
        "sort": ma.fields.String(
            validate=[
                ma.validate.Length(max=200),
                ma.validate.Regexp(
                    sort_pattern(sortable_fields(res.model)),
                    error="Comma-separated fields of this resource, each optionally after `-`.",
                ),
            ],
            metadata={
                "description": "Comma-separated fields, `-` for descending "
                "(e.g. `-created_at,id`); another field is a 422.",
                "example": "-created_at",
            },
        ),
    }
    if res.search_columns:  # a table without name-like columns offers no `q` (422)
        fields["q"] = ma.fields.String(
            validate=ma.validate.Length(max=100),
            metadata={
                "description": "Case-insensitive substring of " + ", ".join(res.search_columns)
            },
        )
    for column in filter_columns(res.model):
        if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum):
            # A free-text equality filter: a value longer than the column matches nothing
            # (an empty list), it is not an error.
            fields[_attribute(res.model, column)] = ma.fields.String(
                data_key=column.key, validate=ma.validate.Length(max=200)
            )
            continue
        fields[_attribute(res.model, column)] = CONVERTER.column_field(
            column, required=False, allow_none=False, data_key=column.key
        )
    if res.date_field:
        for bound in ("from", "to"):
            fields[f"{bound}_"] = DateOrTimestamp(
                data_key=bound,
                metadata={"description": f"{bound.title()} this `{res.date_field}` (inclusive)."},
            )
    return type(f"{res.model.__name__}QueryArgs", (PageArgsSchema,), fields)
