"""Sales (Soft SME's quote → sales order → parts to order): quotes and sales orders with their
embedded lines, the per-order parts-to-order list, the append-only fulfilment events and the
per-organization document number counters (QO-/SO-/PO-/INV-YYYY-NNNNN).

Sales orders carry Prometric's `orders` columns (its DDL is the base) with Soft SME's header
fields (product_name, terms, customer_po_number, vin, hourly_rate) added. Document numbers and
totals are written by the services (`app.services.sales`), never by a client."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    JSONType,
    Money,
    Percent,
    Quantity,
    TenantRow,
    WorkspaceRow,
    choice,
    live_unique,
    utcnow,
)

QUOTE_STATUSES = ("draft", "sent", "accepted", "rejected", "expired", "converted")
SALES_ORDER_STATUSES = (
    "draft",
    "confirmed",
    "partially_fulfilled",
    "fulfilled",
    "closed",
    "cancelled",
)
LINE_KINDS = ("item", "labour", "overhead")
PRIORITIES = ("low", "normal", "high", "urgent")
# Which documents are numbered, and their prefixes (ERP_API.md "Numbers").
DOCUMENT_KINDS = ("quote", "sales_order", "purchase_order", "invoice")

RO = {"read_only": True}


def _number() -> Any:
    # Assigned by the server (app.services.sales.numbers) and never reused: a soft-deleted
    # document keeps its number, so the key is unique over all rows, not only live ones.
    return mapped_column(sa.String(20), info=RO)


class Quote(WorkspaceRow, Base):
    __tablename__ = "quotes"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "number"),
        sa.CheckConstraint("valid_until IS NULL OR valid_until >= issue_date", name="validity"),
        sa.CheckConstraint("estimated_price IS NULL OR estimated_price > 0", name="estimate"),
    )

    number: Mapped[str] = _number()
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(
        choice(*QUOTE_STATUSES, name="status"), default="draft", index=True
    )
    # Defaults to the organization's local today; `valid_until` to `issue_date` (the service).
    issue_date: Mapped[date] = mapped_column(default=date.today, index=True)
    valid_until: Mapped[date | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    product_name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    terms: Mapped[str | None] = mapped_column(sa.Text, default=None)
    customer_po_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    vin: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    # Soft SME's single price for a quote without lines.
    estimated_price: Mapped[Decimal | None] = mapped_column(Money, default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    vat_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    total_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    # Set by the conversion (ERP II). use_alter: quotes and sales orders point at each other.
    sales_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_orders.id", use_alter=True), default=None, index=True, info=RO
    )
    lines: Mapped[list[QuoteLine]] = relationship(
        order_by="QuoteLine.position", cascade="all, delete-orphan"
    )


class QuoteLine(TenantRow, Base):
    __tablename__ = "quote_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("discount_percent >= 0 AND discount_percent <= 100", name="discount"),
    )

    quote_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("quotes.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("products.id"), default=None, index=True
    )
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    # Default to the product's price and VAT rate (app.services.line_math.product_defaults).
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    line_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)


class SalesOrder(WorkspaceRow, Base):
    __tablename__ = "sales_orders"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "number"),
        sa.CheckConstraint("hourly_rate >= 0", name="hourly_rate"),
    )

    number: Mapped[str] = _number()
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    # Set by the conversion of a quote (ERP II).
    quote_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("quotes.id"), default=None, index=True, info=RO
    )
    # Moved by the confirm/fulfil/close/cancel workflow (ERP II), never set by a client.
    status: Mapped[str] = mapped_column(
        choice(*SALES_ORDER_STATUSES, name="status"), default="draft", index=True, info=RO
    )
    priority: Mapped[str] = mapped_column(choice(*PRIORITIES, name="priority"), default="normal")
    order_date: Mapped[date] = mapped_column(default=date.today, index=True)
    required_date: Mapped[date | None] = mapped_column(default=None)
    promised_date: Mapped[date | None] = mapped_column(default=None)
    shipped_date: Mapped[date | None] = mapped_column(default=None)
    delivered_date: Mapped[date | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    # Labour rate of the order's time (0: the organization's labour rate, ERP II).
    hourly_rate: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    product_name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    terms: Mapped[str | None] = mapped_column(sa.Text, default=None)
    customer_po_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    vin: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    payment_terms: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    shipping_method: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    tracking_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    carrier: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    internal_notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    vat_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    total_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    lines: Mapped[list[SalesOrderLine]] = relationship(
        order_by="SalesOrderLine.position", cascade="all, delete-orphan"
    )
    parts_to_order: Mapped[list[PartToOrder]] = relationship(
        primaryjoin="and_(PartToOrder.sales_order_id == SalesOrder.id, "
        "PartToOrder.deleted_at.is_(None))",
        order_by="PartToOrder.created_at",
        viewonly=True,
    )


class SalesOrderLine(TenantRow, Base):
    __tablename__ = "sales_order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("discount_percent >= 0 AND discount_percent <= 100", name="discount"),
    )

    sales_order_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("sales_orders.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # `labour` and `overhead` lines are written by the server from time entries (ERP II).
    kind: Mapped[str] = mapped_column(choice(*LINE_KINDS, name="kind"), default="item")
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("products.id"), default=None, index=True
    )
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    line_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    # Kept by the reservation and fulfilment workflows (ERP II).
    reserved_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"), info=RO)
    shortage_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"), info=RO)
    fulfilled_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"), info=RO)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class PartToOrder(TenantRow, Base):
    """Soft SME's per-order internal list of products to buy: never on customer documents or
    in totals; one row per product and order."""

    __tablename__ = "parts_to_order"
    __table_args__ = (
        live_unique("parts_to_order", "sales_order_id", "product_id"),
        sa.CheckConstraint("quantity > 0", name="quantity"),
    )

    sales_order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sales_orders.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class FulfillmentEvent(TenantRow, Base):
    """What left stock for a sales order line (append-only: a correction is a new row)."""

    __tablename__ = "fulfillment_events"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity"),)

    sales_order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sales_orders.id"), index=True)
    sales_order_line_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_order_lines.id", ondelete="SET NULL"), default=None, index=True
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("products.id"), default=None, index=True
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    fulfilled_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    note: Mapped[str | None] = mapped_column(sa.Text, default=None)


class DocumentSequence(TenantRow, Base):
    """The last number given per organization, document kind and year (row-locked counter)."""

    __tablename__ = "document_sequences"
    __table_args__ = (sa.UniqueConstraint("organization_id", "kind", "year"),)

    kind: Mapped[str] = mapped_column(choice(*DOCUMENT_KINDS, name="kind"))
    year: Mapped[int] = mapped_column()
    last_number: Mapped[int] = mapped_column(default=0, info=RO)
