"""ERP_API.md's line math, half-up to the cent at each line:

    line_total   = round(quantity x unit_price x (1 - discount_percent/100), 2)
    vat_amount   = Σ round(line_total x vat_rate/100, 2)      (per line, the default)
                 = round(subtotal x document_rate/100, 2)      (one document rate)
    subtotal     = Σ line_total
    total_amount = subtotal + vat_amount

A line's price and VAT rate default to its product's (`price` and `vat_rate`; a purchase
line's `unit_cost` to the product's `cost`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.extensions import db

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal(100)
# Which product column a line's price column defaults to.
PRODUCT_PRICE = {"unit_price": "price", "unit_cost": "cost"}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: Decimal, price: Decimal, discount_percent: Decimal = ZERO) -> Decimal:
    return cents(quantity * price * (1 - discount_percent / HUNDRED))


def line_vat(total: Decimal, vat_rate: Decimal) -> Decimal:
    return cents(total * vat_rate / HUNDRED)


def product_defaults(
    values: dict[str, Any], price_column: str | None, columns: Collection[str]
) -> dict[str, Any]:
    """Fill a line's missing price, VAT rate and description (those of `columns` it has) from
    its product."""
    from app.models.inventory import Product

    product_id = values.get("product_id")
    product = db.session.get(Product, product_id) if product_id is not None else None
    if product is None:
        return values
    filled = dict(values)
    if price_column in PRODUCT_PRICE and filled.get(price_column or "") is None:
        filled[price_column] = getattr(product, PRODUCT_PRICE[price_column])
    if "vat_rate" in columns and filled.get("vat_rate") is None:
        filled["vat_rate"] = product.vat_rate
    if "description" in columns and not filled.get("description"):
        filled["description"] = product.name
    return filled


def price_document(
    document: Any, lines: Iterable[Any], price_column: str, *, document_rate: Decimal | None
) -> None:
    """Set each line's `line_total` and the document's `subtotal`, `vat_amount`,
    `total_amount` (those of the three it has)."""
    subtotal = vat = ZERO
    for line in lines:
        discount = getattr(line, "discount_percent", None) or ZERO
        line.line_total = line_total(line.quantity, getattr(line, price_column) or ZERO, discount)
        subtotal += line.line_total
        if document_rate is None:
            vat += line_vat(line.line_total, getattr(line, "vat_rate", None) or ZERO)
    if document_rate is not None:
        vat = line_vat(subtotal, document_rate)
    for name, value in (
        ("subtotal", subtotal),
        ("vat_amount", vat),
        ("total_amount", subtotal + vat),
    ):
        if hasattr(document, name):
            setattr(document, name, value)
