"""Products and inventory: categories, products (seed 002's columns with Soft SME's and Sentia's
added), stock per location, the append-only stock movements, adjustments and counts."""

from __future__ import annotations

import uuid
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
    WorkspaceRow,
    choice,
    live_unique,
)

PRODUCT_TYPES = ("product", "service", "material", "manufactured", "bundle", "digital")
PRODUCT_STATUSES = ("ACTIVE", "INACTIVE", "DISCONTINUED")


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
