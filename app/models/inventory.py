"""Products and inventory: categories, products (seed 002's columns with Soft SME's and Sentia's
added), stock per location, the append-only stock movements and reservations, adjustments and
counts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

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

PRODUCT_TYPES = ("product", "service", "material", "manufactured", "bundle", "digital")
PRODUCT_STATUSES = ("ACTIVE", "INACTIVE", "DISCONTINUED")
MOVEMENT_TYPES = ("receipt", "issue", "adjustment", "import", "production_in", "production_out")
ADJUSTMENT_STATUSES = ("pending", "approved", "rejected")


class ProductCategory(WorkspaceRow, Base):
    __tablename__ = "product_categories"
    __table_args__ = (live_unique("product_categories", "organization_id", "code"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    code: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("product_categories.id"), default=None, index=True
    )
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSONType, default=dict)


class Product(WorkspaceRow, Base):
    __tablename__ = "products"
    __table_args__ = (
        # Codes are stored upper-case (Soft SME), so this is the case-insensitive uniqueness.
        live_unique("products", "organization_id", "code"),
        sa.Index("ix_products_org_sku", "organization_id", "sku"),
        sa.Index("ix_products_org_barcode", "organization_id", "barcode"),
        sa.CheckConstraint("price >= 0 AND cost >= 0", name="prices"),
    )

    code: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    type: Mapped[str] = mapped_column(choice(*PRODUCT_TYPES, name="type"), default="product")
    category_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("product_categories.id"), default=None, index=True
    )
    unit: Mapped[str] = mapped_column(sa.String(20), default="Each")
    status: Mapped[str] = mapped_column(
        choice(*PRODUCT_STATUSES, name="status"), default="ACTIVE", index=True
    )
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    markup_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    vat_included: Mapped[bool] = mapped_column(default=False)
    vat_exempt: Mapped[bool] = mapped_column(default=False)
    track_inventory: Mapped[bool] = mapped_column(default=True)
    # The cached sums of the stock movements and open reservations (null when untracked);
    # kept by the inventory services under a row lock, never written by a client.
    stock_level: Mapped[Decimal | None] = mapped_column(
        Quantity, default=Decimal("0"), info={"read_only": True, "signed": True}
    )
    reserved_quantity: Mapped[Decimal | None] = mapped_column(
        Quantity, default=Decimal("0"), info={"read_only": True}
    )
    available_quantity: Mapped[Decimal | None] = mapped_column(
        Quantity,
        sa.Computed("stock_level - reserved_quantity", persisted=True),
        info={"read_only": True, "signed": True},
    )
    min_stock_level: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    max_stock_level: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    reorder_point: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    reorder_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    batch_size_min: Mapped[Decimal | None] = mapped_column(Quantity, default=None)  # Sentia
    batch_size_max: Mapped[Decimal | None] = mapped_column(Quantity, default=None)  # Sentia
    market_region: Mapped[str | None] = mapped_column(sa.String(50), default=None)  # Sentia
    preferred_vendor_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("vendors.id"), default=None, index=True
    )
    weight: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 3), default=None)
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSONType, default=None)
    color: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    barcode: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    sku: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    lead_time_days: Mapped[int] = mapped_column(default=0)
    production_time: Mapped[int] = mapped_column(default=0)  # minutes
    requires_production: Mapped[bool] = mapped_column(default=False)
    images: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    specifications: Mapped[dict[str, Any]] = mapped_column(default=dict)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)


class InventoryLevel(TenantRow, Base):
    """Stock of a product at one location (Sentia's `inventory_levels`: a warehouse, an FBA
    centre), with its replenishment parameters. `reserved_quantity` is kept by the sales
    workflows; `available_quantity` is computed by the database."""

    __tablename__ = "inventory_levels"
    __table_args__ = (
        live_unique("inventory_levels", "organization_id", "product_id", "location"),
        sa.CheckConstraint(
            "quantity >= 0 AND reserved_quantity >= 0 AND inbound_quantity >= 0 "
            "AND defective_quantity >= 0",
            name="quantities",
        ),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    # Sentia's `location_id`: the warehouse's own code, not a row of ours.
    location: Mapped[str] = mapped_column(sa.String(100))
    location_type: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))  # on hand
    reserved_quantity: Mapped[Decimal] = mapped_column(
        Quantity, default=Decimal("0"), info={"read_only": True}
    )
    available_quantity: Mapped[Decimal] = mapped_column(
        Quantity,
        sa.Computed("quantity - reserved_quantity", persisted=True),
        info={"read_only": True, "signed": True},
    )
    inbound_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    defective_quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    reorder_point: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    safety_stock: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"))
    economic_order_quantity: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    days_of_supply: Mapped[int | None] = mapped_column(default=None)
    unit_cost: Mapped[Decimal | None] = mapped_column(Money, default=None)
    last_count_date: Mapped[date | None] = mapped_column(default=None)
    requires_recount: Mapped[bool] = mapped_column(default=False)
    data_source: Mapped[str | None] = mapped_column(sa.String(50), default=None)


class StockMovement(TenantRow, Base):
    """One signed change of a product's stock (append-only: a correction is a new, reversing
    movement; PostgreSQL refuses UPDATE and DELETE). `products.stock_level` is their sum."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        sa.CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        sa.Index("ix_stock_movements_reference", "reference_type", "reference_id"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, info={"signed": True})
    type: Mapped[str] = mapped_column(choice(*MOVEMENT_TYPES, name="type"), index=True)
    # What caused it: ("purchase_order", its id), ("inventory_adjustment", ...), ...
    reference_type: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    reference_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    unit_cost: Mapped[Decimal | None] = mapped_column(Money, default=None)
    location: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class StockReservation(TenantRow, Base):
    """One signed change of what is held for a document (a sales order line, ...):
    `products.reserved_quantity` is the sum over the product, and a reference's own sum is what
    it still holds. Append-only like the movements (a release is a negative row); written only
    by `app.services.inventory.stock.reserve` / `release` / `issue`, under the product's lock."""

    __tablename__ = "stock_reservations"
    __table_args__ = (
        sa.CheckConstraint("quantity <> 0", name="quantity_not_zero"),
        sa.Index("ix_stock_reservations_reference", "reference_type", "reference_id"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, info={"signed": True})
    reference_type: Mapped[str] = mapped_column(sa.String(50))
    reference_id: Mapped[uuid.UUID] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class InventoryAdjustment(TenantRow, Base):
    """A requested signed change of stock with its reason; approving it (the approvals queue)
    posts one `adjustment` movement, rejecting it posts none. The decision is the workflow's:
    `status` and what it fills are read-only here."""

    __tablename__ = "inventory_adjustments"
    __table_args__ = (sa.CheckConstraint("quantity_change <> 0", name="quantity_change"),)

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity_change: Mapped[Decimal] = mapped_column(Quantity, info={"signed": True})
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(
        choice(*ADJUSTMENT_STATUSES, name="status"),
        default="pending",
        index=True,
        info={"read_only": True},
    )
    decided_by: Mapped[uuid.UUID | None] = mapped_column(default=None, info={"read_only": True})
    decided_at: Mapped[datetime | None] = mapped_column(default=None, info={"read_only": True})
    stock_movement_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("stock_movements.id"), default=None, info={"read_only": True}
    )


class InventoryCount(TenantRow, Base):
    """A physical count of a product: `expected_quantity` is the stock level when it was
    recorded (filled by the server), `difference` the database's `counted - expected`."""

    __tablename__ = "inventory_counts"
    __table_args__ = (sa.CheckConstraint("counted_quantity >= 0", name="counted_quantity"),)

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    counted_quantity: Mapped[Decimal] = mapped_column(Quantity)
    expected_quantity: Mapped[Decimal] = mapped_column(
        Quantity, info={"read_only": True, "signed": True}
    )
    difference: Mapped[Decimal] = mapped_column(
        Quantity,
        sa.Computed("counted_quantity - expected_quantity", persisted=True),
        info={"read_only": True, "signed": True},
    )
    counted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    location: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # The adjustment raised for the difference (by the counting workflow), if any.
    adjustment_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("inventory_adjustments.id"), default=None, info={"read_only": True}
    )
