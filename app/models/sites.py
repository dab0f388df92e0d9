"""Sites: geofences (polygons or circles around where people work) and who may punch where."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    CreatedBy,
    SoftDelete,
    Timestamps,
    UUIDPk,
    WorkspaceScoped,
    check_in,
)

GEOFENCE_POLICIES = ("enforce", "flag", "off")


class Geofence(UUIDPk, WorkspaceScoped, Timestamps, SoftDelete, CreatedBy, Base):
    __tablename__ = "geofences"
    __table_args__ = (
        check_in("policy", GEOFENCE_POLICIES, "policy"),
        sa.CheckConstraint("buffer_m >= 0", name="buffer_non_negative"),
        sa.CheckConstraint("max_accuracy_m > 0", name="max_accuracy_positive"),
        sa.CheckConstraint("radius_m IS NULL OR radius_m > 0", name="radius_positive"),
    )

    name: Mapped[str] = mapped_column(sa.String(255))
    # GeoJSON geometry as sent (WGS84, [lon, lat]): Polygon, MultiPolygon, or Point + radius_m.
    geometry: Mapped[dict[str, Any]] = mapped_column()
    radius_m: Mapped[float | None] = mapped_column(sa.Float, default=None)
    buffer_m: Mapped[float] = mapped_column(sa.Float, default=0.0)
    policy: Mapped[str] = mapped_column(sa.String(10), default="enforce")
    max_accuracy_m: Mapped[float] = mapped_column(sa.Float, default=100.0)
    timezone: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    address: Mapped[str | None] = mapped_column(sa.Text, default=None)
    area_m2: Mapped[float] = mapped_column(sa.Float, default=0.0)
    centroid_lat: Mapped[float] = mapped_column(sa.Float, default=0.0)
    centroid_lon: Mapped[float] = mapped_column(sa.Float, default=0.0)
    is_active: Mapped[bool] = mapped_column(default=True)


class EmployeeGeofence(Base):
    """An employee allowed to punch at a geofence (none assigned: every fence of the workspace)."""

    __tablename__ = "employee_geofences"

    employee_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("employees.id"), primary_key=True)
    geofence_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("geofences.id"), primary_key=True, index=True
    )
    organization_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("organizations.id"))

    @property
    def id(self) -> uuid.UUID:  # the audit trail keys rows by one id; the pair's employee is it
        return self.employee_id
