"""`/api/v1/geofences`: CRUD, GeoJSON import and the dry-run check of what a punch would get."""

from __future__ import annotations

import uuid
from typing import Any

import marshmallow as ma
from flask.views import MethodView

from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.geofences.schemas import (
    CheckResponseSchema,
    CheckSchema,
    FeatureCollectionSchema,
    GeofencePatchSchema,
    GeofenceQueryArgsSchema,
    GeofenceSchema,
    ImportResponseSchema,
)
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Geofence
from app.models.base import utcnow
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services import resources
from app.services.tenancy import get_or_404
from app.services.time_tracking import geofencing, punches, sites
from app.services.time_tracking.sites import GeofenceLimitExceeded, InvalidGeometryError

blp = Blueprint("geofences", __name__, url_prefix="/api/v1/geofences", description="Sites.")


@blp.route("")
class Geofences(MethodView):
    @requires("geofences:read")
    @blp.arguments(GeofenceQueryArgsSchema, location="query")
    @blp.response(200, GeofenceSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List geofences."""
        stmt = resources.search_rows(
            Geofence, current_actor(), args, equal=("policy", "is_active"), text=("name", "address")
        )
        return paginate(stmt, args)

    @requires("geofences:write")
    @blp.arguments(GeofenceSchema)
    @blp.response(201, GeofenceSchema)
    @etagged
    @raises(InvalidGeometryError, GeofenceLimitExceeded)
    def post(self, body: dict[str, Any]) -> Any:
        """Create a geofence (422 INVALID_GEOMETRY with the reason)."""
        site = sites.create(current_actor(), body)
        db.session.commit()
        return with_etag(GeofenceSchema(), site, 201)


@blp.route("/<uuid:geofence_id>")
class GeofenceById(MethodView):
    @requires("geofences:read")
    @blp.response(200, GeofenceSchema)
    @etagged
    def get(self, geofence_id: uuid.UUID) -> Any:
        """Get a geofence."""
        return with_etag(GeofenceSchema(), get_or_404(Geofence, geofence_id, current_actor()))

    @requires("geofences:write")
    @blp.arguments(GeofencePatchSchema)
    @blp.response(200, GeofenceSchema)
    @etagged
    @raises(InvalidGeometryError, GeofenceLimitExceeded)
    def patch(self, body: dict[str, Any], geofence_id: uuid.UUID) -> Any:
        """Change a geofence."""
        site = get_or_404(Geofence, geofence_id, current_actor())
        check_if_match(GeofenceSchema(), site)
        sites.update(current_actor(), site, body)
        db.session.commit()
        return with_etag(GeofenceSchema(), site)

    @requires("geofences:write")
    @blp.response(204)
    @etagged
    def delete(self, geofence_id: uuid.UUID) -> None:
        """Delete a geofence (punches stop using it at once, in every process)."""
        site = get_or_404(Geofence, geofence_id, current_actor())
        check_if_match(GeofenceSchema(), site)
        sites.delete(current_actor(), site)
        db.session.commit()


def _load_feature(body: dict[str, Any]) -> dict[str, Any]:
    try:
        data: dict[str, Any] = GeofenceSchema().load(body)
    except ma.ValidationError as exc:
        raise ValidationFailed(errors=exc.normalized_messages()) from None
    return data


@blp.route("/import", methods=["POST"])
@requires("geofences:write")
@blp.arguments(FeatureCollectionSchema)
@blp.response(200, ImportResponseSchema)
@raises(InvalidGeometryError, GeofenceLimitExceeded)
def import_geofences(body: dict[str, Any]) -> Any:
    """Import a GeoJSON FeatureCollection (name, policy... from properties); per-feature results."""
    results = sites.import_collection(current_actor(), body["features"], _load_feature)
    db.session.commit()
    created = sum(r.status == "created" for r in results)
    return {"created": created, "failed": len(results) - created, "results": results}


@blp.route("/check", methods=["POST"])
@requires("geofences:read")
@blp.arguments(CheckSchema)
@blp.response(200, CheckResponseSchema)
@blp.doc(operationId="checkGeofence")
def check(body: dict[str, Any]) -> Any:
    """What a clock-in here would decide (a dry run; nothing is recorded)."""
    actor = current_actor()
    lat, lon, accuracy_m = body["lat"], body["lon"], body["accuracy_m"]
    named = body.get("geofence_id")
    if actor.employee is not None:  # the same choice as clock-in's, scheduled shift included
        result = punches.clock_in_fence(actor.employee, lat, lon, accuracy_m, named, utcnow())
    else:  # no schedule, no allowed list: the named fence, else the workspace's nearest
        result = geofencing.check_in_workspace(
            actor.organization_id,
            actor.workspace_id,
            set(),
            lat,
            lon,
            accuracy_m,
            named,
            named=named is not None,
        )
    return {**result.as_dict(), "policy": result.site.policy if result.site else None}
