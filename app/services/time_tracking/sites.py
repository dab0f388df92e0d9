"""Geofence rows: create, change, delete, import a FeatureCollection, assign to employees.

Every write validates the geometry with the `geofences` library (so a stored fence always
builds), stores its area and centroid, and bumps the organization's geofence version.

Storage caps (issue 19): an organization may keep at most `GEOFENCE_MAX_PER_ORGANIZATION`
live fences and `GEOFENCE_MAX_VERTICES_PER_ORGANIZATION` positions across them (a circle counts
one), because every process builds an organization's fences and anyone can register one; a
write past either is 422 `GEOFENCE_LIMIT_EXCEEDED` naming the limit. The check runs after the
version bump, whose row lock on the organization serialises concurrent writers on PostgreSQL,
so two creates cannot both slip under the cap. An existing excess (fences stored before the
caps) never blocks an edit that does not add to it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

import geofences
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Employee, EmployeeGeofence, Geofence, User
from app.models.base import utcnow
from app.services import audit, resources
from app.services.tenancy import scoped
from app.services.time_tracking import geofencing

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


class GeofenceLimitExceeded(ValidationFailed):
    code = "GEOFENCE_LIMIT_EXCEEDED"
    default_message = "The organization has reached its geofence storage limit."


def vertex_count(geometry: dict[str, Any]) -> int:
    """Positions in a (validated) GeoJSON geometry; a Point (a circle's centre) counts one."""
    kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        return sum(len(ring) for ring in coordinates)
    if kind == "MultiPolygon":
        return sum(len(ring) for polygon in coordinates for ring in polygon)
    return 1


@dataclass
class Storage:
    """What an organization's live fences hold, besides the one being written."""

    fences: int
    vertices: int


def stored(actor: User, excluding: Geofence | None = None) -> Storage:
    """Read after the version bump, so a concurrent writer's fence is counted."""
    stmt = sa.select(Geofence.geometry).where(
        Geofence.organization_id == actor.organization_id, Geofence.deleted_at.is_(None)
    )
    if excluding is not None:
        stmt = stmt.where(Geofence.id != excluding.id)
    geometries = db.session.scalars(stmt).all()
    return Storage(len(geometries), sum(vertex_count(g) for g in geometries))


def _check_storage(
    storage: Storage, geometry: dict[str, Any], *, new: bool, before: int = 0
) -> None:
    """Refuse a write past a cap; `before`: the positions of the fence being changed."""
    max_fences = current_app.config["GEOFENCE_MAX_PER_ORGANIZATION"]
    if new and storage.fences + 1 > max_fences:
        raise GeofenceLimitExceeded(
            f"An organization may keep at most {max_fences} geofences; delete one first.",
            details={"limit": "geofences", "max": max_fences, "current": storage.fences},
        )
    max_vertices = current_app.config["GEOFENCE_MAX_VERTICES_PER_ORGANIZATION"]
    after = storage.vertices + vertex_count(geometry)
    if after > max_vertices and after > storage.vertices + before:
        raise GeofenceLimitExceeded(
            f"An organization's geofences may have at most {max_vertices} positions in all; "
            f"this would make {after}. Simplify the boundaries or delete a fence.",
            errors={"geometry": [f"Would bring the organization to {after} positions."]},
            details={
                "limit": "vertices",
                "max": max_vertices,
                "current": storage.vertices + before,
                "after": after,
            },
        )


def create(actor: User, data: dict[str, Any], storage: Storage | None = None) -> Geofence:
    """`storage`: the import's running tally (read once, not once per feature)."""
    data = {**data, **_measure(data)}
    if data["geometry"].get("type") != "Point":
        data["radius_m"] = None
    geofencing.bump_version(actor.organization_id)  # first: its row lock serialises the check
    if storage is None:
        storage = stored(actor)
    _check_storage(storage, data["geometry"], new=True)
    site: Geofence = resources.create(Geofence, actor, data)
    storage.fences += 1
    storage.vertices += vertex_count(data["geometry"])
    return site


def update(actor: User, site: Geofence, data: dict[str, Any]) -> Geofence:
    geofencing.bump_version(actor.organization_id)
    if any(f in data for f in GEOMETRY_FIELDS):
        merged = {f: data.get(f, getattr(site, f)) for f in GEOMETRY_FIELDS}
        data = {**data, **_measure(merged)}
        before = vertex_count(site.geometry)
        _check_storage(stored(actor, excluding=site), merged["geometry"], new=False, before=before)
    # The per-process fence caches rebuild a fence when its updated_at moves: make sure it
    # does, even when the clock has not (two edits within its resolution, a frozen clock).
    stamp = max(utcnow(), site.updated_at + timedelta(microseconds=1))
    resources.update(site, actor, {**data, "updated_at": stamp})
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
    geofencing.bump_version(actor.organization_id)
    storage = stored(actor)
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        body = {**props, "geometry": feature.get("geometry")}
        try:
            data = validate(body)
            with db.session.begin_nested():
                site = create(actor, data, storage)
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
