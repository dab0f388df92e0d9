"""Inventory adjustments and counts as tables: what they carry by themselves.

- An adjustment is created `pending` for a tracked product; it may be changed or withdrawn
  (deleted) only while pending: once decided, it is history (409 `INVALID_TRANSITION`). The
  decision and its movement are the approvals workflow's (ERP II).
- A count records `expected_quantity`, the product's stock level at that moment; counts are
  append-only (a recount is a new count).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.errors import InvalidTransition
from app.models import User
from app.openapi import raises
from app.services.inventory.stock import tracked_product
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


def _pending(obj: Any) -> None:
    if obj.status != "pending":
        raise InvalidTransition(f"This adjustment is {obj.status}: it can no longer change.")


class InventoryAdjustmentService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        tracked_product(actor, data.get("product_id"))
        return super().create(res, actor, data)

    @raises(InvalidTransition)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        _pending(obj)
        if "product_id" in data:
            tracked_product(actor, data["product_id"])
        return super().update(res, obj, actor, data)

    @raises(InvalidTransition)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        _pending(obj)
        super().delete(res, obj, actor)


class InventoryCountService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        product = tracked_product(actor, data.get("product_id"))
        return super().create(res, actor, {**data, "expected_quantity": product.stock_level})
