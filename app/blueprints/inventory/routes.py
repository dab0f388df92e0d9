"""`/api/v1/products` and the other inventory tables: registrations on the resource layer."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models.inventory import Product, ProductCategory
from app.services.inventory.products import ProductService

blp = Blueprint("inventory", __name__, url_prefix="/api/v1", description="Products and inventory.")

# The code is stored upper-case, so it is not echoed as sent (a format says so to clients).
PRODUCT_CODE = ma.fields.String(
    required=True,
    validate=ma.validate.Length(min=1, max=100),
    metadata={
        "format": "upper-case-code",
        "description": "Stored upper-case; unique per organization among live products, "
        "whatever the case it is sent in.",
    },
)

register(blp, Resource(ProductCategory, "inventory", default_sort=("sort_order", "name")))
register(
    blp,
    Resource(
        Product,
        "inventory",
        read_permission="catalog:read",
        service=ProductService(),
        fields={"code": PRODUCT_CODE},
    ),
)
