"""The cost of a bill of materials (`GET /bills-of-materials/{id}/cost`) and the completion of a
production order (`POST /production-orders/{id}/complete`)."""

from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from app.blueprints.common import DecimalString, Money, Quantity, Schema


class ComponentCostSchema(Schema):
    id = ma.fields.UUID(metadata={"description": "The component line's id."})
    product_id = ma.fields.UUID()
    quantity = Quantity()
    scrap_percent = DecimalString(7, 2)
    product_cost = Money(metadata={"description": "The component product's current `cost`."})
    cost = Money(
        metadata={
            "description": "round(product_cost x quantity x (1 + scrap_percent/100), 2), half-up."
        }
    )


class BomCostSchema(Schema):
    bom_id = ma.fields.UUID()
    product_id = ma.fields.UUID()
    currency = ma.fields.String(metadata={"description": "The BOM's product's currency."})
    quantity = Quantity(metadata={"description": "What one run of the BOM makes."})
    components = ma.fields.List(ma.fields.Nested(ComponentCostSchema))
    cost = Money(metadata={"description": "Σ components' cost: one run of the BOM."})
    cost_per_unit = Money(metadata={"description": "round(cost / quantity, 2), half-up."})


class CompletionSchema(Schema):
    quantity_produced = Quantity(
        required=True, metadata={"description": "Good units made: one production_in."}
    )
    quantity_scrapped = Quantity(
        load_default=Decimal("0"),
        metadata={"description": "Units lost; their components are consumed too."},
    )
