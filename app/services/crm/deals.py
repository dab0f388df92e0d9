"""Deals: seed 002's `validate_deal_probability` trigger, kept in the service so that it holds
on both backends, and deal product lines priced by ERP_API.md's line math.

- `probability` is capped by `stage` on create and on every update, whichever of the two
  changed: LEAD ≤ 20, QUALIFIED ≤ 40, PROPOSAL ≤ 60, NEGOTIATION ≤ 80, WON = 100, LOST = 0
  (CLOSING: the column's 0-100 only). Like the trigger, a probability above the cap is lowered,
  not refused.
- Entering WON stamps `won_at` (entering LOST, `lost_at`) and, unless one is given, sets
  `actual_close_date` to the organization's local day; re-opening a closed deal clears them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.models import User
from app.models.base import utcnow
from app.services import line_math
from app.services.resources import ResourceService, check_references
from app.services.timezones import organization_zone

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

# Seed 002's trigger: the highest probability each open stage allows.
STAGE_CAPS = {"LEAD": 20, "QUALIFIED": 40, "PROPOSAL": 60, "NEGOTIATION": 80}
CLOSED = {"WON": "won_at", "LOST": "lost_at"}


def capped_probability(stage: str, probability: int) -> int:
    if stage == "WON":
        return 100
    if stage == "LOST":
        return 0
    cap = STAGE_CAPS.get(stage)
    return probability if cap is None else min(probability, cap)


def _stage_changes(
    actor: User, data: dict[str, Any], stage: str, probability: int, was: str | None, now: datetime
) -> dict[str, Any]:
    """`data` with the capped probability and the close stamps of moving `was` → `stage`."""
    changes = {**data, "probability": capped_probability(stage, probability)}
    if stage == was:
        return changes
    changes["won_at"] = now if stage == "WON" else None
    changes["lost_at"] = now if stage == "LOST" else None
    if stage in CLOSED:
        if data.get("actual_close_date") is None:
            changes["actual_close_date"] = now.astimezone(
                organization_zone(actor.organization_id)
            ).date()
    elif was in CLOSED and "actual_close_date" not in data:
        changes["actual_close_date"] = None
    return changes


class DealService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        stage = data.get("stage") or "LEAD"
        probability = data.get("probability")
        data = _stage_changes(
            actor, {**data, "stage": stage}, stage, probability or 0, None, utcnow()
        )
        return super().create(res, actor, data)

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        stage = data.get("stage", obj.stage)
        probability = data.get("probability", obj.probability)
        data = _stage_changes(actor, data, stage, probability, obj.stage, utcnow())
        return super().update(res, obj, actor, data)


PRICED = ("quantity", "unit_price", "discount_percent", "vat_rate")
LINE_DEFAULTS = {"quantity": Decimal("1"), "discount_percent": Decimal("0")}


def line_totals(values: dict[str, Any]) -> dict[str, Decimal]:
    """A deal product's `line_total`, `vat_amount` and `total_price`, half-up per line."""
    total = line_math.line_total(
        values["quantity"], values["unit_price"], values["discount_percent"]
    )
    vat = line_math.line_vat(total, values["vat_rate"])
    return {"line_total": total, "vat_amount": vat, "total_price": total + vat}


class DealProductService(ResourceService):
    """Totals are part of the same write as the line (one audit row, never a stale total)."""

    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        # The product is checked to be the caller's before its price is read.
        check_references(res.model, actor, data)
        columns = sa.inspect(res.model).columns.keys()
        values = {**LINE_DEFAULTS, **line_math.product_defaults(data, "unit_price", columns)}
        values.setdefault("unit_price", Decimal("0"))
        values.setdefault("vat_rate", Decimal("0"))
        return super().create(res, actor, {**values, **line_totals(values)})

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        values = {key: data.get(key, getattr(obj, key)) for key in PRICED}
        return super().update(res, obj, actor, {**data, **line_totals(values)})
