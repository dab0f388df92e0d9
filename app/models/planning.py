"""Planning and analytics (Sentia, seeds 003/004): markets, sales channels, historical sales,
demand forecasts, business entities, AR/AP/inventory policies, and working capital with its
projections, KPIs and scenarios.

Sentia's names are kept where they are plain; its `currency_code` columns are `currency` as on
every other table (defaulting to the organization's), and its fractions (tax, commission, fee
and service-level rates) are percentages like every rate of the API ("20.00", not 0.2).
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    Money,
    Percent,
    Quantity,
    Rate,
    WorkspaceRow,
    choice,
    live_unique,
)

PROJECTION_PERIODS = ("weekly", "monthly", "quarterly")
SCENARIO_TYPES = ("base", "optimistic", "pessimistic", "stress", "custom")
SCENARIO_STATUSES = ("draft", "approved", "archived")
FORECAST_STATUSES = ("draft", "approved", "superseded")
# Sentia's confidence, quality and factor scores: fractions to four places.
Score = sa.Numeric(10, 4)
Days = sa.Numeric(10, 2)
# Working-capital figures run past one business's invoices: Sentia's Decimal(15,2).
Amount = sa.Numeric(15, 2)
SIGNED = {"signed": True}


def _period(start: str, end: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{end} IS NULL OR {end} >= {start}", name=f"{end}_after_{start}")


class Market(WorkspaceRow, Base):
    __tablename__ = "markets"
    __table_args__ = (live_unique("markets", "organization_id", "code"),)

    code: Mapped[str] = mapped_column(sa.String(10))  # UK, EU, USA, ASIA
    name: Mapped[str] = mapped_column(sa.String(100))
    region: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    tax_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    shipping_days: Mapped[int | None] = mapped_column(default=None)
    express_shipping_days: Mapped[int | None] = mapped_column(default=None)
    regulatory_requirements: Mapped[dict[str, Any]] = mapped_column(default=dict)
    import_export_restrictions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)


class SalesChannel(WorkspaceRow, Base):
    """A place the business sells through (Amazon, Shopify, direct). Its API credentials are
    not kept here: secrets belong in the deployment's secret store, not in a tenant table."""

    __tablename__ = "sales_channels"
    __table_args__ = (live_unique("sales_channels", "organization_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(100))
    channel_type: Mapped[str] = mapped_column(sa.String(50))  # marketplace, direct, retail
    market_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("markets.id"), default=None, index=True
    )
    marketplace_id: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    api_endpoint: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    commission_rate: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    fulfillment_method: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    sync_enabled: Mapped[bool] = mapped_column(default=False)
    sync_frequency_minutes: Mapped[int | None] = mapped_column(default=None)
    is_active: Mapped[bool] = mapped_column(default=True)


class HistoricalSale(WorkspaceRow, Base):
    """One sales record (a day's sales of a product through a channel, as imported). Amounts
    are in `currency`; `fx_rate` and `net_revenue_base` give them in `base_currency`."""

    __tablename__ = "historical_sales"
    __table_args__ = (
        sa.Index("ix_historical_sales_product_date", "product_id", "sale_date"),
        sa.CheckConstraint("quantity_sold >= 0", name="quantity_sold"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    sales_channel_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_channels.id"), default=None, index=True
    )
    market_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("markets.id"), default=None, index=True
    )
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    sale_date: Mapped[date] = mapped_column(index=True)
    quantity_sold: Mapped[Decimal] = mapped_column(Quantity)
    currency: Mapped[str] = mapped_column(sa.String(3))
    unit_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gross_revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discounts: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    net_revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=SIGNED)
    cost_of_goods_sold: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    shipping_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    platform_fees: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    taxes: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Profit after every cost of the sale; a difference, so exact on both databases.
    net_profit: Mapped[Decimal | None] = mapped_column(
        Money,
        sa.Computed(
            "net_revenue - cost_of_goods_sold - shipping_cost - platform_fees", persisted=True
        ),
        info={"read_only": True, "signed": True},
    )
    # The organization's currency unless given; `fx_rate` (1 in the same currency) converts
    # `net_revenue` into it, half-up to the cent, by the server.
    base_currency: Mapped[str | None] = mapped_column(sa.String(3), default=None)
    fx_rate: Mapped[Decimal | None] = mapped_column(Rate, default=None)
    net_revenue_base: Mapped[Decimal | None] = mapped_column(
        Money, default=None, info={"read_only": True, "signed": True}
    )
    data_quality_score: Mapped[Decimal | None] = mapped_column(Score, default=None)
    is_validated: Mapped[bool] = mapped_column(default=False)
    validation_notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class Forecast(WorkspaceRow, Base):
    """Demand for a product over a period, with its confidence band. `accuracy` is filled by
    the forecast job once actuals exist: 1 - |actual - quantity| / actual."""

    __tablename__ = "forecasts"
    __table_args__ = (
        _period("period_start", "period_end"),
        sa.CheckConstraint(
            "(lower_bound IS NULL OR lower_bound <= quantity) "
            "AND (upper_bound IS NULL OR upper_bound >= quantity)",
            name="band",
        ),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    sales_channel_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_channels.id"), default=None, index=True
    )
    market_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("markets.id"), default=None, index=True
    )
    status: Mapped[str] = mapped_column(
        choice(*FORECAST_STATUSES, name="status"), default="draft", index=True
    )
    period_start: Mapped[date] = mapped_column(index=True)
    period_end: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    lower_bound: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    upper_bound: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    confidence_score: Mapped[Decimal | None] = mapped_column(Score, default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    predicted_revenue: Mapped[Decimal | None] = mapped_column(Money, default=None)
    revenue_lower_bound: Mapped[Decimal | None] = mapped_column(Money, default=None)
    revenue_upper_bound: Mapped[Decimal | None] = mapped_column(Money, default=None)
    model_type: Mapped[str | None] = mapped_column(sa.String(50), default=None)  # ARIMA, ...
    model_version: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    training_data_start: Mapped[date | None] = mapped_column(default=None)
    training_data_end: Mapped[date | None] = mapped_column(default=None)
    seasonal_factor: Mapped[Decimal | None] = mapped_column(Score, default=None, info=SIGNED)
    trend_factor: Mapped[Decimal | None] = mapped_column(Score, default=None, info=SIGNED)
    # Filled by the forecast job from the period's sales, never by a client.
    actual_quantity: Mapped[Decimal | None] = mapped_column(
        Quantity, default=None, info={"read_only": True}
    )
    accuracy: Mapped[Decimal | None] = mapped_column(
        Score, default=None, info={"read_only": True, "signed": True}
    )


class Entity(WorkspaceRow, Base):
    """A legal entity of a multi-company business, reporting in its own currency."""

    __tablename__ = "entities"
    __table_args__ = (live_unique("entities", "organization_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(255))
    legal_name: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    country_code: Mapped[str | None] = mapped_column(sa.String(2), default=None)
    currency: Mapped[str] = mapped_column(sa.String(3))
    tax_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    address: Mapped[str | None] = mapped_column(sa.Text, default=None)
    is_active: Mapped[bool] = mapped_column(default=True)


class ArPolicy(WorkspaceRow, Base):
    """How a channel's customers pay: terms, share of sales, fees and expected bad debt."""

    __tablename__ = "ar_policies"
    __table_args__ = (_period("active_from", "active_to"),)

    name: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    sales_channel_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_channels.id"), default=None, index=True
    )
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    term_days: Mapped[int] = mapped_column(default=30)
    pct_share: Mapped[Decimal] = mapped_column(Percent, default=Decimal("100"))
    fees_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    bad_debt_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    active_from: Mapped[date] = mapped_column(index=True)
    active_to: Mapped[date | None] = mapped_column(default=None)


class ApPolicy(WorkspaceRow, Base):
    """How the business pays a vendor (Sentia's `supplier_id` is the vendor)."""

    __tablename__ = "ap_policies"
    __table_args__ = (_period("active_from", "active_to"),)

    name: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    vendor_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("vendors.id"), default=None, index=True
    )
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    term_days: Mapped[int] = mapped_column(default=30)
    early_pay_discount_pct: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    early_pay_days: Mapped[int | None] = mapped_column(default=None)
    strategy: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    active_from: Mapped[date] = mapped_column(index=True)
    active_to: Mapped[date | None] = mapped_column(default=None)


class InventoryPolicy(WorkspaceRow, Base):
    """Stock targets of a product (Sentia's `rop` and `ss` spelled out)."""

    __tablename__ = "inventory_policies"
    __table_args__ = (_period("effective_from", "effective_to"),)

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    target_dio: Mapped[int | None] = mapped_column(default=None)  # days of inventory
    service_level: Mapped[Decimal | None] = mapped_column(Percent, default=None)  # "95.00"
    reorder_point: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    safety_stock: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    effective_from: Mapped[date] = mapped_column(index=True)
    effective_to: Mapped[date | None] = mapped_column(default=None)


class WorkingCapital(WorkspaceRow, Base):
    """A working-capital projection for a date (written by `POST /working-capital/runs`, or
    by hand), in `currency`."""

    __tablename__ = "working_capital"

    run_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    projection_date: Mapped[date] = mapped_column(index=True)
    projection_period: Mapped[str] = mapped_column(
        choice(*PROJECTION_PERIODS, name="projection_period"), default="monthly"
    )
    product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("products.id"), default=None, index=True
    )
    market_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("markets.id"), default=None, index=True
    )
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    scenario_type: Mapped[str] = mapped_column(
        choice(*SCENARIO_TYPES, name="scenario_type"), default="base"
    )
    currency: Mapped[str] = mapped_column(sa.String(3))
    projected_sales_revenue: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    cost_of_goods_sold: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    accounts_receivable: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    accounts_payable: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    inventory_value: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    net_cash_flow: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"), info=SIGNED)
    # AR + inventory - AP: what the cycle ties up (a difference, so computed by the database).
    working_capital_requirement: Mapped[Decimal | None] = mapped_column(
        Amount,
        sa.Computed("accounts_receivable + inventory_value - accounts_payable", persisted=True),
        info={"read_only": True, "signed": True},
    )
    days_sales_outstanding: Mapped[Decimal | None] = mapped_column(Days, default=None)
    days_inventory_outstanding: Mapped[Decimal | None] = mapped_column(Days, default=None)
    days_payable_outstanding: Mapped[Decimal | None] = mapped_column(Days, default=None)
    cash_conversion_cycle_days: Mapped[Decimal | None] = mapped_column(
        Days, default=None, info=SIGNED
    )
    working_capital_turnover: Mapped[Decimal | None] = mapped_column(
        Score, default=None, info=SIGNED
    )
    sensitivity_analysis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    risk_factors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assumptions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    tax_jurisdiction: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    vat_rate_applied: Mapped[Decimal | None] = mapped_column(Percent, default=None)
    compliance_status: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    risk_category: Mapped[str | None] = mapped_column(sa.String(50), default=None)


