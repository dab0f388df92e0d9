"""`/api/v1/bills-of-materials`, `/production-orders`, `/production-jobs`, `/schedules`,
`/resources`: registrations on the resource layer, and a BOM's cost."""

from __future__ import annotations

import uuid
from typing import Any

from app.blueprints.common import Blueprint
from app.blueprints.production.schemas import BomCostSchema
from app.blueprints.resource import Resource, register
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
from app.services.periods import PeriodService
from app.services.production import boms
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
