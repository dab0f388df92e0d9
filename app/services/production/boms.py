"""Bills of materials: components checked and defaulted, the cost roll-up, one default BOM per
product and versions unique per product (with a 409 that says which).

The cost of a BOM run (ERP_API.md) is, per component, half-up to the cent as every line of
the API is, then summed:

    cost = Σ round(product cost x quantity x (1 + scrap_percent/100), 2)

in the BOM's product's currency. A component priced in another currency is refused (there is
no rate to convert it by here): on save as a 422, by `GET .../cost` as a 409.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import User
from app.models.inventory import Product
from app.models.production import BillOfMaterials
from app.services.line_math import HUNDRED, ZERO, cents
from app.services.resources import ResourceService

if TYPE_CHECKING:
    from app.blueprints.resource import Resource

FIELD = "components"


@dataclass(frozen=True)
class ComponentCost:
    id: uuid.UUID
    product_id: uuid.UUID
    quantity: Decimal
    scrap_percent: Decimal
    product_cost: Decimal
    cost: Decimal


@dataclass(frozen=True)
class BomCost:
    bom_id: uuid.UUID
    product_id: uuid.UUID
    currency: str
    quantity: Decimal  # what one run makes
    components: list[ComponentCost]
    cost: Decimal  # of one run
    cost_per_unit: Decimal


def component_cost(product_cost: Decimal, quantity: Decimal, scrap_percent: Decimal) -> Decimal:
    return cents(product_cost * quantity * (1 + scrap_percent / HUNDRED))


def _currency_mismatches(bom: BillOfMaterials) -> tuple[str, list[str]]:
    """The BOM product's currency, and the positions of components priced in another."""
    currency = db.session.get(Product, bom.product_id).currency  # type: ignore[union-attr]
    wrong = []
    for component in bom.components:
        product = db.session.get(Product, component.product_id)
        if product is not None and product.currency != currency:
            wrong.append(f"{FIELD}[{component.position - 1}].product_id")
    return currency, wrong


class CurrencyMismatch(Conflict):
    code, default_message = "CURRENCY_MISMATCH", "Components are priced in another currency."


def cost(bom: BillOfMaterials) -> BomCost:
    """The live cost of one run of `bom` from its components' current product costs."""
    currency, wrong = _currency_mismatches(bom)
    if wrong:
        raise CurrencyMismatch(
            f"Some components are priced in another currency than {currency}.",
            errors={key: [f"Not priced in {currency}."] for key in wrong},
        )
    parts = []
    for component in bom.components:
        product = db.session.get(Product, component.product_id)
        product_cost = product.cost if product is not None else ZERO
        parts.append(
            ComponentCost(
                id=component.id,
                product_id=component.product_id,
                quantity=component.quantity,
                scrap_percent=component.scrap_percent,
                product_cost=product_cost,
                cost=component_cost(product_cost, component.quantity, component.scrap_percent),
            )
        )
    total = sum((p.cost for p in parts), ZERO)
    return BomCost(
        bom_id=bom.id,
        product_id=bom.product_id,
        currency=currency,
        quantity=bom.quantity,
        components=parts,
        cost=total,
        cost_per_unit=(total / bom.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    )


def _check_components(
    actor: User, data: dict[str, Any], product_id: Any, lines: list[dict[str, Any]]
) -> None:
    """Before anything is written (a refused request leaves nothing behind)."""
    errors: dict[str, list[str]] = {}
    if data.get("quantity") is not None and data["quantity"] <= 0:
        errors["quantity"] = ["Must be greater than 0."]
    made = db.session.get(Product, product_id) if product_id is not None else None
    for index, line in enumerate(lines):
        key = f"{FIELD}[{index}]"
        if line.get("product_id") is not None and line["product_id"] == product_id:
            errors[f"{key}.product_id"] = ["A product cannot be its own component."]
        if line.get("quantity") is not None and line["quantity"] <= 0:
            errors[f"{key}.quantity"] = ["Must be greater than 0."]
        part = db.session.get(Product, line["product_id"]) if line.get("product_id") else None
        mine = part is not None and part.organization_id == actor.organization_id
        if made is not None and mine and part.currency != made.currency:  # type: ignore[union-attr]
            errors[f"{key}.product_id"] = [f"Not priced in the product's {made.currency}."]
    if errors:
        raise ValidationFailed(errors=errors)


def _check_unique(obj: BillOfMaterials | None, actor: User, data: dict[str, Any]) -> None:
    """409s that name the key taken, ahead of the unique indexes that enforce them."""
    product_id = data.get("product_id", getattr(obj, "product_id", None))
    version = data.get("version", getattr(obj, "version", None) or "1.0")
    is_default = data.get("is_default", getattr(obj, "is_default", False))
    others = sa.select(BillOfMaterials.version, BillOfMaterials.is_default).where(
        BillOfMaterials.organization_id == actor.organization_id,
        BillOfMaterials.product_id == product_id,
        BillOfMaterials.deleted_at.is_(None),
    )
    if obj is not None:
        others = others.where(BillOfMaterials.id != obj.id)
    for other_version, other_default in db.session.execute(others):
        if other_version == version:
            raise Conflict(f"This product already has a version {version}.")
        if is_default and other_default:
            raise Conflict(
                "This product already has a default bill of materials; unset it first.",
            )


class BomService(ResourceService):
    def create(self, res: Resource, actor: User, data: dict[str, Any]) -> Any:
        _check_components(actor, data, data.get("product_id"), data.get(FIELD) or [])
        _check_unique(None, actor, data)
        return super().create(res, actor, data)

    def update(self, res: Resource, obj: Any, actor: User, data: dict[str, Any]) -> Any:
        product_id = data.get("product_id", obj.product_id)
        if FIELD in data:
            lines = data[FIELD] or []
        else:
            lines = [{"product_id": c.product_id} for c in obj.components]
        _check_components(actor, data, product_id, lines)
        _check_unique(obj, actor, data)
        return super().update(res, obj, actor, data)

    def replace_lines(
        self, res: Resource, obj: Any, actor: User, lines: list[dict[str, Any]]
    ) -> None:
        """A component's unit defaults to its product's."""
        filled = []
        for line in lines:
            product = db.session.get(Product, line["product_id"])
            if not line.get("unit") and product is not None:
                line = {**line, "unit": product.unit}
            filled.append(line)
        super().replace_lines(res, obj, actor, filled)

    def price(self, res: Resource, obj: Any) -> None:
        """`material_cost` is the components' cost roll-up at the time they are saved (the
        components were checked against the product's currency before the write)."""
        obj.material_cost = cost(obj).cost
        db.session.flush()
