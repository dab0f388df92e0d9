"""What every blueprint shares: the strict argument parser, field types, pagination and ETags."""

from __future__ import annotations

import hashlib
import json
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any, NoReturn, TypeVar

import marshmallow as ma
import sqlalchemy as sa
from flask import request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser, is_json_request

from app.errors import PreconditionFailed
from app.extensions import db
from app.openapi import FACTS as OPENAPI_FACTS
from app.openapi import view_facts

F = TypeVar("F", bound=Callable[..., Any])
MAX_PAGE_SIZE = 500
# No body this API takes is nested this deep (a GeoJSON MultiPolygon in a feature collection
# is about 9); the limit keeps the checks below, marshmallow and the database away from
# Python's recursion limit.
MAX_JSON_DEPTH = 32
NUL_MESSAGE = "NUL characters are not allowed."


# Dates and timestamps outside these years are typos or probes, and near year 1 or 9999 the
# conversions between local days and UTC overflow (OverflowError, a 500).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999
YEAR_MESSAGE = f"Must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}."


def dates_out_of_range(data: Any) -> dict[Any, Any]:
    """Key → message for every date or datetime (at any depth) outside the allowed years."""
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return {}
    errors: dict[Any, Any] = {}
    for key, value in items:
        if isinstance(value, date):  # datetimes too; their own (local) year is the one to check
            if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
                errors[key] = [YEAR_MESSAGE]
        elif nested := dates_out_of_range(value):
            errors[key] = nested
    return errors


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number.")


def _nested_error(path: tuple[Any, ...], message: str) -> ma.ValidationError:
    """An error at `path`, nested the way marshmallow nests them ({"owner": {"email": [...]}})."""
    messages: Any = [message]
    for key in reversed(path):
        messages = {key: messages}
    return ma.ValidationError(messages if path else {"json": messages})


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL_MESSAGE  # PostgreSQL cannot store NUL in text or jsonb
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "Not valid Unicode (a lone surrogate)."  # no UTF-8 for it, in the database or out
    return None


def check_json_values(value: Any) -> None:
    """Refuse what JSON can carry but no column can hold: NUL, lone surrogates, deep nesting."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, ())]
    while stack:
        item, path = stack.pop()
        if len(path) > MAX_JSON_DEPTH:
            raise _nested_error((), f"Nested deeper than {MAX_JSON_DEPTH} levels.")
        if isinstance(item, dict):
            for key, child in item.items():
                if problem := _text_problem(key):
                    raise _nested_error((*path, key), problem)
                stack.append((child, (*path, key)))
        elif isinstance(item, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(item))
        elif isinstance(item, str) and (problem := _text_problem(item)):
            raise _nested_error(path, problem)


def parse_strict_json(raw: bytes) -> Any:
    """RFC 8259 JSON: Python's NaN/Infinity extensions are a JSONDecodeError (400), like any
    other malformed body, and a body too deep for the parser is a ValidationError (422)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # webargs reads an empty `doc` as "no body at all", so the bytes must be kept.
        doc = raw.decode("utf-8", "replace")
        raise json.JSONDecodeError(f"Not UTF-8: {exc.reason}", doc, exc.start) from exc
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        raise json.JSONDecodeError(str(exc), text, 0) from exc
    except RecursionError:
        raise _nested_error((), f"Nested deeper than {MAX_JSON_DEPTH} levels.") from None
    check_json_values(value)
    return value


def _json_type_problem(field: ma.fields.Field, value: Any) -> str | None:
    """marshmallow converts "3" or 1.5 to an int and "yes" to True; in a JSON body those
    are type errors (the OpenAPI document says integer/number/boolean), not conversions."""
    if isinstance(field, ma.fields.Boolean):
        return None if isinstance(value, bool) else "Not a valid boolean."
    if isinstance(value, bool) or not isinstance(value, int | float):
        is_number = isinstance(field, ma.fields.Integer | ma.fields.Float)
        return "Not a valid number." if is_number else None
    if isinstance(field, ma.fields.Integer) and not float(value).is_integer():
        return "Not a valid integer."
    return None


