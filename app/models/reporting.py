"""Reporting (derived): daily and monthly sales summaries per currency, refreshed by a
background job (an idempotent upsert on the unique key), never written by a client."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Money, Quantity, TenantRow

# Credit notes and voids can take a period below zero.
SIGNED = {"signed": True}


class SalesSummaryDaily(TenantRow, Base):
    __tablename__ = "sales_summary_daily"
    __table_args__ = (sa.UniqueConstraint("organization_id", "day", "currency"),)

    day: Mapped[date] = mapped_column(index=True)  # the organization's local day
    currency: Mapped[str] = mapped_column(sa.String(3))
    orders: Mapped[int] = mapped_column(default=0)
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=SIGNED)
    vat: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=SIGNED)
    units: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"), info=SIGNED)


class SalesSummaryMonthly(TenantRow, Base):
    __tablename__ = "sales_summary_monthly"
    __table_args__ = (sa.UniqueConstraint("organization_id", "month", "currency"),)

    month: Mapped[date] = mapped_column(index=True)  # the first day of the month
    currency: Mapped[str] = mapped_column(sa.String(3))
    orders: Mapped[int] = mapped_column(default=0)
    revenue: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=SIGNED)
    vat: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), info=SIGNED)
    units: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("0"), info=SIGNED)
