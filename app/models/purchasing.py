"""Vendors and purchasing: vendors (= suppliers), their contacts and catalog, purchase orders
with their lines, receipts and allocations to sales orders."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, Money, WorkspaceRow, choice, live_unique

VENDOR_STATUSES = ("ACTIVE", "INACTIVE", "BLOCKED")


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
