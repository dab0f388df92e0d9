"""Approval thresholds (ERP_API.md, "Approvals above thresholds"), kept in
`organizations.settings["approval_thresholds"]`.

A purchase order submitted, an invoice issued or a payment recorded whose amount is at or
above its module's threshold waits for an approval; inventory adjustments do while
`adjustments_need_approval`. A threshold of None turns that approval off (a one-person
business cannot approve its own requests). Whatever was never saved reads as the defaults."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from app.models import User
from app.services import settings

DEFAULT_THRESHOLDS: dict[str, Decimal | None] = {
    "purchase_order": Decimal("20000.00"),
    "invoice": Decimal("10000.00"),
    "payment": Decimal("10000.00"),
}
DEFAULT_ADJUSTMENTS_NEED_APPROVAL = True
KEY = "approval_thresholds"
CENT = Decimal("0.01")


def _amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT)


def approval_settings(organization_id: uuid.UUID) -> dict[str, Any]:
    """The organization's thresholds and adjustment rule, defaults filled in."""
    stored = settings.stored(organization_id, KEY)
    result: dict[str, Any] = {
        module: _amount(stored[module]) if module in stored else default
        for module, default in DEFAULT_THRESHOLDS.items()
    }
    result["adjustments_need_approval"] = bool(
        stored.get("adjustments_need_approval", DEFAULT_ADJUSTMENTS_NEED_APPROVAL)
    )
    return result


def threshold(organization_id: uuid.UUID, module: str) -> Decimal | None:
    """The amount at or above which a `purchase_order`/`invoice`/`payment` needs an approval;
    None when that approval is off."""
    if module not in DEFAULT_THRESHOLDS:
        raise KeyError(f"no approval threshold for {module!r}")
    return approval_settings(organization_id)[module]


def needs_approval(organization_id: uuid.UUID, module: str, amount: Decimal) -> bool:
    limit = threshold(organization_id, module)
    return limit is not None and amount >= limit


def adjustments_need_approval(organization_id: uuid.UUID) -> bool:
    return bool(approval_settings(organization_id)["adjustments_need_approval"])


def put_approval_settings(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the settings (a PUT: what is left out goes back to its default; null is off)."""
    value: dict[str, Any] = {}
    for module, default in DEFAULT_THRESHOLDS.items():
        amount = _amount(data[module]) if module in data else default
        value[module] = None if amount is None else str(amount)
    value["adjustments_need_approval"] = bool(
        data.get("adjustments_need_approval", DEFAULT_ADJUSTMENTS_NEED_APPROVAL)
    )
    settings.save(actor, KEY, value)
    return approval_settings(actor.organization_id)
