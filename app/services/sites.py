"""Geofence rows: create, change, delete, import a FeatureCollection, assign to employees.

Every write validates the geometry with the `geofences` library (so a stored fence always
builds), stores its area and centroid, and bumps the organization's geofence version.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import geofences
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Employee, EmployeeGeofence, Geofence, User
from app.models.base import utcnow
from app.services import audit, geofencing, resources
from app.services.tenancy import scoped

GEOMETRY_FIELDS = ("geometry", "radius_m", "buffer_m", "max_accuracy_m")


class InvalidGeometryError(ValidationFailed):
    code = "INVALID_GEOMETRY"
    default_message = "The geometry is not a valid geofence."


def _measure(values: dict[str, Any]) -> dict[str, Any]:
    """Validate geometry + thresholds; the area and centroid to store with them."""
    try:
        fence = geofences.Fence(
            values["geometry"],
            values.get("radius_m"),
            buffer_m=values.get("buffer_m") or 0.0,
            max_accuracy_m=values.get("max_accuracy_m") or 100.0,
        )
    except geofences.InvalidGeometry as exc:
        raise InvalidGeometryError(
            exc.reason, errors={"geometry": [exc.reason]}, details={"reason": exc.code}
        ) from None
    except geofences.InvalidFix as exc:
        raise ValidationFailed(str(exc)) from None
    return {
        "area_m2": round(fence.area_m2, 2),
        "centroid_lat": fence.centroid.lat,
        "centroid_lon": fence.centroid.lon,
    }


def create(actor: User, data: dict[str, Any]) -> Geofence:
    data = {**data, **_measure(data)}
    if data["geometry"].get("type") != "Point":
        data["radius_m"] = None
    site: Geofence = resources.create(Geofence, actor, data)
    geofencing.bump_version(actor.organization_id)
    return site


def update(actor: User, site: Geofence, data: dict[str, Any]) -> Geofence:
    if any(f in data for f in GEOMETRY_FIELDS):
        merged = {f: data.get(f, getattr(site, f)) for f in GEOMETRY_FIELDS}
        data = {**data, **_measure(merged)}
    resources.update(site, actor, data)
    geofencing.bump_version(actor.organization_id)
    return site


def delete(actor: User, site: Geofence) -> None:
    resources.soft_delete(site)
    audit.bulk_delete(EmployeeGeofence, EmployeeGeofence.geofence_id == site.id)
    geofencing.bump_version(actor.organization_id)


@dataclass
class ImportResult:
    index: int
    name: str | None
    status: str  # created | error
    geofence: Geofence | None = None
    errors: dict[str, Any] | None = None


def import_collection(
    actor: User, features: list[dict[str, Any]], validate: Any
) -> list[ImportResult]:
    """Each feature on its own: a bad one is reported and never blocks the others.
    `validate(properties + geometry) -> dict` is the HTTP layer's schema load."""
    results = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        body = {**props, "geometry": feature.get("geometry")}
        try:
            data = validate(body)
            with db.session.begin_nested():
                site = create(actor, data)
            results.append(ImportResult(i, data.get("name"), "created", site))
        except ValidationFailed as exc:
            results.append(
                ImportResult(
                    i, props.get("name"), "error", errors=exc.errors or {"_schema": [exc.message]}
                )
            )
    return results


def set_employee_geofences(actor: User, employee: Employee, ids: list[uuid.UUID]) -> None:
    """Replace the employee's allowed geofences (empty: every fence of the workspace)."""
    found = set(
        db.session.scalars(
            scoped(Geofence, actor).where(Geofence.id.in_(ids)).with_only_columns(Geofence.id)
        )
    )
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationFailed(errors={"geofence_ids": [f"No such geofence: {', '.join(missing)}"]})
    audit.bulk_delete(EmployeeGeofence, EmployeeGeofence.employee_id == employee.id)
    for geofence_id in dict.fromkeys(ids):
        db.session.add(
            EmployeeGeofence(
                employee_id=employee.id,
                geofence_id=geofence_id,
                organization_id=actor.organization_id,
            )
        )
    employee.updated_at = utcnow()
    db.session.flush()
    db.session.expire(employee, ["geofence_links"])
