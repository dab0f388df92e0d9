"""Customers and CRM: customers (seed 002's columns), their contacts and addresses, leads
(seed 001), deals and their products and activities (seed 002), tickets (seed 001)."""

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

CUSTOMER_TYPES = ("COMPANY", "INDIVIDUAL")
CUSTOMER_STATUSES = ("LEAD", "PROSPECT", "ACTIVE", "INACTIVE", "CHURNED")
PAYMENT_TERMS = ("PREPAYMENT", "NET_15", "NET_30", "NET_45", "NET_60")
PAYMENT_BEHAVIOURS = ("excellent", "good", "fair", "poor", "unknown")
CUSTOMER_TIERS = ("standard", "silver", "gold", "platinum")
ADDRESS_TYPES = ("billing", "shipping", "legal", "office")
LEAD_STATUSES = ("new", "contacted", "qualified", "unqualified", "converted", "lost")
DEAL_STAGES = ("LEAD", "QUALIFIED", "PROPOSAL", "NEGOTIATION", "CLOSING", "WON", "LOST")
ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "proposal", "follow_up", "note")
ACTIVITY_OUTCOMES = ("positive", "neutral", "negative", "no_response")
TICKET_STATUSES = ("open", "in_progress", "waiting", "resolved", "closed")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")


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


class CustomerContact(TenantRow, Base):
    """A person at a customer (seed 002's `customer_contacts`)."""

    __tablename__ = "customer_contacts"

    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    first_name: Mapped[str] = mapped_column(sa.String(100))
    last_name: Mapped[str] = mapped_column(sa.String(100))
    position: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    email: Mapped[str | None] = mapped_column(sa.String(255), default=None, index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    mobile: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    is_primary: Mapped[bool] = mapped_column(default=False)
    is_decision_maker: Mapped[bool] = mapped_column(default=False)
    department: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class CustomerAddress(TenantRow, Base):
    """A billing, shipping, legal or office address of a customer (seed 002)."""

    __tablename__ = "customer_addresses"

    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    type: Mapped[str] = mapped_column(choice(*ADDRESS_TYPES, name="type"), index=True)
    address_line_1: Mapped[str] = mapped_column(sa.String(500))
    address_line_2: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    city: Mapped[str] = mapped_column(sa.String(100))
    state_region: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    postal_code: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    # ISO 3166 alpha-2; required rather than seed 002's hard-coded 'KZ'.
    country: Mapped[str] = mapped_column(sa.String(2))
    is_primary: Mapped[bool] = mapped_column(default=False)
    is_default_billing: Mapped[bool] = mapped_column(default=False)
    is_default_shipping: Mapped[bool] = mapped_column(default=False)
    # Seed 002's PostGIS POINT as two plain columns (both backends, no extension).
    latitude: Mapped[Decimal | None] = mapped_column(
        sa.Numeric(9, 6), default=None, info={"signed": True}
    )
    longitude: Mapped[Decimal | None] = mapped_column(
        sa.Numeric(9, 6), default=None, info={"signed": True}
    )
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class Lead(TenantRow, Base):
    """An inbound lead with a 0-100 score (seed 001's `leads`)."""

    __tablename__ = "leads"
    __table_args__ = (sa.CheckConstraint("score >= 0 AND score <= 100", name="score"),)

    customer_name: Mapped[str] = mapped_column(sa.String(255))
    company_name: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    contact_email: Mapped[str | None] = mapped_column(sa.String(255), default=None, index=True)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    message: Mapped[str | None] = mapped_column(sa.Text, default=None)
    source: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    score: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(
        choice(*LEAD_STATUSES, name="status"), default="new", index=True
    )
    # The customer the lead became, once converted.
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("customers.id"), default=None, index=True
    )
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class Deal(WorkspaceRow, Base):
    """A sales opportunity (seed 002's `deals`); `app.services.crm.deals` caps `probability` by
    `stage` and stamps `won_at`/`lost_at`, as seed 002's trigger does."""

    __tablename__ = "deals"
    __table_args__ = (
        live_unique("deals", "organization_id", "deal_number"),
        sa.CheckConstraint("probability >= 0 AND probability <= 100", name="probability"),
    )

    deal_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    stage: Mapped[str] = mapped_column(
        choice(*DEAL_STAGES, name="stage"), default="LEAD", index=True
    )
    probability: Mapped[int] = mapped_column(default=0)
    expected_close_date: Mapped[date | None] = mapped_column(default=None, index=True)
    actual_close_date: Mapped[date | None] = mapped_column(default=None)
    won_at: Mapped[datetime | None] = mapped_column(default=None, info={"read_only": True})
    lost_at: Mapped[datetime | None] = mapped_column(default=None, info={"read_only": True})
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
    source: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(default=None)  # no campaigns table
    competitors: Mapped[list[str]] = mapped_column(JSONType, default=list)
    competitive_info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    won_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    lost_reason: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    lost_to_competitor: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    competitor_info: Mapped[dict[str, Any]] = mapped_column(default=dict)
    recurring_revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    one_time_revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    projected_margin: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"signed": True}
    )
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    ai_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), default=None)
    ai_predicted_probability: Mapped[int | None] = mapped_column(default=None)
    ai_recommended_actions: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    ai_risk_factors: Mapped[list[Any]] = mapped_column(JSONType, default=list)


class DealProduct(TenantRow, Base):
    """A product line of a deal; `line_total`, `vat_amount` and `total_price` are computed by
    `app.services.crm.deals` with ERP_API.md's line math (price and VAT rate default to the
    product's)."""

    __tablename__ = "deal_products"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "discount_percent >= 0 AND discount_percent <= 100", name="discount_percent"
        ),
    )

    deal_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    # Left out of a request: the product's price and VAT rate (the service fills them).
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    line_total: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    vat_amount: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    total_price: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class DealActivity(TenantRow, Base):
    """A call, e-mail, meeting... logged on a deal (seed 002's `deal_activities`)."""

    __tablename__ = "deal_activities"
    __table_args__ = (sa.CheckConstraint("duration_minutes >= 0", name="duration_minutes"),)

    deal_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("deals.id"), index=True)
    type: Mapped[str] = mapped_column(choice(*ACTIVITY_TYPES, name="type"), index=True)
    subject: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    activity_date: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    duration_minutes: Mapped[int | None] = mapped_column(default=None)
    outcome: Mapped[str | None] = mapped_column(
        choice(*ACTIVITY_OUTCOMES, name="outcome"), default=None
    )
    next_action: Mapped[str | None] = mapped_column(sa.Text, default=None)
    next_action_date: Mapped[datetime | None] = mapped_column(default=None)
    participants: Mapped[list[str]] = mapped_column(JSONType, default=list)  # employee ids
    attachments: Mapped[list[Any]] = mapped_column(JSONType, default=list)


class Ticket(TenantRow, Base):
    """A customer's support ticket (seed 001's `tickets`)."""

    __tablename__ = "tickets"

    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    contact_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("customer_contacts.id"), default=None, index=True
    )
    subject: Mapped[str] = mapped_column(sa.String(500))
    body: Mapped[str | None] = mapped_column(sa.Text, default=None)
    status: Mapped[str] = mapped_column(
        choice(*TICKET_STATUSES, name="status"), default="open", index=True
    )
    priority: Mapped[str] = mapped_column(
        choice(*TICKET_PRIORITIES, name="priority"), default="normal"
    )
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None, index=True
    )
