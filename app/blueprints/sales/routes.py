"""`/api/v1/quotes`, `/api/v1/sales-orders` and the other sales tables: registrations on the
resource layer (rules in `app.services.sales`); `/settings/sales`, the rates that time on
sales orders is billed at."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView

from app.blueprints.common import Blueprint, DecimalString, Money, Schema
from app.blueprints.resource import APPEND_ONLY, READ_ONLY, REGISTRY, Resource, register
from app.extensions import db
from app.models.sales import (
    DocumentSequence,
    FulfillmentEvent,
    PartToOrder,
    Quote,
    QuoteLine,
    SalesOrder,
    SalesOrderLine,
)
from app.security import current_actor, requires
from app.services.resources import Lines
from app.services.sales import labour
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


class SalesSettingsSchema(Schema):
    labour_rate = Money(
        metadata={"description": "Per hour of time on an order without its own hourly_rate."}
    )
    overhead_rate = Money(metadata={"description": "Per hour of labour, on the overhead line."})
    vat_rate = DecimalString(
        5,
        2,
        validate=ma.validate.Range(0, 100),
        metadata={"description": "Percent; the labour and overhead lines' tax rate."},
    )


@blp.route("/settings/sales")
class SalesSettings(MethodView):
    @requires("sales:read")
    @blp.response(200, SalesSettingsSchema)
    @blp.doc(operationId="getSalesSettings")
    def get(self) -> Any:
        """The rates time on sales orders is billed at (defaults 120.00, 50.00 and 0.00)."""
        return labour.sales_settings(current_actor().organization_id)

    @requires("organization:write")
    @blp.arguments(SalesSettingsSchema)
    @blp.response(200, SalesSettingsSchema)
    @blp.doc(operationId="putSalesSettings")
    def put(self, body: dict[str, Any]) -> Any:
        """Replace the rates (what is left out goes back to its default). Orders' labour lines
        follow at their next time change."""
        result = labour.put_sales_settings(current_actor(), body)
        db.session.commit()
        return result
