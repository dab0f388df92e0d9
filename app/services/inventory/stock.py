"""Stock movements: `products.stock_level` is the sum of the product's movements, kept so by
posting each movement and its change of the cached level in one transaction, under the
product's row lock (PostgreSQL; SQLite has one writer at a time).

The workflows of ERP II (receiving, fulfilment, adjustments, imports, production) post through
`post_movement`; `POST /stock-movements` does too, so the generic route cannot split the
movements from the level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.extensions import db
from app.models import User
from app.models.inventory import Product, StockMovement
from app.openapi import raises
from app.services.resources import ResourceService, create
from app.services.tenancy import scoped

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def tracked_product(actor: User, product_id: Any, *, lock: bool = False) -> Product:
    """The caller's live product that tracks inventory (422 on `product_id` otherwise)."""
    stmt = scoped(Product, actor).where(Product.id == product_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    product = db.session.scalars(stmt).first()
    if product is None:
        raise ValidationFailed(errors={"product_id": ["No such record."]})
    if not product.track_inventory or product.stock_level is None:
        raise ValidationFailed(
            errors={"product_id": ["This product does not track inventory (no movements)."]}
        )
    return product


class NegativeStock(ValidationFailed):
    code, default_message = "NEGATIVE_STOCK", "Stock would fall below 0."


def post_movement(actor: User, data: dict[str, Any]) -> StockMovement:
    """One movement and the product's new `stock_level`; 422 `NEGATIVE_STOCK` when it would
    take the level below 0 (nothing written)."""
    product = tracked_product(actor, data.get("product_id"), lock=True)
    assert product.stock_level is not None
    level = product.stock_level + data["quantity"]
    if level < 0:
        raise NegativeStock(
            f"Stock of {product.code} would fall below 0 ({product.stock_level} on hand).",
            errors={"quantity": ["More than is in stock."]},
            details={"stock_level": str(product.stock_level)},
        )
    movement = create(StockMovement, actor, data)
    product.stock_level = level
    db.session.flush()
    return movement


def stock_total(product_id: Any) -> Any:
    """Σ movements of a product (the check that the cached level agrees)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StockMovement.quantity), 0)).where(
            StockMovement.product_id == product_id
        )
    )


class StockMovementService(ResourceService):
    @raises(NegativeStock)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        return post_movement(actor, data)
