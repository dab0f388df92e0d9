"""Stock movements and reservations: `products.stock_level` is the sum of the product's
movements and `products.reserved_quantity` the sum of its reservations, kept so by writing each
row and its change of the cached column in one transaction, under the product's row lock
(PostgreSQL's `SELECT ... FOR UPDATE`; SQLite has one writer at a time). Both tables are
append-only: a release is a negative reservation, a correction a reversing movement.

Every stock change goes through this module, so that no path forgets the lock:

- `post_movement(actor, data)`: one movement (receipt, adjustment, import, ...); 422
  `NEGATIVE_STOCK` when the level would fall below 0. `POST /stock-movements` is this.
- `reserve(actor, product_id, quantity, reference_type=..., reference_id=...)`: hold stock for
  a document; 409 `INSUFFICIENT_STOCK` when more than is available. `reserve_up_to` holds what
  there is (a sales order's confirmation: `reserved = min(quantity, available)`).
- `release(...)`: give back what a document holds (cancellation, a line edited down).
- `issue(...)`: take stock out for a document (fulfilment, production): first from what the
  document holds, the rest from available stock; 409 `INSUFFICIENT_STOCK` when that is short.

Several products are locked in id order (`lock_products`), one order for every writer, so two
transactions over the same products never deadlock.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import User
from app.models.inventory import Product, StockMovement, StockReservation
from app.openapi import raises
from app.services.resources import ResourceService, create
from app.services.tenancy import scoped

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

ZERO = Decimal("0")


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


def lock_products(actor: User, product_ids: Iterable[Any]) -> dict[uuid.UUID, Product]:
    """The tracked products, row-locked one after the other in id order (no deadlock)."""
    ids = sorted({uuid.UUID(str(i)) for i in product_ids})
    return {i: tracked_product(actor, i, lock=True) for i in ids}


class NegativeStock(ValidationFailed):
    code, default_message = "NEGATIVE_STOCK", "Stock would fall below 0."


class InsufficientStock(Conflict):
    code, default_message = "INSUFFICIENT_STOCK", "Not enough stock is available."


def _available(product: Product) -> Decimal:
    return (product.stock_level or ZERO) - (product.reserved_quantity or ZERO)


def _short(product: Product, wanted: Decimal, available: Decimal) -> InsufficientStock:
    return InsufficientStock(
        f"{wanted} of {product.code} wanted, {available} available.",
        details={
            "product_id": str(product.id),
            "requested": str(wanted),
            "available": str(available),
        },
    )


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


def held(product_id: Any, reference_type: str, reference_id: Any) -> Decimal:
    """What a document still holds of a product (Σ of its reservations)."""
    total = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StockReservation.quantity), 0)).where(
            StockReservation.product_id == product_id,
            StockReservation.reference_type == reference_type,
            StockReservation.reference_id == reference_id,
        )
    )
    return Decimal(total or 0)


def _hold(actor: User, product: Product, quantity: Decimal, ref: tuple[str, Any]) -> None:
    create(
        StockReservation,
        actor,
        {
            "product_id": product.id,
            "quantity": quantity,
            "reference_type": ref[0],
            "reference_id": ref[1],
        },
    )
    product.reserved_quantity = (product.reserved_quantity or ZERO) + quantity
    db.session.flush()


def _positive(quantity: Decimal) -> None:
    if quantity <= 0:
        raise ValidationFailed(errors={"quantity": ["Must be greater than 0."]})


def reserve(
    actor: User, product_id: Any, quantity: Decimal, *, reference_type: str, reference_id: Any
) -> Decimal:
    """Hold `quantity` for the document; 409 `INSUFFICIENT_STOCK` (nothing written) when more
    than is available. Returns what the document now holds."""
    _positive(quantity)
    product = tracked_product(actor, product_id, lock=True)
    available = _available(product)
    if quantity > available:
        raise _short(product, quantity, available)
    _hold(actor, product, quantity, (reference_type, reference_id))
    return held(product.id, reference_type, reference_id)


def reserve_up_to(
    actor: User, product_id: Any, quantity: Decimal, *, reference_type: str, reference_id: Any
) -> Decimal:
    """Hold what is available of `quantity` (never below 0 available); returns the quantity
    reserved now (0: nothing written), the rest being the shortage."""
    _positive(quantity)
    product = tracked_product(actor, product_id, lock=True)
    reserved = min(quantity, max(_available(product), ZERO))
    if reserved > 0:
        _hold(actor, product, reserved, (reference_type, reference_id))
    return reserved


def release(
    actor: User, product_id: Any, quantity: Decimal, *, reference_type: str, reference_id: Any
) -> Decimal:
    """Give back `quantity` of what the document holds (422 when it holds less); returns what
    it still holds."""
    _positive(quantity)
    product = tracked_product(actor, product_id, lock=True)
    holding = held(product.id, reference_type, reference_id)
    if quantity > holding:
        raise ValidationFailed(
            f"The document holds {holding} of {product.code}.",
            errors={"quantity": [f"More than is reserved ({holding})."]},
        )
    _hold(actor, product, -quantity, (reference_type, reference_id))
    return holding - quantity


def release_all(actor: User, product_id: Any, *, reference_type: str, reference_id: Any) -> Decimal:
    """Give back everything the document holds of the product; returns the quantity released."""
    product = tracked_product(actor, product_id, lock=True)
    holding = held(product.id, reference_type, reference_id)
    if holding > 0:
        _hold(actor, product, -holding, (reference_type, reference_id))
    return holding


def issue(
    actor: User,
    product_id: Any,
    quantity: Decimal,
    *,
    reference_type: str,
    reference_id: Any,
    type: str = "issue",
    **fields: Any,
) -> StockMovement:
    """Take `quantity` out of stock for the document: what it holds is released first (by the
    same quantity, at most what it holds), the rest must be available. 409
    `INSUFFICIENT_STOCK` otherwise, with nothing written."""
    _positive(quantity)
    product = tracked_product(actor, product_id, lock=True)
    from_hold = min(quantity, held(product.id, reference_type, reference_id))
    available = _available(product)
    if quantity - from_hold > available:
        raise _short(product, quantity, available + from_hold)
    if from_hold > 0:
        _hold(actor, product, -from_hold, (reference_type, reference_id))
    data = {
        **fields,
        "product_id": product.id,
        "quantity": -quantity,
        "type": type,
        "reference_type": reference_type,
        "reference_id": reference_id,
    }
    return post_movement(actor, data)


def stock_total(product_id: Any) -> Any:
    """Σ movements of a product (the check that the cached level agrees)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StockMovement.quantity), 0)).where(
            StockMovement.product_id == product_id
        )
    )


def reserved_total(product_id: Any) -> Any:
    """Σ reservations of a product (the check that the cached reserved quantity agrees)."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StockReservation.quantity), 0)).where(
            StockReservation.product_id == product_id
        )
    )


class StockMovementService(ResourceService):
    @raises(NegativeStock)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        return post_movement(actor, data)
