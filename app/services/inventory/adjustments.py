"""Inventory adjustments and counts, through the generic approvals queue.

- `POST /inventory-adjustments` records a `pending` adjustment and opens an approval request
  (module `inventory_adjustments`) in the queue; `POST /approvals/{id}/decision` carries it
  on through `decide` (registered in `approvals.DECIDERS`): approving posts one `adjustment`
  movement (422 `NEGATIVE_STOCK` when it would take the stock level below 0, and the request
  stays pending), rejecting posts none and keeps the reason on the request. Nobody decides
  their own request (403 `SELF_APPROVAL_FORBIDDEN`). When the organization turns approvals of
  adjustments off, the adjustment is approved and posted on creation.
- A pending adjustment may be changed or withdrawn (its request follows: the payload is
  rewritten, or the request cancelled); once decided it is history (409 `INVALID_TRANSITION`).
- A count records `expected_quantity`, the product's stock level at that moment, and raises an
  adjustment for the difference (none when equal), which goes the same way. Counts are
  append-only (a recount is a new count).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import InvalidTransition, NotFound
from app.extensions import db
from app.models import Approval, User
from app.models.base import utcnow
from app.models.inventory import InventoryAdjustment
from app.openapi import raises
from app.services import approval_settings
from app.services.inventory.stock import NegativeStock, post_movement, tracked_product
from app.services.resources import ResourceService, create
from app.services.tenancy import scoped
from app.services.time_tracking.time_entry_lifecycle import SelfApprovalForbidden

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

MODULE = "inventory_adjustments"
REFERENCE = "inventory_adjustment"


def _needs_approval(actor: User) -> bool:
    """Whether the organization's adjustments wait for an approval (the setting
    `adjustments_need_approval` of `/settings/approval-thresholds`, true by default)."""
    return approval_settings.adjustments_need_approval(actor.organization_id)


def _pending(obj: Any) -> None:
    if obj.status != "pending":
        raise InvalidTransition(f"This adjustment is {obj.status}: it can no longer change.")


def _payload(adjustment: InventoryAdjustment) -> dict[str, Any]:
    return {
        "product_id": str(adjustment.product_id),
        "quantity_change": str(adjustment.quantity_change),
        "reason": adjustment.reason,
    }


def _request(actor: User, adjustment: InventoryAdjustment) -> Approval:
    """The adjustment's request in the queue: the requester's managers (and owner/admin) see it
    as they see their reports' time."""
    approval = Approval(
        id=uuid.uuid4(),
        organization_id=actor.organization_id,
        workspace_id=actor.workspace_id,
        module=MODULE,
        entity_id=adjustment.id,
        subject_employee_id=actor.employee.id if actor.employee is not None else None,
        payload_json=_payload(adjustment),
        status="pending",
        requested_by=actor.id,
    )
    db.session.add(approval)
    db.session.flush()
    return approval


def _open_requests(adjustment: InventoryAdjustment) -> list[Approval]:
    stmt = sa.select(Approval).where(
        Approval.module == MODULE,
        Approval.entity_id == adjustment.id,
        Approval.status == "pending",
    )
    return list(db.session.scalars(stmt))


def _post(actor: User, adjustment: InventoryAdjustment) -> None:
    """Approve: one `adjustment` movement (422 `NEGATIVE_STOCK`, nothing written, below 0)."""
    movement = post_movement(
        actor,
        {
            "product_id": adjustment.product_id,
            "quantity": adjustment.quantity_change,
            "type": "adjustment",
            "reference_type": REFERENCE,
            "reference_id": adjustment.id,
            "reason": adjustment.reason,
        },
    )
    adjustment.status = "approved"
    adjustment.stock_movement_id = movement.id
    adjustment.decided_by, adjustment.decided_at = actor.id, utcnow()
    db.session.flush()


def submit(actor: User, adjustment: InventoryAdjustment) -> InventoryAdjustment:
    """A new adjustment into the queue, or posted at once when no approval is needed."""
    if _needs_approval(actor):
        _request(actor, adjustment)
    else:
        _post(actor, adjustment)
    return adjustment


@raises(SelfApprovalForbidden, InvalidTransition, NegativeStock)
def decide(actor: User, approval: Approval, decision: str, reason: str | None) -> Any:
    """The `inventory_adjustments` decider of the approvals queue."""
    if approval.requested_by == actor.id:
        raise SelfApprovalForbidden("Nobody decides on their own request.")
    adjustment = db.session.scalars(
        scoped(InventoryAdjustment, actor)
        .where(InventoryAdjustment.id == approval.entity_id)
        .with_for_update()
    ).first()
    if adjustment is None:
        raise NotFound("No such inventory adjustment.")
    if approval.status != "pending":
        raise InvalidTransition(f"This request is {approval.status}.")
    _pending(adjustment)
    if decision == "approve":
        _post(actor, adjustment)
    else:
        adjustment.status = "rejected"
        adjustment.decided_by, adjustment.decided_at = actor.id, utcnow()
    approval.status = "approved" if decision == "approve" else "rejected"
    approval.decided_by, approval.decided_at = actor.id, utcnow()
    approval.reason = reason if decision != "approve" else None
    db.session.flush()
    return adjustment


class InventoryAdjustmentService(ResourceService):
    @raises(NegativeStock)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        tracked_product(actor, data.get("product_id"))
        return submit(actor, super().create(res, actor, data))

    @raises(InvalidTransition)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        _pending(obj)
        if "product_id" in data:
            tracked_product(actor, data["product_id"])
        adjustment = super().update(res, obj, actor, data)
        for approval in _open_requests(adjustment):
            approval.payload_json = _payload(adjustment)
        db.session.flush()
        return adjustment

    @raises(InvalidTransition)
    def delete(self, res: Resource, obj: Any, actor: User) -> None:
        _pending(obj)
        for approval in _open_requests(obj):
            approval.status, approval.decided_at = "cancelled", utcnow()
        super().delete(res, obj, actor)


def count_reason(counted: Decimal, expected: Decimal) -> str:
    return f"Inventory count: {counted} counted, {expected} expected."


class InventoryCountService(ResourceService):
    @raises(NegativeStock)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        product = tracked_product(actor, data.get("product_id"), lock=True)
        expected = product.stock_level
        assert expected is not None
        count = super().create(res, actor, {**data, "expected_quantity": expected})
        difference = data["counted_quantity"] - expected
        if difference != 0:
            adjustment = create(
                InventoryAdjustment,
                actor,
                {
                    "product_id": product.id,
                    "quantity_change": difference,
                    "reason": count_reason(data["counted_quantity"], expected),
                },
            )
            submit(actor, adjustment)
            count.adjustment_id = adjustment.id
            db.session.flush()
        return count
