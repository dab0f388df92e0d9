"""Finance: customer invoices with their lines and the sales orders they bill, payments and
their allocations to invoices, and the reference tables money needs (currencies, exchange
rates, VAT and US sales tax rates). The ledger (chart of accounts, entries, lines) is in
`app.models.ledger`.

Invoices and payments carry Prometric's `invoices`/`payments` columns (its DDL is the base)
under ERP_API.md's names (`number`, `vat_amount`, `method`, `received_at`), with seed 001's
allocations and seeds 003/004's currency columns added. Amounts the workflows keep
(`paid_amount`, `allocated_amount`, the base-currency amounts) are the server's; the open
amounts are computed by the database."""

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
    Rate,
    TenantRow,
    WorkspaceRow,
    choice,
    live_unique,
    utcnow,
)

INVOICE_STATUSES = (
    "draft",
    "pending_approval",
    "issued",
    "partially_paid",
    "paid",
    "void",
    "rejected",
)
INVOICE_TYPES = ("STANDARD", "PROFORMA", "CREDIT_NOTE", "DEBIT_NOTE", "RECURRING")
PAYMENT_STATUSES = ("pending_approval", "recorded", "rejected")
PAYMENT_METHODS = ("CASH", "BANK_TRANSFER", "CARD", "CHECK", "OTHER")

RO = {"read_only": True}
# Required, but the service fills it when a request leaves it out.
DEFAULTED = {"defaulted": True}


def _money_ro() -> Any:
    return mapped_column(Money, default=Decimal("0"), info=RO)


class Invoice(WorkspaceRow, Base):
    __tablename__ = "invoices"
    __table_args__ = (
        # A client may bring its own number (invoices moved from another system); otherwise
        # the server gives INV-YYYY-NNNNN. A deleted invoice gives its number back.
        live_unique("invoices", "organization_id", "number"),
        sa.CheckConstraint("due_date >= issue_date", name="due_date"),
        sa.CheckConstraint("paid_amount >= 0 AND paid_amount <= total_amount", name="paid"),
        sa.Index("ix_invoices_organization_id_due_date", "organization_id", "due_date"),
    )

    number: Mapped[str] = mapped_column(sa.String(50), info=DEFAULTED)
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    sales_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_orders.id"), default=None, index=True
    )
    deal_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("deals.id"), default=None, index=True
    )
    type: Mapped[str] = mapped_column(choice(*INVOICE_TYPES, name="type"), default="STANDARD")
    # Moved by the issue/approval/payment workflows (ERP II), never set by a client.
    status: Mapped[str] = mapped_column(
        choice(*INVOICE_STATUSES, name="status"), default="draft", index=True, info=RO
    )
    # Defaults to the organization's local today; `due_date` to it plus the customer's terms.
    issue_date: Mapped[date] = mapped_column(default=date.today, index=True)
    due_date: Mapped[date] = mapped_column(info=DEFAULTED)
    sent_date: Mapped[date | None] = mapped_column(default=None, info=RO)
    paid_date: Mapped[date | None] = mapped_column(default=None, info=RO)
    currency: Mapped[str] = mapped_column(sa.String(3))
    payment_terms: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    payment_method: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    po_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    reference_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    contract_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    internal_notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    terms_conditions: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # Kazakhstan's e-invoice (ESF), as the Prometric DDL has it.
    esf_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    esf_status: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    esf_date: Mapped[datetime | None] = mapped_column(default=None)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    subtotal: Mapped[Decimal] = _money_ro()
    vat_amount: Mapped[Decimal] = _money_ro()
    total_amount: Mapped[Decimal] = _money_ro()
    paid_amount: Mapped[Decimal] = _money_ro()
    open_amount: Mapped[Decimal] = mapped_column(
        Money, sa.Computed("total_amount - paid_amount", persisted=True), info=RO
    )
    # In another currency than the organization's: the rate of the issue date (1 otherwise)
    # and the total in the organization's currency, which the ledger uses.
    fx_rate: Mapped[Decimal | None] = mapped_column(Rate, default=None, info=RO)
    total_amount_base: Mapped[Decimal | None] = mapped_column(Money, default=None, info=RO)
    sent_by: Mapped[uuid.UUID | None] = mapped_column(default=None, info=RO)
    lines: Mapped[list[InvoiceLine]] = relationship(
        order_by="InvoiceLine.position", cascade="all, delete-orphan"
    )


class InvoiceLine(TenantRow, Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("discount_percent >= 0 AND discount_percent <= 100", name="discount"),
    )

    invoice_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("invoices.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("products.id"), default=None, index=True
    )
    # The order line it bills (an invoice made from a sales order, ERP II).
    sales_order_line_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_order_lines.id", ondelete="SET NULL"), default=None, index=True
    )
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    # Default to the product's price and VAT rate (app.services.line_math.product_defaults).
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    vat_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    line_total: Mapped[Decimal] = _money_ro()
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class InvoiceOrder(TenantRow, Base):
    """Which sales orders an invoice bills (seed 001's `invoice_orders`; one invoice may bill
    several orders, and an order be billed in parts)."""

    __tablename__ = "invoice_orders"
    __table_args__ = (live_unique("invoice_orders", "invoice_id", "sales_order_id"),)

    invoice_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    sales_order_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sales_orders.id"), index=True)


