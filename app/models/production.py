"""Production and manufacturing: bills of materials with their components (seed 002), production
orders (seed 002, with ERP_API.md's statuses), and Sentia's jobs, schedules and resources (seeds
003/004)."""

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
)

BOM_STATUSES = ("draft", "active", "inactive", "archived")
PRODUCTION_STATUSES = ("planned", "released", "in_progress", "completed", "cancelled")
PRIORITIES = ("low", "normal", "high", "urgent")
JOB_STATUSES = ("pending", "active", "completed", "cancelled")
SCHEDULE_STATUSES = ("draft", "published", "archived")
RESOURCE_STATUSES = ("available", "maintenance", "offline")
# Hours and Sentia's scores: two and four places are what a planner reads.
Hours = sa.Numeric(10, 2)
Score = sa.Numeric(10, 4)


class BomComponent(TenantRow, Base):
    """One line of a bill of materials: `quantity` of `product_id` per `quantity` of the BOM's
    product, plus `scrap_percent` of it lost in making (seed 002's `scrap_factor`, as a
    percentage like every other rate of the API)."""

    __tablename__ = "bom_components"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("scrap_percent >= 0", name="scrap_percent"),
    )

    bom_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("bills_of_materials.id", ondelete="CASCADE"), index=True
    )
    # Seed 002's `sequence_number`: the line's place in the BOM, filled by the server.
    position: Mapped[int] = mapped_column(default=1, info={"read_only": True})
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    unit: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    scrap_percent: Mapped[Decimal] = mapped_column(Percent, default=Decimal("0"))
    substitute_product_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("products.id"), default=None
    )
    substitution_ratio: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    operation_sequence: Mapped[int | None] = mapped_column(default=None)
    operation_notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    specifications: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class BillOfMaterials(WorkspaceRow, Base):
    __tablename__ = "bills_of_materials"
    __table_args__ = (
        live_unique("bills_of_materials", "product_id", "version"),
        # One default BOM per product (among live rows).
        live_unique("bills_of_materials", "product_id", where="is_default"),
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    version: Mapped[str] = mapped_column(sa.String(20), default="1.0")
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # How many units of the product one run of this BOM makes.
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    unit: Mapped[str] = mapped_column(sa.String(20), default="Each")
    status: Mapped[str] = mapped_column(
        choice(*BOM_STATUSES, name="status"), default="draft", index=True
    )
    is_default: Mapped[bool] = mapped_column(default=False)
    lead_time_days: Mapped[int] = mapped_column(default=0)
    setup_time_minutes: Mapped[int] = mapped_column(default=0)
    production_time_minutes: Mapped[int] = mapped_column(default=0)
    # The components' cost roll-up when the components were last saved (the live figure is
    # `GET /bills-of-materials/{id}/cost`); labour and overhead are the planner's estimates.
    material_cost: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    labor_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    overhead_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    total_cost: Mapped[Decimal | None] = mapped_column(
        Money,
        sa.Computed("material_cost + labor_cost + overhead_cost", persisted=True),
        info={"read_only": True},
    )
    valid_from: Mapped[date | None] = mapped_column(default=None)
    valid_to: Mapped[date | None] = mapped_column(default=None)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("employees.id"), default=None
    )
    approved_at: Mapped[datetime | None] = mapped_column(default=None)

    components: Mapped[list[BomComponent]] = relationship(
        order_by="BomComponent.position", cascade="all, delete-orphan"
    )


