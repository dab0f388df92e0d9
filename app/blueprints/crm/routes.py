"""`/api/v1/customers` and the other CRM tables: registrations on the generic resource layer."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models.crm import (
    Customer,
    CustomerAddress,
    CustomerContact,
    Deal,
    DealActivity,
    DealProduct,
    Lead,
    Ticket,
)
from app.services.crm.deals import DealProductService, DealService

blp = Blueprint("crm", __name__, url_prefix="/api/v1", description="Customers and CRM.")


def _percent_int() -> ma.fields.Integer:
    """A whole percentage, 0-100 (a CHECK in the database; a 422 here, not a 409 there)."""
    return ma.fields.Integer(validate=ma.validate.Range(0, 100))


register(blp, Resource(Customer, "crm", read_permission="catalog:read"))
register(
    blp,
    Resource(CustomerContact, "crm", search=("first_name", "last_name", "email", "phone")),
)
register(blp, Resource(CustomerAddress, "crm", search=("address_line_1", "city", "postal_code")))
register(
    blp,
    Resource(
        Lead,
        "crm",
        date_field="created_at",
        search=("customer_name", "company_name", "contact_email"),
        default_sort=("-created_at",),
        fields={"score": _percent_int()},
    ),
)
register(
    blp,
    Resource(
        Deal,
        "crm",
        date_field="expected_close_date",
        fields={"probability": _percent_int()},
        service=DealService(),
    ),
)
register(blp, Resource(DealProduct, "crm", search=(), service=DealProductService()))
register(
    blp,
    Resource(
        DealActivity,
        "crm",
        date_field="activity_date",
        default_sort=("-activity_date",),
        fields={
            "duration_minutes": ma.fields.Integer(
                allow_none=True, validate=ma.validate.Range(0, 100_000)
            )
        },
    ),
)
register(blp, Resource(Ticket, "crm", date_field="created_at", default_sort=("-created_at",)))
