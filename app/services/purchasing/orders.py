"""Purchase orders on the generic routes: numbered `PO-YYYY-NNNNN` from `order_date`, lines at
the product's cost by default with one document VAT rate on the subtotal (the `Lines`
registration), and the vendor's bill number once per vendor among live orders (409). The
submit/approve/receive workflow is ERP II."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.errors import Conflict
from app.extensions import db
from app.models import User
from app.models.purchasing import PurchaseOrder
from app.openapi import raises
from app.services.sales.documents import NumberedDocumentService
from app.services.tenancy import scoped

if TYPE_CHECKING:
    from app.blueprints.resource import Resource


class DuplicateBillNumber(Conflict):
    code, default_message = "DUPLICATE_BILL_NUMBER", "The vendor's bill number is taken."


class PurchaseOrderService(NumberedDocumentService):
    kind, date_field = "purchase_order", "order_date"

    @raises(DuplicateBillNumber)
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        _check_bill_number(actor, data.get("vendor_id"), data.get("bill_number"), None)
        return super().create(res, actor, data)

    @raises(DuplicateBillNumber)
    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        if "bill_number" in data or "vendor_id" in data:
            vendor = data.get("vendor_id", obj.vendor_id)
            _check_bill_number(actor, vendor, data.get("bill_number", obj.bill_number), obj)
        return super().update(res, obj, actor, data)


def _check_bill_number(actor: User, vendor_id: Any, bill_number: str | None, obj: Any) -> None:
    """A clear 409 before the live unique index would give a bare one (it still decides
    between two concurrent writers)."""
    if not bill_number or vendor_id is None:
        return
    stmt = scoped(PurchaseOrder, actor).where(
        PurchaseOrder.vendor_id == vendor_id, PurchaseOrder.bill_number == bill_number
    )
    if obj is not None:
        stmt = stmt.where(PurchaseOrder.id != obj.id)
    taken = db.session.scalar(stmt.with_only_columns(PurchaseOrder.number).limit(1))
    if taken is not None:
        raise DuplicateBillNumber(
            f"Bill {bill_number} of this vendor is already on purchase order {taken}.",
            details={"purchase_order": taken},
        )
