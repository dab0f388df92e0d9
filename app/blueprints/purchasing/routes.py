"""`/api/v1/vendors` and the other purchasing tables: registrations on the resource layer."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models.purchasing import Vendor

blp = Blueprint("purchasing", __name__, url_prefix="/api/v1", description="Vendors and purchasing.")

register(blp, Resource(Vendor, "purchasing"))
