"""Writing one chunk of an inventory import: its parts created or updated, their quantities as
`import` stock movements, in the caller's transaction.

This is `stock.post_movement` for many products at once, with the same guarantee: the
products are row-locked (one `SELECT ... FOR UPDATE` in id order, the order every other stock
writer locks in, so no deadlock), each movement and its change of the cached `stock_level` are
written in the same transaction, so `stock_level` stays the sum of the movements. One flush
writes the chunk (multi-row INSERTs of the new products and movements, the updates batched),
and the audit listener records every row as it does for any ORM write.

Soft SME's rules for a part the organization already has: the file's description, its cost
when above 0, the higher reorder point; unit and part type stay as they are. Quantities:
`add` posts the file's quantity, `set` the difference to it (nothing when equal). A product
that does not track inventory takes no movement: a quantity for it is reported with a
`QUANTITY_IGNORED` warning.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import DataImport, User
from app.models.inventory import Product, StockMovement
from app.services import audit, bulk
from app.services.inventory.import_rows import Issue, Part
from app.services.resources import defaults
from app.services.tenancy import scoped

ZERO = Decimal("0")


def lock_existing(actor: User, codes: Sequence[str]) -> dict[str, Product]:
    """The organization's live products with these codes, row-locked in id order."""
    # The codes are rendered into the statement, so that PostgreSQL plans it for them: with
    # bound parameters the driver prepares the same text after a few chunks, and the generic
    # plan, made while the table was small, scans every product for each chunk.
    listed: Any = sa.bindparam("codes", list(codes), expanding=True, literal_execute=True)
    stmt = (
        scoped(Product, actor)
        .where(Product.code.in_(listed))
        .order_by(Product.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {p.code: p for p in db.session.scalars(stmt)}


def _full_row(model: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    """Every column's value for a set-based INSERT: `data`, else the column's default."""
    row: dict[str, Any] = {}
    for column in sa.inspect(model).columns:
        if column.computed is not None:
            continue
        if column.key in data:
            row[column.key] = data[column.key]
        elif column.default is not None:
            default: Any = column.default
            row[column.key] = default.arg(None) if default.is_callable else default.arg
        else:
            row[column.key] = None
    return row


def _new_product(part: Part, filled: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        **filled,
        "id": uuid.uuid4(),
        "code": part.code,
        "name": part.name,
        "unit": part.unit,
        "cost": part.cost,
        "reorder_point": part.reorder_point,
        "track_inventory": part.tracked,
    }
    return _full_row(Product, data)


def _update_product(product: Product, part: Part) -> None:
    product.name = part.name
    if part.cost > 0:
        product.cost = part.cost
    product.reorder_point = max(product.reorder_point, part.reorder_point)


def _quantity_ignored(part: Part) -> Issue:
    return Issue(
        part.rows[0],
        "quantity",
        str(part.quantity),
        "QUANTITY_IGNORED",
        f"{part.code} does not track inventory: its quantity was not posted.",
        "warning",
    )


def _insert(model: type[Any], rows: list[dict[str, Any]]) -> None:
    """The rows in one go (`bulk.insert_rows`: COPY on PostgreSQL) and their CREATE audit
    rows."""
    if rows:
        bulk.insert_rows(model.__table__, rows)
        audit.record_created(model, rows)


def apply_parts(actor: User, data_import: DataImport, parts: Sequence[Part]) -> list[Issue]:
    """Create or update the parts and post their quantities; the warnings this raises."""
    existing = lock_existing(actor, [p.code for p in parts])
    warnings: list[Issue] = []
    reason = f"Import of {data_import.file_name} ({data_import.mode})"
    # What the server fills (tenant, creator, currency), once for the chunk.
    product_defaults = defaults(Product, actor, {})
    movement_defaults = defaults(StockMovement, actor, {})
    created: list[dict[str, Any]] = []
    movements: list[dict[str, Any]] = []
    for part in parts:
        product = existing.get(part.code)
        if product is None:
            row = _new_product(part, product_defaults)
            created.append(row)
            level, tracked, cost = row["stock_level"], part.tracked, part.cost
        else:
            _update_product(product, part)
            level, tracked, cost = product.stock_level, product.track_inventory, product.cost
        if not tracked:
            if part.quantity > 0:
                warnings.append(_quantity_ignored(part))
            continue
        change = part.quantity if data_import.mode == "add" else part.quantity - (level or ZERO)
        if change == 0:
            continue
        data = {
            **movement_defaults,
            "id": uuid.uuid4(),
            "product_id": row["id"] if product is None else product.id,
            "quantity": change,
            "type": "import",
            "reference_type": "data_import",
            "reference_id": data_import.id,
            "unit_cost": cost,
            "reason": reason,
        }
        movements.append(_full_row(StockMovement, data))
        if product is None:
            row["stock_level"] = (level or ZERO) + change
        else:
            product.stock_level = (level or ZERO) + change
    db.session.flush()  # the existing products' changes (audited by the session listener)
    _insert(Product, created)
    _insert(StockMovement, movements)
    return warnings
