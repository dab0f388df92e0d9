"""Time feeds sales orders (Soft SME's time tracking; ERP_API.md, "Sales").

A time entry (and the clock-in that opens it) may name a sales order. The order then carries,
after its item lines, one `labour` line per distinct labour rate and one `overhead` line:

- which time: the order's entries that are approved (or already exported or paid), live;
- an entry's labour rate: its own billing rate when above 0, else the order's `hourly_rate`
  when above 0, else the organization's labour rate (`/settings/sales`, default 120.00);
- a labour line's hours: the sum of its entries' `worked_seconds`, rounded once, half-up, to
  0.01 h;
- the overhead line: the labour lines' hours together at the organization's overhead rate
  (default 50.00);
- both kinds are taxed at the organization's default VAT rate and count toward the totals.

The server rewrites these lines, and the order's totals, whenever an entry naming the order is
approved, edited, rejected, reopened or moved to another order (`entry_changed`, which the
time-entry lifecycle calls on every change); a client never writes them. A closed or cancelled
order's lines are final: its time is not rewritten.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.extensions import db
from app.models import TimeEntry, User
from app.models.sales import SalesOrder, SalesOrderLine
from app.services import line_math, settings
from app.services.tenancy import scoped

KEY = "sales"
DEFAULTS = {
    "labour_rate": Decimal("120.00"),
    "overhead_rate": Decimal("50.00"),
    "vat_rate": Decimal("0.00"),
}
BILLED_STATUSES = ("approved", "exported", "paid")
FINAL_STATUSES = ("closed", "cancelled")
HOUR = Decimal(3600)
HUNDREDTH = Decimal("0.01")


def sales_settings(organization_id: uuid.UUID) -> dict[str, Decimal]:
    """The organization's labour, overhead and default VAT rates, defaults filled in."""
    saved = settings.stored(organization_id, KEY)
    return {name: Decimal(str(saved.get(name, default))) for name, default in DEFAULTS.items()}


def put_sales_settings(actor: User, data: dict[str, Any]) -> dict[str, Decimal]:
    """Replace the rates (a PUT: what is left out goes back to its default)."""
    value = {name: str(data.get(name, default)) for name, default in DEFAULTS.items()}
    settings.save(actor, KEY, value)
    return sales_settings(actor.organization_id)


def check_order(actor: User, order_id: uuid.UUID | None) -> None:
    """A time entry may name a live order of the caller's organization that is still open
    (422 on `sales_order_id` otherwise)."""
    if order_id is None:
        return
    order = db.session.scalars(scoped(SalesOrder, actor).where(SalesOrder.id == order_id)).first()
    if order is None:
        raise ValidationFailed(errors={"sales_order_id": ["No such sales order."]})
    if order.status in FINAL_STATUSES:
        raise ValidationFailed(
            errors={"sales_order_id": [f"This sales order is {order.status}: no more time."]}
        )


def entry_changed(entry: TimeEntry, left_order_id: uuid.UUID | None = None) -> None:
    """Rewrite the time lines of the order the entry names, and of the one it left."""
    for order_id in dict.fromkeys((entry.sales_order_id, left_order_id)):
        if order_id is not None:
            rewrite(order_id)


def _hours(seconds: int) -> Decimal:
    return (Decimal(seconds) / HOUR).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def rewrite(order_id: uuid.UUID) -> None:
    """The order's labour and overhead lines and totals, from its billed time now."""
    order = db.session.scalars(
        sa.select(SalesOrder)
        .where(SalesOrder.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if order.status in FINAL_STATUSES:
        return
    rates = sales_settings(order.organization_id)
    fallback = order.hourly_rate if order.hourly_rate > 0 else rates["labour_rate"]
    billed = db.session.execute(
        sa.select(TimeEntry.hourly_rate, sa.func.sum(TimeEntry.worked_seconds))
        .where(
            TimeEntry.sales_order_id == order.id,
            TimeEntry.status.in_(BILLED_STATUSES),
            TimeEntry.deleted_at.is_(None),
        )
        .group_by(TimeEntry.hourly_rate)
    ).all()
    seconds_at: dict[Decimal, int] = defaultdict(int)
    for own_rate, seconds in billed:
        seconds_at[own_rate if own_rate and own_rate > 0 else fallback] += int(seconds or 0)
    labour = [(rate, hours) for rate, s in sorted(seconds_at.items()) if (hours := _hours(s)) > 0]
    for line in [line for line in order.lines if line.kind != "item"]:
        order.lines.remove(line)
        db.session.delete(line)
    position = max((line.position for line in order.lines), default=0)
    common = {"organization_id": order.organization_id, "vat_rate": rates["vat_rate"]}
    for rate, hours in labour:
        position += 1
        order.lines.append(
            SalesOrderLine(**common, kind="labour", position=position, quantity=hours,
                           unit_price=rate, description=f"Labour at {rate} per hour")
        )  # fmt: skip
    if labour:
        order.lines.append(
            SalesOrderLine(**common, kind="overhead", position=position + 1,
                           quantity=sum(hours for _rate, hours in labour),
                           unit_price=rates["overhead_rate"], description="Overhead")
        )  # fmt: skip
    db.session.flush()
    line_math.price_document(order, order.lines, "unit_price", document_rate=None)
    db.session.flush()