class Payment(WorkspaceRow, Base):
    __tablename__ = "payments"
    __table_args__ = (
        live_unique("payments", "organization_id", "payment_number"),
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.CheckConstraint(
            "allocated_amount >= 0 AND allocated_amount <= amount", name="allocated"
        ),
    )

    payment_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    customer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    # The invoice the customer said it pays (the allocations say what it actually pays).
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("invoices.id"), default=None, index=True
    )
    sales_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_orders.id"), default=None, index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[str] = mapped_column(choice(*PAYMENT_METHODS, name="method"))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set by the recording workflow (ERP II: at or above the threshold it waits for approval).
    status: Mapped[str] = mapped_column(
        choice(*PAYMENT_STATUSES, name="status"), default="recorded", index=True, info=RO
    )
    payment_gateway: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    transaction_id: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    reference_number: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    bank_name: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    account_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    routing_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    internal_notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    allocated_amount: Mapped[Decimal] = _money_ro()
    unallocated_amount: Mapped[Decimal] = mapped_column(
        Money, sa.Computed("amount - allocated_amount", persisted=True), info=RO
    )
    fx_rate: Mapped[Decimal | None] = mapped_column(Rate, default=None, info=RO)
    amount_base: Mapped[Decimal | None] = mapped_column(Money, default=None, info=RO)


class PaymentAllocation(TenantRow, Base):
    """A part of a payment applied to an invoice (append-only: a correction is a new row)."""

    __tablename__ = "payment_allocations"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)
    allocated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Currency(TenantRow, Base):
    """A currency the organization deals in (Sentia's `currencies`)."""

    __tablename__ = "currencies"
    __table_args__ = (
        live_unique("currencies", "organization_id", "code"),
        sa.CheckConstraint("decimal_places >= 0 AND decimal_places <= 4", name="places"),
    )

    code: Mapped[str] = mapped_column(sa.String(3))
    name: Mapped[str] = mapped_column(sa.String(100))
    symbol: Mapped[str | None] = mapped_column(sa.String(10), default=None)
    decimal_places: Mapped[int] = mapped_column(default=2)
    is_active: Mapped[bool] = mapped_column(default=True)


class FxRate(TenantRow, Base):
    """One `base` unit is worth `rate` units of `quote` on `rate_date` (Sentia's `fx_rates`)."""

    __tablename__ = "fx_rates"
    __table_args__ = (
        live_unique("fx_rates", "organization_id", "base", "quote", "rate_date"),
        sa.CheckConstraint("rate > 0", name="rate"),
        sa.CheckConstraint("base <> quote", name="pair"),
    )

    base: Mapped[str] = mapped_column(sa.String(3))
    quote: Mapped[str] = mapped_column(sa.String(3))
    rate: Mapped[Decimal] = mapped_column(Rate)
    rate_date: Mapped[date] = mapped_column(index=True)
    source: Mapped[str | None] = mapped_column(sa.String(100), default=None)


class VatRate(TenantRow, Base):
    """A VAT rate of a country for a period (Sentia's `vat_rates`: standard, reduced, zero)."""

    __tablename__ = "vat_rates"
    __table_args__ = (
        live_unique(
            "vat_rates",
            "organization_id",
            "country_code",
            "rate_name",
            "valid_from",
            name="uq_vat_rates_country_rate_name_valid_from_live",
        ),
        sa.CheckConstraint("rate_pct >= 0 AND rate_pct <= 100", name="rate"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    )

    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    rate_name: Mapped[str] = mapped_column(sa.String(50))
    rate_pct: Mapped[Decimal] = mapped_column(Percent)
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column(default=None)


class SalesTaxUs(TenantRow, Base):
    """A US state or local sales tax rate for a period (Sentia's `sales_tax_us`)."""

    __tablename__ = "sales_tax_us"
    __table_args__ = (
        live_unique(
            "sales_tax_us",
            "organization_id",
            "state_code",
            "locality",
            "valid_from",
            name="uq_sales_tax_us_state_locality_valid_from_live",
        ),
        sa.CheckConstraint("rate_pct >= 0 AND rate_pct <= 100", name="rate"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    )

    state_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    # City or county; empty for the state's own rate (not null, so that the key holds).
    locality: Mapped[str] = mapped_column(sa.String(100), default="", info={"blank": True})
    # Local rates have three places and more (8.875%).
    rate_pct: Mapped[Decimal] = mapped_column(sa.Numeric(7, 4))
    valid_from: Mapped[date] = mapped_column()
    valid_to: Mapped[date | None] = mapped_column(default=None)
