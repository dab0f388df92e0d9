"""`/api/v1/vendors`, `/api/v1/purchase-orders` and the other purchasing tables: registrations
on the resource layer (rules in `app.services.purchasing`)."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint, DecimalString
from app.blueprints.resource import REGISTRY, Resource, register
from app.models.purchasing import (
    PurchaseOrder,
    PurchaseOrderAllocation,
    PurchaseOrderLine,
    Receipt,
    Vendor,
    VendorCatalog,
    VendorContact,
)
from app.services.purchasing.orders import PurchaseOrderService
from app.services.resources import Lines

blp = Blueprint("purchasing", __name__, url_prefix="/api/v1", description="Vendors and purchasing.")


def positive_quantity() -> DecimalString:
    return DecimalString(
        14, 3, required=True, validate=ma.validate.Range(min=0, min_inclusive=False)
    )


register(blp, Resource(Vendor, "purchasing"))
register(blp, Resource(VendorContact, "purchasing", search=("first_name", "last_name", "email")))
register(
    blp,
    Resource(
        VendorCatalog,
        "purchasing",
        path="/vendor-catalog",
        search=("vendor_sku",),
        # Not negative (the table's CHECK says so too; this makes it a 422, not a 409).
        fields={"lead_time_days": ma.fields.Integer(validate=ma.validate.Range(min=0, max=3650))},
    ),
)
register(
    blp,
    Resource(
        PurchaseOrderAllocation,
        "purchasing",
        fields={"quantity": positive_quantity()},
        default_sort=("created_at",),
    ),
)
register(
    blp,
    Resource(
        PurchaseOrder,
        "purchasing",
        date_field="order_date",
        search=("number", "bill_number"),
        default_sort=("-order_date", "-number"),
        # One VAT rate on the subtotal; the price column is the product's cost by default.
        lines=Lines(PurchaseOrderLine, "purchase_order_id", price="unit_cost", document_vat=True),
        service=PurchaseOrderService(),
        fields={
            "allocations": ma.fields.List(
                ma.fields.Nested(REGISTRY["purchase_order_allocations"].dump), dump_only=True
            )
        },
    ),
)
register(
    blp,
    Resource(
        Receipt,
        "purchasing",
        date_field="received_at",
        search=("reference",),
        default_sort=("-received_at",),
    ),
)
