"""Products: codes stored upper-case (Soft SME), so that uniqueness ignores case; a product
named by a document line, a stock movement, a bill of materials or a production order cannot
be deleted (seed 002's `prevent_product_deletion`, 409 `PRODUCT_IN_USE`): its history would
name a product that is gone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import User
from app.models.crm import DealProduct
from app.models.finance import InvoiceLine
from app.models.inventory import InventoryAdjustment, StockMovement
from app.models.production import BillOfMaterials, BomComponent, ProductionOrder
from app.models.purchasing import PurchaseOrderLine
from app.models.sales import PartToOrder, QuoteLine, SalesOrderLine
from app.openapi import raises
from app.services.inventory.stock import ZERO, NegativeStock, post_movement
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

# (row model, its product column): the rows that keep a product from being deleted (seed
# 002's trigger: deals, quotes, orders; invoice lines join as their table arrives). A soft-
# deleted row does not count; a BOM's component counts while its BOM is live.
PRODUCT_LINES: list[tuple[type[Any], str]] = [
    (DealProduct, "product_id"),
    (QuoteLine, "product_id"),
    (SalesOrderLine, "product_id"),
    (PartToOrder, "product_id"),
    (PurchaseOrderLine, "product_id"),
    (StockMovement, "product_id"),
    (InventoryAdjustment, "product_id"),
    (BillOfMaterials, "product_id"),
    (BomComponent, "product_id"),
    (ProductionOrder, "product_id"),
    (InvoiceLine, "product_id"),
]


def _upper_code(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "code": data["code"].strip().upper()} if data.get("code") else data


def lines_naming(product: Any) -> list[str]:
    """The tables of the live lines that name `product`."""
    found = []
    for model, column in PRODUCT_LINES:
        stmt = sa.select(model.id).where(getattr(model, column) == product.id)
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))
        if model is BomComponent:
            stmt = stmt.join(BillOfMaterials, BillOfMaterials.id == BomComponent.bom_id).where(
                BillOfMaterials.deleted_at.is_(None)
            )
        if db.session.scalar(stmt.limit(1)) is not None:
            found.append(str(model.__tablename__))
    return found


def _stock_columns(obj: Any, data: dict[str, Any]) -> dict[str, Any]:
    """An untracked product (Soft SME's `supply`) has no stock: its cached columns are null. A
    product stops tracking only with nothing in stock or held; it starts again from 0."""
    tracked = data.get("track_inventory")
    if tracked is None or tracked == obj.track_inventory:
        return data
    if not tracked:
        if obj.stock_level or obj.reserved_quantity:
            raise ValidationFailed(
                errors={"track_inventory": ["Stock is on hand or reserved: move it out first."]}
            )
        return {**data, "stock_level": None, "reserved_quantity": None}
    return {**data, "stock_level": ZERO, "reserved_quantity": ZERO}


class ProductInUse(Conflict):
    code, default_message = "PRODUCT_IN_USE", "The product is used by documents."


class ProductService(ResourceService):
    @raises(NegativeStock)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        """`opening_quantity` posts one `adjustment` movement (no approval: it is how a new part
        starts); an untracked product takes none."""
        opening = data.pop("opening_quantity", None)
        product = super().create(res, actor, _upper_code(data))
        if not product.track_inventory:
            product.stock_level = product.reserved_quantity = None
            db.session.flush()
            db.session.refresh(product)
        if opening:
            if not product.track_inventory:
                raise ValidationFailed(
                    errors={"opening_quantity": ["This product does not track inventory."]}
                )
            post_movement(
                actor,
                {
                    "product_id": product.id,
                    "quantity": opening,
                    "type": "adjustment",
                    "reason": "Opening quantity",
                    "reference_type": "product",
                    "reference_id": product.id,
                    "unit_cost": product.cost,
                },
            )
        return product

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        if data.pop("opening_quantity", None) is not None:
            raise ValidationFailed(
                errors={"opening_quantity": ["Only on create: post a movement or an adjustment."]}
            )
        return super().update(res, obj, actor, _upper_code(_stock_columns(obj, data)))

    @raises(ProductInUse)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        used_by = lines_naming(obj)
        if used_by:
            raise ProductInUse(
                f"Product {obj.code} is used by {', '.join(used_by)}: it cannot be deleted.",
                details={"used_by": used_by},
            )
        super().delete(res, obj, actor)