class WcProjection(WorkspaceRow, Base):
    """One month of a cash projection run."""

    __tablename__ = "wc_projections"
    __table_args__ = (sa.CheckConstraint("cash_in >= 0 AND cash_out >= 0", name="flows"),)

    run_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    scenario_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("wc_scenarios.id"), default=None, index=True
    )
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    month: Mapped[date] = mapped_column(index=True)  # the first day of the month
    currency: Mapped[str] = mapped_column(sa.String(3))
    cash_in: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    cash_out: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"))
    net_change: Mapped[Decimal | None] = mapped_column(
        Amount,
        sa.Computed("cash_in - cash_out", persisted=True),
        info={"read_only": True, "signed": True},
    )
    ending_cash: Mapped[Decimal] = mapped_column(Amount, default=Decimal("0"), info=SIGNED)
    scenario: Mapped[str] = mapped_column(choice(*SCENARIO_TYPES, name="scenario"), default="base")


class WcKpi(WorkspaceRow, Base):
    """Working-capital KPIs of a run, derived from the books by the working-capital job:
    DSO = AR / revenue x days, DIO = inventory / COGS x days, DPO = AP / COGS x days,
    CCC = DSO + DIO - DPO. Read-only."""

    __tablename__ = "wc_kpis"
    __table_args__ = (_period("period_start", "period_end"),)

    run_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    scenario_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("wc_scenarios.id"), default=None, index=True
    )
    entity_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("entities.id"), default=None, index=True
    )
    period_start: Mapped[date] = mapped_column(index=True)
    period_end: Mapped[date]
    dso: Mapped[Decimal | None] = mapped_column(Days, default=None)
    dio: Mapped[Decimal | None] = mapped_column(Days, default=None)
    dpo: Mapped[Decimal | None] = mapped_column(Days, default=None)
    ccc: Mapped[Decimal | None] = mapped_column(Days, default=None, info=SIGNED)
    inv_turnover: Mapped[Decimal | None] = mapped_column(Score, default=None)
    facility_utilization: Mapped[Decimal | None] = mapped_column(Percent, default=None)


class WcScenario(WorkspaceRow, Base):
    __tablename__ = "wc_scenarios"
    __table_args__ = (live_unique("wc_scenarios", "organization_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    scenario_type: Mapped[str] = mapped_column(
        choice(*SCENARIO_TYPES, name="scenario_type"), default="base"
    )
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(
        choice(*SCENARIO_STATUSES, name="status"), default="draft", index=True
    )
    # The latest run of this scenario (set by the working-capital job).
    run_id: Mapped[uuid.UUID | None] = mapped_column(default=None, info={"read_only": True})
