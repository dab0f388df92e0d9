"""`/api/v1/sales-summary-daily`, `/sales-summary-monthly` (written by the refresh jobs) and
`/system-logs` (owners and admins, as the audit log): read-only resources."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import READ_ONLY, Resource, register
from app.models.audit import SystemLog
from app.models.reporting import SalesSummaryDaily, SalesSummaryMonthly

blp = Blueprint(
    "reporting", __name__, url_prefix="/api/v1", description="Reporting and system logs."
)

register(
    blp,
    Resource(
        SalesSummaryDaily,
        "reporting",
        path="/sales-summary-daily",
        methods=READ_ONLY,
        date_field="day",
        default_sort=("-day", "currency"),
    ),
)
register(
    blp,
    Resource(
        SalesSummaryMonthly,
        "reporting",
        path="/sales-summary-monthly",
        methods=READ_ONLY,
        date_field="month",
        default_sort=("-month", "currency"),
    ),
)
register(
    blp,
    Resource(
        SystemLog,
        "reporting",
        methods=READ_ONLY,
        read_permission="audit:read",
        date_field="timestamp",
        search=("message", "logger_name", "error_code"),
        default_sort=("-timestamp",),
    ),
)
