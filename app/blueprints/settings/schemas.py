"""Bodies of `/settings/time` (reused by shift templates for their own overrides) and
`/settings/approval-thresholds`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from app.blueprints.common import Money, Schema
from app.services.time_tracking.time_rules import ROUNDING_MINUTES, ROUNDING_MODES


class RoundingSchema(Schema):
    minutes = ma.fields.Integer(
        required=True,
        validate=ma.validate.OneOf(ROUNDING_MINUTES),
        metadata={"description": "Grid in minutes; 0 means no rounding."},
    )
    in_mode = ma.fields.String(load_default="nearest", validate=ma.validate.OneOf(ROUNDING_MODES))
    out_mode = ma.fields.String(load_default="nearest", validate=ma.validate.OneOf(ROUNDING_MODES))


def _at_most_a_day(hours: Decimal) -> None:
    # A function, not ma.validate.Range: Range's Decimal bounds would land in the OpenAPI
    # document as strings ("maximum": "24") on a string-typed field.
    if not Decimal("0") <= hours <= Decimal("24"):
        raise ma.ValidationError("From 0 to 24 hours.")


class AutoBreakSchema(Schema):
    after_hours = Money(
        required=True,
        validate=_at_most_a_day,
        metadata={"description": 'Deduct on work longer than this many hours (0 to 24), "6.00".'},
    )
    minutes = ma.fields.Integer(
        required=True,
        validate=ma.validate.Range(min=0, max=240),
        metadata={"description": "Unpaid break required; 0 turns the automatic break off."},
    )

    @ma.post_load
    def hours_as_string(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        """Kept as JSON in the database: `after_hours` stays the 2-place string it is shown as."""
        return {**data, "after_hours": str(data["after_hours"])}


class TimeSettingsSchema(Schema):
    rounding = ma.fields.Nested(RoundingSchema, required=True)
    auto_break = ma.fields.Nested(AutoBreakSchema, required=True)
    require_geofence = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Refuse clock-ins that no geofence applies to (422 "
            "GEOFENCE_REQUIRED); off, they are accepted with geofence.result no_fence."
        },
    )


def _threshold(module: str) -> Money:
    return Money(
        allow_none=True,
        metadata={
            "description": f"Amount at or above which {module} waits for an approval; "
            "null: never. Left out of a PUT: the default."
        },
    )


class ApprovalThresholdsSchema(Schema):
    purchase_order = _threshold("a submitted purchase order")
    invoice = _threshold("an issued invoice")
    payment = _threshold("a recorded payment")
    adjustments_need_approval = ma.fields.Boolean(
        metadata={"description": "Inventory adjustments wait for an approval (default true)."}
    )
