"""Completing a production order (`POST /production-orders/{id}/complete`): the run's stock
movements, all or nothing.

For `quantity_produced` P and `quantity_scrapped` S, each component of the order's BOM is
consumed by one `production_out` movement of

    component quantity x (P + S) / BOM quantity      (half-up to 0.001)

and the product gains one `production_in` of P (none when P is 0), every movement referencing
(`production_order`, the order's id) and carrying the product's cost as `unit_cost`. Components
that do not track inventory (supplies) have no movements. Every product involved is row-locked
in id order first, every component is checked against its available stock, and only then is
anything written: a short component is a 409 `INSUFFICIENT_STOCK` naming every short one, with
nothing posted. The order becomes `completed` with the quantities, `actual_end_date`,
`material_cost` = Σ round(consumed x cost, 2) and `actual_cost` = material + labour + overhead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from app.errors import InvalidTransition, ValidationFailed
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.inventory import Product
from app.models.production import BillOfMaterials, ProductionOrder
from app.openapi import raises
from app.services.inventory.stock import (
    InsufficientStock,
    held,
    issue,
    lock_products,
    post_movement,
)
from app.services.line_math import ZERO, cents

REFERENCE = "production_order"
OPEN = ("planned", "released", "in_progress")
MILLI = Decimal("0.001")


@dataclass(frozen=True)
class Need:
    product_id: Any
    quantity: Decimal


def needs(bom: BillOfMaterials, runs_of: Decimal) -> list[Need]:
    """What making `runs_of` units consumes of each component (one per product, summed)."""
    totals: dict[Any, Decimal] = {}
    for component in bom.components:
        quantity = component.quantity * runs_of / bom.quantity
        totals[component.product_id] = totals.get(component.product_id, ZERO) + quantity
    return [
        Need(product_id, quantity.quantize(MILLI, rounding=ROUND_HALF_UP))
        for product_id, quantity in totals.items()
        if quantity.quantize(MILLI, rounding=ROUND_HALF_UP) > 0
    ]


def _tracked(product: Product | None) -> bool:
    return product is not None and product.track_inventory and product.stock_level is not None


def _check(order: ProductionOrder, produced: Decimal, scrapped: Decimal) -> BillOfMaterials:
    if order.status not in OPEN:
        raise InvalidTransition(f"A {order.status} order cannot be completed.")
    if produced + scrapped <= 0:
        raise ValidationFailed(
            errors={"quantity_produced": ["Produced and scrapped together must be above 0."]}
        )
    bom = db.session.get(BillOfMaterials, order.bom_id) if order.bom_id else None
    if bom is None or bom.deleted_at is not None:
        raise ValidationFailed(errors={"bom_id": ["The order has no bill of materials."]})
    return bom


def _shortages(
    locked: dict[Any, Product], consumed: list[Need], order: ProductionOrder
) -> list[dict[str, str]]:
    short = []
    for need in consumed:
        product = locked[need.product_id]
        assert product.stock_level is not None and product.reserved_quantity is not None
        available = (
            product.stock_level - product.reserved_quantity + held(product.id, REFERENCE, order.id)
        )
        if need.quantity > available:
            short.append(
                {
                    "product_id": str(product.id),
                    "code": product.code,
                    "requested": str(need.quantity),
                    "available": str(available),
                }
            )
    return short


@raises(InvalidTransition, InsufficientStock)
def complete(
    actor: User, order: ProductionOrder, produced: Decimal, scrapped: Decimal
) -> ProductionOrder:
    db.session.scalars(
        sa.select(ProductionOrder)
        .where(ProductionOrder.id == order.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # a second completion of the same order waits, then finds it completed
    bom = _check(order, produced, scrapped)
    components = {c.product_id: db.session.get(Product, c.product_id) for c in bom.components}
    consumed = [n for n in needs(bom, produced + scrapped) if _tracked(components[n.product_id])]
    made = db.session.get(Product, order.product_id)
    lock_ids = [n.product_id for n in consumed] + ([order.product_id] if _tracked(made) else [])
    locked = lock_products(actor, lock_ids)
    short = _shortages(locked, consumed, order)
    if short:
        raise InsufficientStock(
            "Components are short: "
            + ", ".join(
                f"{s['code']} ({s['requested']} needed, {s['available']} available)" for s in short
            )
            + ".",
            details={"components": short},
        )
    ref: dict[str, Any] = {"reference_type": REFERENCE, "reference_id": order.id}
    material = ZERO
    for need in consumed:
        cost = locked[need.product_id].cost
        issue(actor, need.product_id, need.quantity, type="production_out", unit_cost=cost, **ref)
        material += cents(need.quantity * cost)
    if produced > 0 and _tracked(made):
        assert made is not None
        post_movement(
            actor,
            {
                "product_id": made.id,
                "quantity": produced,
                "type": "production_in",
                "unit_cost": made.cost,
                **ref,
            },
        )
    order.quantity_produced, order.quantity_scrapped = produced, scrapped
    order.status, order.actual_end_date = "completed", utcnow()
    order.material_cost = material
    order.actual_cost = material + order.labor_cost + order.overhead_cost
    db.session.flush()
    return order
