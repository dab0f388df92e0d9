"""Customers and CRM: customers (seed 002's columns), their contacts and addresses, leads, deals
and their products and activities, tickets."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, Money, Percent, WorkspaceRow, choice, live_unique

CUSTOMER_TYPES = ("COMPANY", "INDIVIDUAL")
CUSTOMER_STATUSES = ("LEAD", "PROSPECT", "ACTIVE", "INACTIVE", "CHURNED")
PAYMENT_TERMS = ("PREPAYMENT", "NET_15", "NET_30", "NET_45", "NET_60")
PAYMENT_BEHAVIOURS = ("excellent", "good", "fair", "poor", "unknown")
CUSTOMER_TIERS = ("standard", "silver", "gold", "platinum")


class Customer(WorkspaceRow, Base):
    __tablename__ = "customers"
    __table_args__ = (
        live_unique("customers", "organization_id", "customer_number"),
        sa.CheckConstraint("rating >= 0 AND rating <= 10", name="rating"),
    )

    customer_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    name: Mapped[str] = mapped_column(sa.String(500))
    type: Mapped[str] = mapped_column(choice(*CUSTOMER_TYPES, name="type"), default="COMPANY")
    status: Mapped[str] = mapped_column(
        choice(*CUSTOMER_STATUSES, name="status"), default="LEAD", index=True
    )
    email: Mapped[str | None] = mapped_column(sa.String(255), default=None, index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    website: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    company_name: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    legal_name: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    industry: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    employee_count: Mapped[int | None] = mapped_column(default=None)
    annual_revenue: Mapped[Decimal | None] = mapped_column(Money, default=None)
    bin: Mapped[str | None] = mapped_column(sa.String(12), default=None)  # Kazakhstan BIN
    iin: Mapped[str | None] = mapped_column(sa.String(12), default=None)  # Kazakhstan IIN
    kbe_code: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Open invoice amounts: kept by the finance services, never written by a client.
    balance: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True, "signed": True}
    )
    # Defaults to the organization's currency (the resource service fills it).
    currency: Mapped[str] = mapped_column(sa.String(3))
    payment_terms: Mapped[str | None] = mapped_column(
        choice(*PAYMENT_TERMS, name="payment_terms"), default="NET_30"
    )
    payment_behavior: Mapped[str | None] = mapped_column(
        choice(*PAYMENT_BEHAVIOURS, name="payment_behavior"), default="unknown"
    )
    source: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    segment: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    market_region: Mapped[str | None] = mapped_column(sa.String(50), default=None)  # Sentia
    tier: Mapped[str | None] = mapped_column(
        choice(*CUSTOMER_TIERS, name="tier"), default="standard"
    )
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
    rating: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 2), default=Decimal("0"))
    lifetime_value: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    last_order_date: Mapped[date | None] = mapped_column(default=None)
    last_contact_date: Mapped[date | None] = mapped_column(default=None)
    order_count: Mapped[int] = mapped_column(default=0, info={"read_only": True})
    deal_count: Mapped[int] = mapped_column(default=0, info={"read_only": True})
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
