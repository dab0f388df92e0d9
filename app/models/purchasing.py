"""Vendors and purchasing: vendors (= suppliers), their contacts and catalog, purchase orders
with their lines, receipts and allocations to sales orders."""

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

VENDOR_STATUSES = ("ACTIVE", "INACTIVE", "BLOCKED")
PURCHASE_ORDER_STATUSES = (
    "draft",
    "pending_approval",
    "approved",
    "partially_received",
    "received",
    "closed",
    "rejected",
    "cancelled",
)
RO = {"read_only": True}


class Vendor(WorkspaceRow, Base):
    __tablename__ = "vendors"
    __table_args__ = (live_unique("vendors", "organization_id", "vendor_number"),)

    vendor_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    name: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(choice(*VENDOR_STATUSES, name="status"), default="ACTIVE")
    email: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    website: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    contact_person: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    street_address: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    city: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    province: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    country: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    postal_code: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    bin: Mapped[str | None] = mapped_column(sa.String(12), default=None)  # Kazakhstan BIN
    tax_id: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    payment_terms_days: Mapped[int] = mapped_column(default=30)
    lead_time_days: Mapped[int] = mapped_column(default=0)
    balance: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True, "signed": True}
    )
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class VendorContact(WorkspaceRow, Base):
    """A person at a vendor (the columns of Prometric's customer_contacts)."""

    __tablename__ = "vendor_contacts"

    vendor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("vendors.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    position: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    email: Mapped[str | None] = mapped_column(sa.String(255), default=None, index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    mobile: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    is_primary: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class VendorCatalog(WorkspaceRow, Base):
    """What a vendor sells us and at what cost (seed 001's supplier_products)."""

    __tablename__ = "vendor_catalog"
    __table_args__ = (
        live_unique("vendor_catalog", "vendor_id", "product_id"),
        sa.CheckConstraint("unit_cost >= 0 AND lead_time_days >= 0", name="cost"),
    )

    vendor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("vendors.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    vendor_sku: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    lead_time_days: Mapped[int] = mapped_column(default=0)
    min_order_quantity: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class PurchaseOrder(WorkspaceRow, Base):
    __tablename__ = "purchase_orders"
    __table_args__ = (
        # Never reused: a soft-deleted order keeps its number.
        sa.UniqueConstraint("organization_id", "number"),
        # The vendor's invoice number, once per vendor (409 on a second live one).
        live_unique("purchase_orders", "vendor_id", "bill_number"),
        sa.CheckConstraint("vat_rate >= 0", name="vat_rate"),
    )

    number: Mapped[str] = mapped_column(sa.String(20), info=RO)
    vendor_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("vendors.id"), index=True)
    # Moved by the submit/approve/receive workflow (ERP II), never set by a client.
    status: Mapped[str] = mapped_column(
        choice(*PURCHASE_ORDER_STATUSES, name="status"), default="draft", index=True, info=RO
    )
    order_date: Mapped[date] = mapped_column(default=date.today, index=True)
    expected_date: Mapped[date | None] = mapped_column(default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    bill_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    # One document rate on the subtotal (Soft SME), not a rate per line.
    vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    subtotal: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    vat_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    total_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)
    # Set by the approval workflow (ERP II).
    approved_by: Mapped[uuid.UUID | None] = mapped_column(default=None, info=RO)
    approved_at: Mapped[datetime | None] = mapped_column(default=None, info=RO)
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        order_by="PurchaseOrderLine.position", cascade="all, delete-orphan"
    )
    allocations: Mapped[list[PurchaseOrderAllocation]] = relationship(
        primaryjoin="and_(PurchaseOrderAllocation.purchase_order_id == PurchaseOrder.id, "
        "PurchaseOrderAllocation.deleted_at.is_(None))",
        order_by="PurchaseOrderAllocation.created_at",
        viewonly=True,
    )


class PurchaseOrderLine(TenantRow, Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("unit_cost >= 0", name="unit_cost"),
    )

    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("purchase_orders.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    # Defaults to the product's cost (app.services.line_math.product_defaults).
    unit_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Kept by the receiving workflow (ERP II).
    received_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"), info=RO)
    line_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=RO)


class Receipt(WorkspaceRow, Base):
    """Goods received against a purchase order; its stock movements carry the quantities."""

    __tablename__ = "receipts"

    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("purchase_orders.id"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    received_by: Mapped[uuid.UUID | None] = mapped_column(default=None, info=RO)
    reference: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class PurchaseOrderAllocation(TenantRow, Base):
    """A quantity of a purchase order's product promised to a sales order (ERP II turns its
    receipt into that order's reservation)."""

    __tablename__ = "purchase_order_allocations"
    __table_args__ = (
        # One row per order, sales order and product among live rows.
        live_unique(
            "purchase_order_allocations",
            "purchase_order_id",
            "sales_order_id",
            "product_id",
            name="uq_purchase_order_allocations_live",
        ),
        sa.CheckConstraint("quantity > 0", name="quantity"),
    )

    purchase_order_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("purchase_orders.id"), index=True
    )
    sales_order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sales_orders.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
