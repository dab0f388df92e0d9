"""`/api/v1/products` and the other inventory tables: registrations on the resource layer, and
the inventory status view."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.blueprints.common import Blueprint, Quantity, paginate
from app.blueprints.inventory.schemas import InventoryStatusArgsSchema, InventoryStatusSchema
from app.blueprints.resource import APPEND_ONLY, Resource, register
from app.models.inventory import (
    InventoryAdjustment,
    InventoryCount,
    InventoryLevel,
    Product,
    ProductCategory,
    StockMovement,
)
from app.security import current_actor, requires
from app.services.inventory import status
from app.services.inventory.adjustments import InventoryAdjustmentService, InventoryCountService
from app.services.inventory.products import ProductService
from app.services.inventory.stock import StockMovementService

blp = Blueprint("inventory", __name__, url_prefix="/api/v1", description="Products and inventory.")

# The code is stored upper-case, so it is not echoed as sent (a format says so to clients).
PRODUCT_CODE = ma.fields.String(
    required=True,
    validate=ma.validate.Length(min=1, max=100),
    metadata={
        "format": "upper-case-code",
        "description": "Stored upper-case; unique per organization among live products, "
        "whatever the case it is sent in.",
    },
)

OPENING_QUANTITY = Quantity(
    load_only=True,
    metadata={
        "description": "On create only: the stock the product starts with, posted as one "
        "`adjustment` movement (no approval). Not for untracked products."
    },
)

register(blp, Resource(ProductCategory, "inventory", default_sort=("sort_order", "name")))
register(
    blp,
    Resource(
        Product,
        "inventory",
        read_permission="catalog:read",
        service=ProductService(),
        fields={"code": PRODUCT_CODE, "opening_quantity": OPENING_QUANTITY},
    ),
)
register(
    blp, Resource(InventoryLevel, "inventory", search=("location",), default_sort=("location",))
)
register(
    blp,
    Resource(
        StockMovement,
        "inventory",
        methods=APPEND_ONLY,
        date_field="occurred_at",
        search=("reference_type", "reason"),
        default_sort=("-occurred_at",),
        service=StockMovementService(),
    ),
)
register(
    blp,
    Resource(
        InventoryAdjustment,
        "inventory",
        date_field="created_at",
        search=("reason",),
        default_sort=("-created_at",),
        service=InventoryAdjustmentService(),
    ),
)
register(
    blp,
    Resource(
        InventoryCount,
        "inventory",
        methods=APPEND_ONLY,
        date_field="counted_at",
        search=("location", "notes"),
        default_sort=("-counted_at",),
        service=InventoryCountService(),
    ),
)


@blp.route("/inventory/status")
@requires("inventory:read")
@blp.arguments(InventoryStatusArgsSchema, location="query")
@blp.response(200, InventoryStatusSchema(many=True))
@blp.doc(summary="Inventory status per tracked product (seed 002's view)")
def inventory_status(args: dict[str, Any]) -> Any:
    """Every live product that tracks inventory, by code: its `inventory_status`, margins and
    value; `?status=` and `?category_id=` filter, paged as every list."""
    products, code, page_headers = paginate(status.query(current_actor(), args), args)
    return [status.row(p) for p in products], code, page_headers
