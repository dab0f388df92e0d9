"""`/api/v1/quotes`, `/api/v1/sales-orders` and the other sales tables: registrations on the
resource layer (rules in `app.services.sales`)."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint, DecimalString
from app.blueprints.resource import APPEND_ONLY, READ_ONLY, REGISTRY, Resource, register
from app.models.sales import (
    DocumentSequence,
    FulfillmentEvent,
    PartToOrder,
    Quote,
    QuoteLine,
    SalesOrder,
    SalesOrderLine,
)
from app.services.resources import Lines
from app.services.sales.documents import QuoteService, SalesOrderService

blp = Blueprint("sales", __name__, url_prefix="/api/v1", description="Quotes and sales orders.")

DOCUMENT_SEARCH = ("number", "product_name", "customer_po_number", "vin")
# Lines stay editable until the order is closed (Soft SME users edit open orders).
OPEN_ORDER = ("draft", "confirmed", "partially_fulfilled", "fulfilled")


def positive_quantity() -> DecimalString:
    return DecimalString(
        14, 3, required=True, validate=ma.validate.Range(min=0, min_inclusive=False)
    )


register(
    blp,
    Resource(
        Quote,
        "sales",
        date_field="issue_date",
        search=DOCUMENT_SEARCH,
        default_sort=("-issue_date", "-number"),
        lines=Lines(QuoteLine, "quote_id"),
        service=QuoteService(),
    ),
)
register(
    blp,
    Resource(
        PartToOrder,
        "sales",
        path="/parts-to-order",
        search=("notes",),
        fields={"quantity": positive_quantity()},
        default_sort=("created_at",),
    ),
)
register(
    blp,
    Resource(
        SalesOrder,
        "sales",
        date_field="order_date",
        search=DOCUMENT_SEARCH,
        default_sort=("-order_date", "-number"),
        lines=Lines(SalesOrderLine, "sales_order_id", editable=OPEN_ORDER),
        service=SalesOrderService(),
        fields={
            "parts_to_order": ma.fields.List(
                ma.fields.Nested(REGISTRY["parts_to_order"].dump), dump_only=True
            )
        },
    ),
)
register(
    blp,
    Resource(
        FulfillmentEvent,
        "sales",
        methods=APPEND_ONLY,
        date_field="fulfilled_at",
        search=("note",),
        fields={"quantity": positive_quantity()},
        default_sort=("-fulfilled_at",),
    ),
)
register(
    blp,
    Resource(
        DocumentSequence,
        "sales",
        methods=READ_ONLY,
        search=("kind",),
        default_sort=("kind", "-year"),
    ),
)
