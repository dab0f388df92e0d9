"""The inventory status view (`GET /inventory/status`)."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import DecimalString, Money, PageArgsSchema, Quantity, Schema
from app.services.inventory.status import STATUSES


class InventoryStatusArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    category_id = ma.fields.UUID()


class InventoryStatusSchema(Schema):
    id = ma.fields.UUID(metadata={"description": "The product's id."})
    code = ma.fields.String()
    name = ma.fields.String()
    type = ma.fields.String()
    status = ma.fields.String(metadata={"description": "The product's own status."})
    category_id = ma.fields.UUID(allow_none=True)
    stock_level = Quantity(signed=True)
    reserved_quantity = Quantity()
    available_quantity = Quantity(signed=True)
    min_stock_level = Quantity()
    reorder_point = Quantity()
    inventory_status = ma.fields.String(
        metadata={
            "enum": list(STATUSES),
            "description": "OUT_OF_STOCK when stock_level <= 0, else LOW_STOCK when <= "
            "min_stock_level, else REORDER_NEEDED when <= reorder_point, else IN_STOCK.",
        }
    )
    price = Money()
    cost = Money()
    currency = ma.fields.String()
    margin = Money(signed=True, metadata={"description": "price - cost."})
    margin_percent = DecimalString(
        14,
        2,
        signed=True,
        metadata={"description": "(price - cost) / cost x 100, half-up; 0 when cost is 0."},
    )
    inventory_value = Money(metadata={"description": "stock_level x cost, half-up to the cent."})
