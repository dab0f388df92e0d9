"""`/api/v1/products` and the other inventory tables: registrations on the resource layer."""

from __future__ import annotations

from app.blueprints.common import Blueprint
from app.blueprints.resource import Resource, register
from app.models.inventory import Product, ProductCategory
from app.services.inventory.products import ProductService

blp = Blueprint("inventory", __name__, url_prefix="/api/v1", description="Products and inventory.")

register(blp, Resource(ProductCategory, "inventory", default_sort=("sort_order", "name")))
register(
    blp, Resource(Product, "inventory", read_permission="catalog:read", service=ProductService())
)
