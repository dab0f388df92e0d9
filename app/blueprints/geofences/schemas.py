"""Geofence bodies, filters, import and check."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from app.blueprints.common import PageArgsSchema, Schema, Timestamp, TimeZone
from app.models.sites import GEOFENCE_POLICIES

POSITIVE = ma.validate.Range(min=0, min_inclusive=False, max=1_000_000)


class CentroidSchema(Schema):
    lat = ma.fields.Float()
    lon = ma.fields.Float()


class GeofenceSchema(Schema):
    id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=255))
    geometry = ma.fields.Dict(
        required=True,
        metadata={"description": "GeoJSON Polygon or MultiPolygon, or a Point with radius_m"},
    )
    radius_m = ma.fields.Float(allow_nan=False, allow_none=True, validate=POSITIVE)
    buffer_m = ma.fields.Float(
        allow_nan=False, load_default=0.0, validate=ma.validate.Range(min=0, max=100_000)
    )
    policy = ma.fields.String(load_default="enforce", validate=ma.validate.OneOf(GEOFENCE_POLICIES))
    max_accuracy_m = ma.fields.Float(allow_nan=False, load_default=100.0, validate=POSITIVE)
    timezone = TimeZone(allow_none=True)
    address = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=2000))
    is_active = ma.fields.Boolean(load_default=True)
    area_m2 = ma.fields.Float(dump_only=True)
    centroid = ma.fields.Method(
        "_centroid",
        dump_only=True,
        metadata={
            "type": "object",
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
            "required": ["lat", "lon"],
        },
    )
    created_at = Timestamp(dump_only=True)
    updated_at = Timestamp(dump_only=True)

    def _centroid(self, site: Any) -> dict[str, float]:
        return {"lat": site.centroid_lat, "lon": site.centroid_lon}


class GeofencePatchSchema(GeofenceSchema):
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=255))
    geometry = ma.fields.Dict()
    buffer_m = ma.fields.Float(allow_nan=False, validate=ma.validate.Range(min=0, max=100_000))
    policy = ma.fields.String(validate=ma.validate.OneOf(GEOFENCE_POLICIES))
    max_accuracy_m = ma.fields.Float(allow_nan=False, validate=POSITIVE)
    is_active = ma.fields.Boolean()


class GeofenceQueryArgsSchema(PageArgsSchema):
    policy = ma.fields.String(validate=ma.validate.OneOf(GEOFENCE_POLICIES))
    is_active = ma.fields.Boolean()
    q = ma.fields.String(validate=ma.validate.Length(max=100))


class FeatureSchema(Schema):
    type = ma.fields.String(required=True, validate=ma.validate.Equal("Feature"))
    geometry = ma.fields.Dict(required=True, allow_none=True)
    properties = ma.fields.Dict(load_default=dict, allow_none=True)
    id = ma.fields.Raw()


class FeatureCollectionSchema(Schema):
    type = ma.fields.String(required=True, validate=ma.validate.Equal("FeatureCollection"))
    features = ma.fields.List(
        ma.fields.Nested(FeatureSchema), required=True, validate=ma.validate.Length(max=1000)
    )


class ImportResultSchema(Schema):
    index = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": ["created", "error"]})
    geofence = ma.fields.Nested(GeofenceSchema, allow_none=True)
    errors = ma.fields.Dict(allow_none=True)


class ImportResponseSchema(Schema):
    created = ma.fields.Integer()
    failed = ma.fields.Integer()
    results = ma.fields.List(ma.fields.Nested(ImportResultSchema))


class CheckSchema(Schema):
    lat = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(-90, 90))
    lon = ma.fields.Float(required=True, allow_nan=False, validate=ma.validate.Range(-180, 180))
    accuracy_m = ma.fields.Float(required=True, allow_nan=False, validate=POSITIVE)
    geofence_id = ma.fields.UUID()


class CheckResponseSchema(Schema):
    result = ma.fields.String(allow_none=True)
    geofence_id = ma.fields.UUID(allow_none=True)
    distance_m = ma.fields.Float(allow_none=True)
    policy = ma.fields.String(allow_none=True)
