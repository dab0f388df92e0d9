"""`/api/v1/markets`, `/sales-channels`, `/historical-sales`, `/forecasts`, `/entities`,
`/ar-policies`, `/ap-policies`, `/inventory-policies`, `/working-capital`, `/wc-projections`,
`/wc-kpis` (read-only: written by the working-capital job) and `/wc-scenarios`."""

from __future__ import annotations

from app.blueprints.common import Blueprint, Currency
from app.blueprints.resource import READ_ONLY, Resource, register
from app.models.planning import (
    ApPolicy,
    ArPolicy,
    Entity,
    Forecast,
    HistoricalSale,
    InventoryPolicy,
    Market,
    SalesChannel,
    WcKpi,
    WcProjection,
    WcScenario,
    WorkingCapital,
)
from app.services.periods import PeriodService
from app.services.planning.rules import ForecastService, HistoricalSaleService

blp = Blueprint("planning", __name__, url_prefix="/api/v1", description="Planning and analytics.")

register(blp, Resource(Market, "planning"))
register(blp, Resource(SalesChannel, "planning"))
register(
    blp,
    Resource(
        HistoricalSale,
        "planning",
        date_field="sale_date",
        default_sort=("-sale_date",),
        fields={"base_currency": Currency(allow_none=True)},
        service=HistoricalSaleService(),
    ),
)
register(
    blp,
    Resource(
        Forecast,
        "planning",
        date_field="period_start",
        search=("model_type", "model_version"),
        default_sort=("period_start",),
        service=ForecastService(),
    ),
)
register(blp, Resource(Entity, "planning"))
for policy, start, end in (
    (ArPolicy, "active_from", "active_to"),
    (ApPolicy, "active_from", "active_to"),
    (InventoryPolicy, "effective_from", "effective_to"),
):
    register(
        blp,
        Resource(
            policy,
            "planning",
            date_field=start,
            default_sort=(f"-{start}",),
            service=PeriodService((start, end)),
        ),
    )
register(
    blp,
    Resource(
        WorkingCapital,
        "planning",
        path="/working-capital",
        date_field="projection_date",
        default_sort=("-projection_date",),
    ),
)
register(blp, Resource(WcProjection, "planning", date_field="month", default_sort=("month",)))
register(
    blp,
    Resource(
        WcKpi,
        "planning",
        methods=READ_ONLY,
        date_field="period_start",
        default_sort=("-period_start",),
    ),
)
register(blp, Resource(WcScenario, "planning"))
