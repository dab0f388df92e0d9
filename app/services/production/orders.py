"""Production orders: the BOM defaults to the product's default and must be one of the
product's; statuses move along ERP_API.md's path, and `completed` is reached only by completing
the order (`POST .../complete`, which posts the stock movements), never by a PATCH.

    planned ─▶ released ─▶ in_progress ─▶ (completed: by completion only)
       ▲          │             │
       └──────────┘             │        any open status ─▶ cancelled
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import Conflict, InvalidTransition, ValidationFailed
from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.production import BillOfMaterials, ProductionOrder
from app.openapi import raises
from app.services.periods import check_periods
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

START_STATUSES = ("planned", "released")
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"released", "cancelled"}),
    "released": frozenset({"planned", "in_progress", "cancelled"}),
    "in_progress": frozenset({"cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}
# What a run is made of: fixed once the work has started.
PLAN_FIELDS = ("product_id", "bom_id", "quantity")
PERIODS = (("planned_start_date", "planned_end_date"),)
# What may still be written once an order is completed or cancelled: quality control comes
# after the run.
AFTER_FIELDS = ("notes", "qc_passed", "qc_notes", "custom_fields")


def default_bom_id(actor: User, product_id: Any) -> Any:
    return db.session.scalar(
        sa.select(BillOfMaterials.id).where(
            BillOfMaterials.organization_id == actor.organization_id,
            BillOfMaterials.product_id == product_id,
            BillOfMaterials.is_default.is_(True),
            BillOfMaterials.deleted_at.is_(None),
        )
    )


def _check_plan(actor: User, data: dict[str, Any], order: ProductionOrder | None) -> None:
    errors: dict[str, list[str]] = {}
    if data.get("quantity") is not None and data["quantity"] <= 0:
        errors["quantity"] = ["Must be greater than 0."]
    bom_id = data.get("bom_id", getattr(order, "bom_id", None))
    product_id = data.get("product_id", getattr(order, "product_id", None))
    if bom_id is not None and ("bom_id" in data or "product_id" in data):
        bom = db.session.get(BillOfMaterials, bom_id)
        # Another tenant's BOM is left to the reference check (a 422 "No such record.").
        mine = bom is not None and bom.organization_id == actor.organization_id
        if mine and bom.product_id != product_id:  # type: ignore[union-attr]
            errors["bom_id"] = ["Not a bill of materials of this product."]
    if errors:
        raise ValidationFailed(errors=errors)
    check_periods(PERIODS, data, order)


def _move(order: ProductionOrder, status: str) -> None:
    if status == order.status:
        return
    if status == "completed":
        raise InvalidTransition(
            "An order is completed by POST /production-orders/{id}/complete, which posts "
            "its stock movements."
        )
    if status not in TRANSITIONS[order.status]:
        raise InvalidTransition(f"A {order.status} order cannot become {status}.")
    if status == "in_progress" and order.actual_start_date is None:
        order.actual_start_date = utcnow()


class ProductionOrderService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        if data.get("status", "planned") not in START_STATUSES:
            raise ValidationFailed(
                errors={"status": [f"A new order is {' or '.join(START_STATUSES)}."]}
            )
        if data.get("bom_id") is None and data.get("product_id") is not None:
            data = {**data, "bom_id": default_bom_id(actor, data["product_id"])}
        _check_plan(actor, data, None)
        return super().create(res, actor, data)

    @raises(InvalidTransition)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        sent = [k for k in data if data[k] != getattr(obj, k)]
        if obj.status in ("completed", "cancelled") and set(sent) - set(AFTER_FIELDS):
            raise InvalidTransition(
                f"A {obj.status} order takes only changes of {', '.join(AFTER_FIELDS)}."
            )
        changed = [k for k in PLAN_FIELDS if k in sent]
        if changed and obj.status not in START_STATUSES:
            raise InvalidTransition(
                f"{', '.join(changed)} can change only while the order is planned or released."
            )
        if "product_id" in changed and "bom_id" not in data:
            data = {**data, "bom_id": default_bom_id(actor, data["product_id"])}
        _check_plan(actor, data, obj)
        if "status" in data:
            _move(obj, data["status"])
        return super().update(res, obj, actor, data)

    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        if obj.status in ("in_progress", "completed"):
            raise Conflict(
                f"A {obj.status.replace('_', ' ')} order cannot be deleted; cancel it instead."
            )
        super().delete(res, obj, actor)
