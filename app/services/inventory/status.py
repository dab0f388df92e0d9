"""The inventory status view (`GET /inventory/status`, seed 002's `inventory_status`): per live
product that tracks inventory,

- `inventory_status`: `OUT_OF_STOCK` when `stock_level <= 0`, else `LOW_STOCK` when
  `<= min_stock_level`, else `REORDER_NEEDED` when `<= reorder_point`, else `IN_STOCK`;
- `margin = price - cost`; `margin_percent = margin / cost x 100`, half-up to 0.01 (0 when the
  cost is 0: seed 002's markup on cost);
- `inventory_value = stock_level x cost`, half-up to the cent.

The status is one SQL expression (`STATUS`), so that `?status=` filters and pages in the
database; the row itself is computed from the same product, by the same rules, in `row`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from app.models import User
from app.models.inventory import Product
from app.services.line_math import HUNDRED, ZERO, cents
from app.services.tenancy import scoped

STATUSES = ("OUT_OF_STOCK", "LOW_STOCK", "REORDER_NEEDED", "IN_STOCK")

STATUS = sa.case(
    (Product.stock_level <= 0, "OUT_OF_STOCK"),
    (Product.stock_level <= Product.min_stock_level, "LOW_STOCK"),
    (Product.stock_level <= Product.reorder_point, "REORDER_NEEDED"),
    else_="IN_STOCK",
)


@dataclass(frozen=True)
class StatusRow:
    id: uuid.UUID
    code: str
    name: str
    type: str
    status: str
    category_id: uuid.UUID | None
    stock_level: Decimal
    reserved_quantity: Decimal
    available_quantity: Decimal
    min_stock_level: Decimal
    reorder_point: Decimal
    inventory_status: str
    price: Decimal
    cost: Decimal
    currency: str
    margin: Decimal
    margin_percent: Decimal
    inventory_value: Decimal


def status_of(stock: Decimal, minimum: Decimal, reorder_point: Decimal) -> str:
    if stock <= 0:
        return "OUT_OF_STOCK"
    if stock <= minimum:
        return "LOW_STOCK"
    if stock <= reorder_point:
        return "REORDER_NEEDED"
    return "IN_STOCK"


def margin_percent(price: Decimal, cost: Decimal) -> Decimal:
    if cost <= 0:
        return ZERO.quantize(Decimal("0.01"))
    return ((price - cost) / cost * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def row(product: Product) -> StatusRow:
    stock = product.stock_level if product.stock_level is not None else ZERO
    reserved = product.reserved_quantity if product.reserved_quantity is not None else ZERO
    return StatusRow(
        id=product.id,
        code=product.code,
        name=product.name,
        type=product.type,
        status=product.status,
        category_id=product.category_id,
        stock_level=stock,
        reserved_quantity=reserved,
        available_quantity=stock - reserved,
        min_stock_level=product.min_stock_level,
        reorder_point=product.reorder_point,
        inventory_status=status_of(stock, product.min_stock_level, product.reorder_point),
        price=product.price,
        cost=product.cost,
        currency=product.currency,
        margin=product.price - product.cost,
        margin_percent=margin_percent(product.price, product.cost),
        inventory_value=cents(stock * product.cost),
    )


def query(actor: User, filters: dict[str, Any]) -> sa.Select[Any]:
    """The caller's live tracked products, by code, filtered by `status` and `category_id`."""
    stmt = scoped(Product, actor).where(
        Product.track_inventory.is_(True), Product.stock_level.is_not(None)
    )
    if filters.get("status"):
        stmt = stmt.where(filters["status"] == STATUS)
    if filters.get("category_id"):
        stmt = stmt.where(Product.category_id == filters["category_id"])
    return stmt.order_by(Product.code, Product.id)