def check_json_types(schema: ma.Schema, data: Any, path: tuple[Any, ...] = ()) -> dict[str, Any]:
    """Field → message for every number/boolean field given a value of another JSON type,
    nested like marshmallow's own errors (also inside Nested fields and lists of them)."""
    errors: dict[str, Any] = {}
    if not isinstance(data, dict):
        return errors
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        value = data.get(key)
        if value is None or isinstance(getattr(field, "inner", None), EachOnItsOwn):
            continue  # (each item checks itself)
        if isinstance(field, ma.fields.List) and isinstance(field.inner, ma.fields.Nested):
            field, value = field.inner, value if isinstance(value, list) else []
            nested = {i: check_json_types(field.schema, v) for i, v in enumerate(value)}
            found: Any = {i: e for i, e in nested.items() if e}
        elif isinstance(field, ma.fields.Nested) and field.many:
            value = value if isinstance(value, list) else []
            nested = {i: check_json_types(field.schema, v) for i, v in enumerate(value)}
            found = {i: e for i, e in nested.items() if e}
        elif isinstance(field, ma.fields.Nested):
            found = check_json_types(field.schema, value)
        else:
            problem = _json_type_problem(field, value)
            found = [problem] if problem else None
        if found:
            errors[key] = found
    return errors


class EachOnItsOwn(ma.fields.Raw):
    """An item of a list whose errors stay its own: one that cannot be read loads as
    `unreadable(raw, errors, valid_fields)` instead of failing the whole body (the parser's
    strict JSON checks, types and dates, are made here item by item). The OpenAPI document
    says so: the item is `anyOf` the schema and anything (`each_on_its_own_property`), so that
    a client generator still gets the schema and a non-matching item is not an invalid body."""

    def __init__(
        self, nested: type[ma.Schema], *, unreadable: Callable[..., Any], **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.nested, self.schema, self.unreadable = nested, nested(), unreadable

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kw: Any) -> Any:
        if value is None:  # null is an item that cannot be read, like any other (marshmallow
            # would refuse the whole list for it before `_deserialize`)
            return self.unreadable(value, {"_schema": ["Not an object."]}, {})
        return super().deserialize(value, attr, data, **kw)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        errors: dict[Any, Any] = check_json_types(self.schema, value)
        readable = {k: v for k, v in value.items() if k not in errors} if errors else value
        try:
            if not isinstance(readable, dict):
                raise ma.ValidationError({"_schema": ["Not an object."]})
            loaded = self.schema.load(readable)
        except ma.ValidationError as err:
            messages = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
            errors, valid = {**messages, **errors}, err.valid_data
        else:
            errors = {**errors, **dates_out_of_range(loaded)}
            if not errors:
                return loaded
            valid = {k: v for k, v in loaded.items() if k not in errors}
        return self.unreadable(value, errors, valid if isinstance(valid, dict) else {})


def each_on_its_own_property(converter: Any, field: ma.fields.Field, **_: Any) -> dict[str, Any]:
    """apispec attribute function: an `EachOnItsOwn` item is its schema, or anything else
    (which is refused on its own, not with the body)."""
    if not isinstance(field, EachOnItsOwn):
        return {}
    return {"anyOf": [converter.resolve_nested_schema(field.nested), {}]}


