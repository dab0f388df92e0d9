"""`/api/v1/bills-of-materials`, `/production-orders`, `/production-jobs`, `/schedules`,
`/resources`: registrations on the resource layer, a BOM's cost and an order's completion."""

from __future__ import annotations

import uuid
from typing import Any

from app.blueprints.common import Blueprint
from app.blueprints.production.schemas import BomCostSchema, CompletionSchema
from app.blueprints.resource import REGISTRY, Resource, register
from app.errors import InvalidTransition
from app.extensions import db
from app.models.production import (
    BillOfMaterials,
    BomComponent,
    ProductionJob,
    ProductionOrder,
    ProductionResource,
    Schedule,
)
from app.openapi import raises
from app.security import current_actor, requires
from app.services.inventory.stock import InsufficientStock
from app.services.periods import PeriodService
from app.services.production import boms, completion
from app.services.production.jobs import ProductionJobService
from app.services.production.orders import ProductionOrderService
from app.services.resources import Lines
from app.services.tenancy import get_or_404

blp = Blueprint(
    "production", __name__, url_prefix="/api/v1", description="Production and manufacturing."
)

register(
    blp,
    Resource(
        BillOfMaterials,
        "production",
        date_field="valid_from",
        search=("name", "version"),
        lines=Lines(BomComponent, "bom_id", field="components", price=None),
        service=boms.BomService(),
    ),
)
register(
    blp,
    Resource(
        ProductionOrder,
        "production",
        date_field="due_date",
        default_sort=("-created_at",),
        service=ProductionOrderService(),
    ),
)
register(
    blp,
    Resource(
        ProductionJob,
        "production",
        path="/production-jobs",
        date_field="due_date",
        default_sort=("-priority", "due_date"),
        service=ProductionJobService(),
    ),
)
register(
    blp,
    Resource(
        Schedule,
        "production",
        date_field="start_date",
        service=PeriodService(("start_date", "end_date")),
    ),
)
register(blp, Resource(ProductionResource, "production"))


@blp.route("/bills-of-materials/<uuid:item_id>/cost")
@requires("production:read")
@blp.response(200, BomCostSchema)
@blp.doc(summary="The cost of one run of a bill of materials")
@raises(boms.CurrencyMismatch)
def bom_cost(item_id: uuid.UUID) -> Any:
    """Σ component cost x quantity x (1 + scrap_percent/100), from the components' current
    product costs, each component rounded half-up to the cent. 409 `CURRENCY_MISMATCH` when a
    component is priced in another currency than the BOM's product."""
    return boms.cost(get_or_404(BillOfMaterials, item_id, current_actor()))


@blp.route("/production-orders/<uuid:item_id>/complete", methods=["POST"])
@requires("production:write")
@blp.arguments(CompletionSchema)
@blp.response(200, REGISTRY["production_orders"].dump)
@blp.doc(summary="Complete a production order: consume its components, add the product")
@raises(InvalidTransition, InsufficientStock)
def complete_production_order(body: dict[str, Any], item_id: uuid.UUID) -> Any:
    """Posts `production_out` movements for the BOM's components (component quantity x
    (produced + scrapped) / BOM quantity, half-up to 0.001) and one `production_in` of
    `quantity_produced` for the product; the order becomes `completed`. 409
    `INSUFFICIENT_STOCK` (naming every short component, nothing posted) when a component is
    short; 409 `INVALID_TRANSITION` when the order is already completed or cancelled."""
    actor = current_actor()
    order = get_or_404(ProductionOrder, item_id, actor)
    completion.complete(actor, order, body["quantity_produced"], body["quantity_scrapped"])
    db.session.commit()
    return order