class ProductionOrder(WorkspaceRow, Base):
    __tablename__ = "production_orders"
    __table_args__ = (
        live_unique("production_orders", "organization_id", "production_number"),
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint(
            "quantity_produced >= 0 AND quantity_scrapped >= 0", name="quantities_done"
        ),
    )

    production_number: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    # Seed 002's `order_id`: the sales order this run makes goods for. A plain column until the
    # sales tables are merged (then a foreign key to `sales_orders.id`).
    sales_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("sales_orders.id"), default=None, index=True
    )
    product_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("products.id"), index=True)
    # Defaults to the product's default BOM.
    bom_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("bills_of_materials.id"), default=None, index=True
    )
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    # Posted by completing the order (ERP_API.md: `POST .../complete`), never by a client.
    quantity_produced: Mapped[Decimal] = mapped_column(
        Quantity, default=Decimal("0"), info={"read_only": True}
    )
    quantity_scrapped: Mapped[Decimal] = mapped_column(
        Quantity, default=Decimal("0"), info={"read_only": True}
    )
    status: Mapped[str] = mapped_column(
        choice(*PRODUCTION_STATUSES, name="status"), default="planned", index=True
    )
    priority: Mapped[str] = mapped_column(
        choice(*PRIORITIES, name="priority"), default="normal", index=True
    )
    planned_start_date: Mapped[datetime | None] = mapped_column(default=None)
    planned_end_date: Mapped[datetime | None] = mapped_column(default=None)
    # Set by the server: the order went `in_progress` / was completed.
    actual_start_date: Mapped[datetime | None] = mapped_column(
        default=None, info={"read_only": True}
    )
    actual_end_date: Mapped[datetime | None] = mapped_column(default=None, info={"read_only": True})
    due_date: Mapped[datetime | None] = mapped_column(default=None, index=True)
    production_line: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    work_center: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    shift: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    assigned_team: Mapped[list[str]] = mapped_column(JSONType, default=list)  # employee ids
    currency: Mapped[str] = mapped_column(sa.String(3))
    estimated_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # Costs of the run as posted on completion.
    actual_cost: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    material_cost: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    labor_cost: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    overhead_cost: Mapped[Decimal] = mapped_column(
        Money, default=Decimal("0"), info={"read_only": True}
    )
    quality_standard: Mapped[str | None] = mapped_column(sa.String(50), default=None)
    qc_required: Mapped[bool] = mapped_column(default=True)
    qc_passed: Mapped[bool | None] = mapped_column(default=None)
    qc_notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
    instructions: Mapped[str | None] = mapped_column(sa.Text, default=None)
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ProductionResource(WorkspaceRow, Base):
    """A machine, line or crew that jobs run on (Sentia's `resources`)."""

    __tablename__ = "resources"
    __table_args__ = (live_unique("resources", "organization_id", "name"),)

    name: Mapped[str] = mapped_column(sa.String(100))
    type: Mapped[str | None] = mapped_column(sa.String(50), default=None, index=True)
    status: Mapped[str] = mapped_column(
        choice(*RESOURCE_STATUSES, name="status"), default="available", index=True
    )
    capacity: Mapped[Decimal | None] = mapped_column(Quantity, default=None)
    efficiency_rating: Mapped[Decimal | None] = mapped_column(Percent, default=None)
    cost_per_hour: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    location: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    last_maintenance: Mapped[datetime | None] = mapped_column(default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class Schedule(WorkspaceRow, Base):
    """A production schedule (Sentia): a versioned plan of jobs over a period."""

    __tablename__ = "schedules"
    __table_args__ = (
        live_unique("schedules", "organization_id", "name", "version"),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="period"),
    )

    name: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(
        choice(*SCHEDULE_STATUSES, name="status"), default="draft", index=True
    )
    start_date: Mapped[datetime | None] = mapped_column(default=None)
    end_date: Mapped[datetime | None] = mapped_column(default=None)
    optimization_score: Mapped[Decimal | None] = mapped_column(Score, default=None)
    # Counts of the schedule's live jobs, kept by the job service.
    total_jobs: Mapped[int] = mapped_column(default=0, info={"read_only": True})
    completed_jobs: Mapped[int] = mapped_column(default=0, info={"read_only": True})
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)


class ProductionJob(WorkspaceRow, Base):
    """A manufacturing job (Sentia's `jobs`), served at `/production-jobs` since `/jobs` is the
    background jobs' path."""

    __tablename__ = "jobs"
    __table_args__ = (
        live_unique("jobs", "organization_id", "job_number"),
        sa.CheckConstraint("quantity > 0", name="quantity"),
        sa.CheckConstraint(
            "scheduled_end IS NULL OR scheduled_end >= scheduled_start", name="slot"
        ),
    )

    job_number: Mapped[str] = mapped_column(sa.String(50))
    schedule_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("schedules.id"), default=None, index=True
    )
    production_order_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("production_orders.id"), default=None, index=True
    )
    resource_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("resources.id"), default=None, index=True
    )
    customer_name: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    product_type: Mapped[str | None] = mapped_column(sa.String(100), default=None)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=Decimal("1"))
    priority: Mapped[int] = mapped_column(default=0)  # higher runs first
    status: Mapped[str] = mapped_column(
        choice(*JOB_STATUSES, name="status"), default="pending", index=True
    )
    due_date: Mapped[datetime | None] = mapped_column(default=None, index=True)
    scheduled_start: Mapped[datetime | None] = mapped_column(default=None)
    scheduled_end: Mapped[datetime | None] = mapped_column(default=None)
    estimated_hours: Mapped[Decimal | None] = mapped_column(Hours, default=None)
    actual_hours: Mapped[Decimal | None] = mapped_column(Hours, default=None)
    notes: Mapped[str | None] = mapped_column(sa.Text, default=None)