class StrictParser(FlaskParser):
    """Unknown body fields and unknown query filters are a 422, not silently ignored; bodies
    are strict JSON whose strings the database can store (see `parse_strict_json`) and whose
    numbers and booleans are JSON numbers and booleans (see `check_json_types`)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
        "json": ma.RAISE,
    }

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return ma.missing
        return parse_strict_json(req.get_data(cache=True))

    def _load_location_data(self, *, schema: ma.Schema, req: Any, location: str) -> Any:
        data = super()._load_location_data(schema=schema, req=req, location=location)
        if location == "json" and (errors := check_json_types(schema, data)):
            raise ma.ValidationError(errors)
        return data

    def _process_location_data(
        self,
        location_data: Any,
        schema: ma.Schema,
        req: Any,
        location: str,
        unknown: str | None,
        validators: Any,
    ) -> Any:
        data = super()._process_location_data(
            location_data, schema, req, location, unknown, validators
        )
        if errors := dates_out_of_range(data):
            # Loaded data is keyed by attribute; clients know the wire names (`from`, not `from_`).
            wire = {name: f.data_key or name for name, f in schema.fields.items()}
            raise ma.ValidationError({wire.get(k, k): v for k, v in errors.items()})
        return data

    def load_querystring(self, req: Any, schema: ma.Schema) -> Any:
        for key, values in req.args.lists():
            if any("\x00" in text for text in (key, *values)):
                raise ma.ValidationError({key: [NUL_MESSAGE]})
        return super().load_querystring(req, schema)


@dataclass(frozen=True)
class Upload:
    """What a file-upload view takes instead of JSON: its media types and largest body."""

    media_types: tuple[str, ...]
    max_bytes: int


def accepts_upload(*media_types: str, max_bytes: int) -> Callable[[F], F]:
    """Mark a view that takes a file (`multipart/form-data`, `text/csv`...) rather than JSON:
    the app's body check (`app._require_json_body`) then allows these media types, and bodies
    up to `max_bytes` instead of MAX_CONTENT_LENGTH. Put it just below `@blp.route`."""

    def mark(view: F) -> F:
        view._fieldclock_upload = Upload(tuple(media_types), max_bytes)  # type: ignore[attr-defined]
        return view

    return mark


def upload_of(view: Any) -> Upload | None:
    return getattr(view, "_fieldclock_upload", None)


class Blueprint(SmorestBlueprint):
    """flask-smorest's, with the strict parser, handing what each view's decorators say
    (`app.openapi.view_facts`) to the OpenAPI plugin that documents it."""

    ARGUMENTS_PARSER = StrictParser()

    def _store_endpoint_docs(
        self, endpoint: str, obj: Any, parameters: Any, tags: Any, **options: Any
    ) -> None:
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        is_class = isinstance(obj, type)
        for method, doc in self._docs[endpoint].items():
            if method == "parameters":
                continue
            function = getattr(obj, method) if is_class else obj
            facts = view_facts(function, None if is_class else obj.__name__)
            doc.setdefault("manual_doc", {})[OPENAPI_FACTS] = facts


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


def decimal_pattern(precision: int, scale: int, *, signed: bool = False) -> str:
    """A decimal string a Numeric(precision, scale) column holds: at most precision - scale
    integer digits and `scale` places, with a minus sign only where the field is signed."""
    sign = "-?" if signed else ""
    return rf"^{sign}[0-9]{{1,{precision - scale}}}(\.[0-9]{{1,{scale}}})?$"


# Non-negative, at most 12 integer digits (what a Numeric(14, 2) column holds) and 2 places.
MONEY_PATTERN = decimal_pattern(14, 2)


class DecimalString(ma.fields.Decimal):
    """A decimal as a string ("1234.50", "12.500"), in and out.

    The OpenAPI document says exactly that (a string with its pattern), and input is held to
    the same pattern: a JSON number, an exponent, a digit too many, or a sign where the field
    is not signed is a 422, never a float rounding or a database overflow.
    """

    def __init__(
        self, precision: int = 14, scale: int = 2, *, signed: bool = False, **kwargs: Any
    ) -> None:
        self.pattern = decimal_pattern(precision, scale, signed=signed)
        self.quantum = Decimal(1).scaleb(-scale)
        example = ("-" if signed else "") + "12" + ("." + "5".ljust(scale, "0") if scale else "")
        metadata = {
            "type": "string",
            "pattern": self.pattern,
            "example": example,
            **kwargs.pop("metadata", {}),
        }
        super().__init__(places=scale, as_string=True, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str) or not re.fullmatch(self.pattern, value):
            places = len(str(self.quantum)) - 2 if self.quantum < 1 else 0
            raise ma.ValidationError(
                f"A decimal as a string with at most {places} places"
                + (", signed" if "-?" in self.pattern else "")
                + f' (e.g. "{self.metadata["example"]}").'
            )
        return Decimal(value).quantize(self.quantum)


class Money(DecimalString):
    """An amount: a decimal string with at most 2 places ("1234.50")."""

    def __init__(self, *, signed: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).setdefault("example", "-1234.50" if signed else "1234.50")
        super().__init__(14, 2, signed=signed, **kwargs)


class Quantity(DecimalString):
    """A quantity: a decimal string with at most 3 places ("12.500")."""

    def __init__(self, *, signed: bool = False, **kwargs: Any) -> None:
        super().__init__(14, 3, signed=signed, **kwargs)


class Currency(ma.fields.String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=ma.validate.Regexp(r"^[A-Z]{3}$", error="An ISO 4217 code."), **kwargs
        )


def _valid_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    # OSError: zoneinfo opens a file named after the key, and a long key is ENAMETOOLONG.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ma.ValidationError("Not an IANA time zone name.") from exc


class TimeZone(ma.fields.String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=[ma.validate.Length(max=64), _valid_timezone], **kwargs)


class PageArgsSchema(Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=1_000_000))
    page_size = ma.fields.Integer(
        load_default=50, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


def paginate(stmt: sa.Select[Any], args: dict[str, Any]) -> tuple[list[Any], int, dict[str, str]]:
    """One page of `stmt` and the `X-Pagination` header (flask-smorest's field names)."""
    page, size = args.get("page", 1), args.get("page_size", 50)
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    items = list(db.session.scalars(stmt.limit(size).offset((page - 1) * size)))
    pages = max(1, math.ceil((total or 0) / size))
    meta: dict[str, int] = {
        "total": total or 0,
        "total_pages": pages,
        "first_page": 1,
        "last_page": pages,
        "page": page,
    }
    if page > 1:
        meta["previous_page"] = page - 1
    if page < pages:
        meta["next_page"] = page + 1
    return items, 200, {"X-Pagination": json.dumps(meta)}


def etag_of(schema: ma.Schema, obj: Any) -> str:
    dumped = json.dumps(schema.dump(obj), sort_keys=True, default=str)
    return '"' + hashlib.sha256(dumped.encode()).hexdigest()[:32] + '"'


def check_if_match(schema: ma.Schema, obj: Any) -> None:
    """A stale `If-Match` is a 412; no `If-Match` means the client accepts last-write-wins."""
    current = etag_of(schema, obj).strip('"')
    if request.if_match and not request.if_match.star_tag and current not in request.if_match:
        raise PreconditionFailed("The resource changed since you read it; fetch it again.")


def with_etag(schema: ma.Schema, obj: Any, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    return obj, status, {"ETag": etag_of(schema, obj)}


class Timestamp(ma.fields.AwareDateTime):
    """RFC 3339 with an offset; a timestamp without one is a 422."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)


# "HH:MM" from "00:00" to "23:59", two digits each.
WALL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class WallTime(ma.fields.Field):
    """A wall-clock time "HH:MM"; the OpenAPI pattern is exactly what is accepted."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "pattern": WALL_TIME_PATTERN, "example": "06:00"}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        if not isinstance(value, str) or not re.fullmatch(WALL_TIME_PATTERN, value):
            raise ma.ValidationError('A time "HH:MM" from "00:00" to "23:59".')
        return time(int(value[:2]), int(value[3:]))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return value if isinstance(value, str) or value is None else value.strftime("%H:%M")


class DateOrTimestamp(ma.fields.Field):
    """`YYYY-MM-DD` (a whole local day) or an RFC 3339 timestamp with offset, for from/to."""

    def __init__(self, **kwargs: Any) -> None:
        # Without this the OpenAPI document shows `{}`: clients and fuzzers would not know.
        metadata = {
            "type": "string",
            "anyOf": [{"format": "date"}, {"format": "date-time"}],
            "example": "2026-11-23",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and len(value) == 10:
            return ma.fields.Date()._deserialize(value, attr, data, **kwargs)
        return Timestamp()._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value.isoformat() if value is not None else None
