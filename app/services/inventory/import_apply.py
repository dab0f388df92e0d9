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

from app.extensions import db
from app.models import DataImport, User
from app.models.inventory import Product, StockMovement
from app.services.inventory.import_rows import Issue, Part
from app.services.resources import defaults
from app.services.tenancy import scoped

ZERO = Decimal("0")


def lock_existing(actor: User, codes: Sequence[str]) -> dict[str, Product]:
    """The organization's live products with these codes, row-locked in id order."""
    stmt = (
        scoped(Product, actor)
        .where(Product.code.in_(list(codes)))
        .order_by(Product.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {p.code: p for p in db.session.scalars(stmt)}


def _new_product(actor: User, part: Part) -> Product:
    data: dict[str, Any] = {
        "id": uuid.uuid4(),
        "code": part.code,
        "name": part.name,
        "unit": part.unit,
        "cost": part.cost,
        "reorder_point": part.reorder_point,
        "track_inventory": part.tracked,
    }
    if part.tracked:  # an untracked one keeps the model's defaults, as with POST /products
        data["stock_level"], data["reserved_quantity"] = ZERO, ZERO
    product = Product(**data, **defaults(Product, actor, data))
    db.session.add(product)
    return product


def _update_product(product: Product, part: Part) -> None:
    product.name = part.name
    if part.cost > 0:
        product.cost = part.cost
    product.reorder_point = max(product.reorder_point, part.reorder_point)


def _change(product: Product, part: Part, mode: str) -> Decimal:
    level = product.stock_level or ZERO
    return part.quantity if mode == "add" else part.quantity - level


def apply_parts(actor: User, data_import: DataImport, parts: Sequence[Part]) -> list[Issue]:
    """Create or update the parts and post their quantities; the warnings this raises."""
    existing = lock_existing(actor, [p.code for p in parts])
    warnings: list[Issue] = []
    reason = f"Import of {data_import.file_name} ({data_import.mode})"
    for part in parts:
        product = existing.get(part.code)
        if product is None:
            product = _new_product(actor, part)
        else:
            _update_product(product, part)
        if not product.track_inventory:
            if part.quantity > 0:
                warnings.append(
                    Issue(
                        part.rows[0],
                        "quantity",
                        str(part.quantity),
                        "QUANTITY_IGNORED",
                        f"{part.code} does not track inventory: its quantity was not posted.",
                        "warning",
                    )
                )
            continue
        change = _change(product, part, data_import.mode)
        if change == 0:
            continue
        movement = StockMovement(
            product_id=product.id,
            quantity=change,
            type="import",
            reference_type="data_import",
            reference_id=data_import.id,
            unit_cost=product.cost,
            reason=reason,
        )
        for key, value in defaults(StockMovement, actor, {}).items():
            setattr(movement, key, value)
        db.session.add(movement)
        product.stock_level = (product.stock_level or ZERO) + change
    db.session.flush()
    return warnings
