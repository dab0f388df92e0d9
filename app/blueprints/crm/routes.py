"""`/api/v1/customers` and the other CRM tables: registrations on the generic resource layer."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models.crm import Customer

blp = Blueprint("crm", __name__, url_prefix="/api/v1", description="Customers and CRM.")

register(blp, Resource(Customer, "crm", read_permission="catalog:read"))
