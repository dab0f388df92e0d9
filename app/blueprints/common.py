"""What every blueprint shares: the strict argument parser, field types, pagination and ETags."""

from __future__ import annotations

import hashlib
import json
import math
import zoneinfo
from decimal import Decimal
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import request
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser

from app.errors import PreconditionFailed
from app.extensions import db

MAX_PAGE_SIZE = 500


class StrictParser(FlaskParser):
    """Unknown body fields and unknown query filters are a 422, not silently ignored."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
        "json": ma.RAISE,
    }


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictParser()


class Schema(ma.Schema):
    class Meta:
        unknown = ma.RAISE
        ordered = True


class Money(ma.fields.Decimal):
    """A decimal with at most 2 places, given and shown as a string ("1234.50")."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", ma.validate.Range(min=0))
        super().__init__(places=2, as_string=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        parsed = ma.fields.Decimal(allow_nan=False)._deserialize(value, attr, data, **kwargs)
        if parsed.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ma.ValidationError("At most 2 decimal places.")
        return parsed.quantize(Decimal("0.01"))


class Currency(ma.fields.String):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            validate=ma.validate.Regexp(r"^[A-Z]{3}$", error="An ISO 4217 code."), **kwargs
        )


def _valid_timezone(name: str) -> None:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
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


class DateOrTimestamp(ma.fields.Field):
    """`YYYY-MM-DD` (a whole local day) or an RFC 3339 timestamp with offset, for from/to."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and len(value) == 10:
            return ma.fields.Date()._deserialize(value, attr, data, **kwargs)
        return Timestamp()._deserialize(value, attr, data, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value.isoformat() if value is not None else None
