"""Rows of any registered resource, generated from its model-derived create schema.

`resource_body(tenant, table)` is a minimal valid `POST` body: every required field gets a
value from its type (its first allowed value, a short unique text, "1", a date, ...), every
required foreign key a new row of the table it names, made the same way first (so parents are
created in dependency order). A resource whose rules need more than that registers the extra
fields in `BODY_OVERRIDES`; a document gets one line. `make_resource_row` posts the body
through the API (or, for resources without `POST`, creates the row through the resource's own
service, as the job that writes them would).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from app.blueprints.common import DecimalString, Timestamp

_serial = itertools.count(1)

# table → extra body fields for tables whose rules the generated body would break.
BODY_OVERRIDES: dict[str, Callable[[Any], dict[str, Any]]] = {
    "shift_templates": lambda tenant: {
        "start_time": "06:00",
        "end_time": "14:30",
        "days_of_week": [0, 1, 2, 3, 4],
    },
    # Sales document lines name a product (quote lines may instead state their price).
    "quotes": lambda tenant: {"lines": [_product_line(tenant)]},
    "sales_orders": lambda tenant: {"lines": [_product_line(tenant)]},
    "invoices": lambda tenant: {"lines": [_product_line(tenant)]},
    # A balanced entry on the default chart's accounts (every tenant registers with it).
    "ledger_entries": lambda tenant: {
        "lines": [
            {"account_code": "1000", "debit": "1.00"},
            {"account_code": "4000", "credit": "1.00"},
        ]
    },
    # One line on a header of its own (a workflow writes the header, then its lines), so that
    # the line is the only one the row adds.
    "ledger_lines": lambda tenant: {
        "entry_id": str(_entry_header(tenant)),
        "account_code": "1000",
        "debit": "1.00",
    },
    # Codes are capital letters (ISO 4217, ISO 3166, USPS), unique per tenant where keyed.
    "currencies": lambda tenant: {"code": _letters(3)},
    "fx_rates": lambda tenant: {"base": "USD", "quote": _letters(3)},
    "vat_rates": lambda tenant: {"country_code": "DE"},
    "sales_tax_us": lambda tenant: {"state_code": "NY"},
}


def _entry_header(tenant: Any) -> uuid.UUID:
    from app.extensions import db
    from app.models import LedgerEntry

    entry = LedgerEntry(organization_id=tenant.organization_id, memo="header")
    db.session.add(entry)
    db.session.commit()
    return entry.id


def _letters(width: int) -> str:
    """A fresh code of capital letters (never USD: fx_rates pair it with USD)."""
    n, code = next(_serial) + 26**2, ""
    for _ in range(width):
        n, digit = divmod(n, 26)
        code = chr(ord("A") + digit) + code
    return code if code != "USD" else _letters(width)


def _product_line(tenant: Any) -> dict[str, Any]:
    return {"product_id": str(reference(tenant, "products")), "quantity": "1"}


# Tables outside the registry that a foreign key may name → how to get a row of the tenant.
OUTSIDE_REGISTRY: dict[str, Callable[[Any], uuid.UUID]] = {
    "employees": lambda tenant: tenant.employee_ids["employee"],
    "users": lambda tenant: tenant.user_ids["employee"],
    "workspaces": lambda tenant: tenant.owner_user().workspace_id,
}


def _registry() -> dict[str, Any]:
    from app.blueprints.resource import REGISTRY

    return REGISTRY


def foreign_table(model: type[Any], attribute: str) -> str | None:
    """The table a model attribute's foreign key points at (None when it has none)."""
    prop = sa.inspect(model).attrs.get(attribute)
    columns = getattr(prop, "columns", [])
    for column in columns:
        for fk in column.foreign_keys:
            return str(fk.column.table.name)
    return None


def _text(field: ma.fields.Field, name: str) -> str:
    for rule in field.validators:
        if isinstance(rule, ma.validate.OneOf):
            return str(next(iter(rule.choices)))
    limit = min(
        (r.max for r in field.validators if isinstance(r, ma.validate.Length) and r.max), default=40
    )
    if name == "currency":
        return "USD"
    if name == "email":
        return f"row{next(_serial)}@example.com"
    return f"{name[:10]}-{next(_serial)}"[:limit]


def field_value(tenant: Any, model: type[Any], name: str, field: ma.fields.Field) -> Any:
    """A valid value for one field of `model`'s create schema."""
    target = foreign_table(model, name)
    if target is not None:
        return str(reference(tenant, target))
    if isinstance(field, DecimalString):
        return "1"
    if isinstance(field, ma.fields.Boolean):
        return False
    if isinstance(field, ma.fields.Integer):
        low = min(
            (
                r.min
                for r in field.validators
                if isinstance(r, ma.validate.Range) and r.min is not None
            ),
            default=1,
        )
        return max(low, 1)
    if isinstance(field, Timestamp | ma.fields.AwareDateTime | ma.fields.DateTime):
        return "2026-11-23T08:00:00Z"
    if isinstance(field, ma.fields.Date):
        return "2026-11-23"
    if isinstance(field, ma.fields.Time):
        return "08:00"
    if isinstance(field, ma.fields.UUID):
        return str(uuid.uuid4())
    if isinstance(field, ma.fields.List):
        return []
    if isinstance(field, ma.fields.Dict):
        return {}
    return _text(field, name)


def schema_body(
    tenant: Any, model: type[Any], schema: ma.Schema, given: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """The required fields' values, except those `given` (no parent row made for those)."""
    return {
        field.data_key or name: field_value(tenant, model, name, field)
        for name, field in schema.load_fields.items()
        if field.required and (field.data_key or name) not in given
    }


def resource_body(tenant: Any, table: str) -> dict[str, Any]:
    registered = _registry()[table]
    res = registered.resource
    overrides = BODY_OVERRIDES[table](tenant) if table in BODY_OVERRIDES else {}
    body = schema_body(tenant, res.model, registered.create(), frozenset(overrides))
    if res.lines is not None:
        line_field = registered.create().load_fields[res.lines.field]
        line_schema = line_field.inner.schema
        line = schema_body(tenant, res.lines.model, line_schema)
        body[res.lines.field] = [line]
    body.update(overrides)
    return body


def reference(tenant: Any, table: str) -> uuid.UUID:
    """A row of `table` for the tenant, made for the occasion."""
    if table in OUTSIDE_REGISTRY:
        return OUTSIDE_REGISTRY[table](tenant)
    return make_resource_row(tenant, table)


def _sign_in(tenant: Any) -> uuid.UUID:
    from app.extensions import db
    from app.models import UserSession

    tenant.session_for(tenant.user_ids["employee"])
    return db.session.scalars(
        sa.select(UserSession.id).order_by(UserSession.created_at.desc()).limit(1)
    ).one()


# Read-only tables that a system action (not a service's create) writes → how to make a row.
SYSTEM_ROWS: dict[str, Callable[[Any], uuid.UUID]] = {"user_sessions": _sign_in}


def make_resource_row(tenant: Any, table: str) -> uuid.UUID:
    if table in SYSTEM_ROWS:
        return SYSTEM_ROWS[table](tenant)
    registered = _registry()[table]
    res = registered.resource
    body = resource_body(tenant, table)
    if "POST" in res.methods:
        return uuid.UUID(tenant.request("POST", registered.url, body)["id"])
    from app.extensions import db

    data = registered.create().load(body)
    row = res.service.create(res, tenant.owner_user(), data)
    db.session.commit()
    return uuid.UUID(str(row.id))
