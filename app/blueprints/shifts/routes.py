"""`/api/v1/shifts` and `/api/v1/me/shifts`: scheduled work, generated from templates."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.blueprints.common import Blueprint, check_if_match, paginate, with_etag
from app.blueprints.shifts.schemas import (
    GenerateSchema,
    MyShiftQueryArgsSchema,
    ShiftCreateSchema,
    ShiftQueryArgsSchema,
    ShiftSchema,
)
from app.errors import InUse
from app.extensions import db
from app.openapi import etagged, raises
from app.security import current_actor, requires
from app.services.time_tracking import shift_generation, shifts
from app.services.time_tracking.shifts import ShiftOverlap

blp = Blueprint(
    "shifts",
    __name__,
    url_prefix="/api/v1",
    description="Shifts: one employee's scheduled work; `missed` when nobody clocked in.",
)


@blp.route("/shifts")
class Shifts(MethodView):
    @requires("shifts:read")
    @blp.arguments(ShiftQueryArgsSchema, location="query")
    @blp.response(200, ShiftSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """List shifts (own, reports', or all by role), earliest first."""
        items, status, headers = paginate(shifts.search(current_actor(), args), args)
        return shifts.mark_missed(items), status, headers

    @requires("shifts:write")
    @blp.arguments(ShiftCreateSchema)
    @blp.response(201, ShiftSchema)
    @etagged
    @raises(ShiftOverlap)
    def post(self, body: dict[str, Any]) -> Any:
        """Schedule one shift; 409 SHIFT_OVERLAP when it meets another of the employee."""
        shift = shifts.create_shift(current_actor(), body)
        db.session.commit()
        return with_etag(ShiftSchema(), shifts.mark_missed([shift])[0], 201)


SKIPPED_HEADER = {
    "X-Shifts-Skipped": {
        "description": "How many identical shifts already existed and were left alone.",
        "schema": {"type": "integer"},
    }
}


@blp.route("/shifts/generate")
class GenerateShifts(MethodView):
    @requires("shifts:write")
    @blp.arguments(GenerateSchema)
    @blp.response(201, ShiftSchema(many=True), headers=SKIPPED_HEADER)
    @raises(ShiftOverlap)
    @blp.doc(operationId="generateShifts")
    def post(self, body: dict[str, Any]) -> Any:
        """Generate a template's shifts over dates for employees (skipped count in a header)."""
        outcome = shift_generation.generate(current_actor(), body)
        db.session.commit()
        created = shifts.mark_missed(outcome.created)
        return created, 201, {"X-Shifts-Skipped": str(len(outcome.skipped))}


@blp.route("/shifts/<uuid:shift_id>")
class ShiftById(MethodView):
    @requires("shifts:read")
    @blp.response(200, ShiftSchema)
    @etagged
    def get(self, shift_id: uuid.UUID) -> Any:
        """Get a shift."""
        return with_etag(ShiftSchema(), shifts.get_visible_shift(current_actor(), shift_id))

    @requires("shifts:write")
    @blp.arguments(ShiftSchema)
    @blp.response(200, ShiftSchema)
    @etagged
    @raises(ShiftOverlap)
    def patch(self, body: dict[str, Any], shift_id: uuid.UUID) -> Any:
        """Move, reassign, cancel or un-cancel a shift."""
        shift = shifts.get_visible_shift(current_actor(), shift_id)
        check_if_match(ShiftSchema(), shift)
        shifts.update_shift(current_actor(), shift, body)
        db.session.commit()
        return with_etag(ShiftSchema(), shifts.mark_missed([shift])[0])

    @requires("shifts:write")
    @blp.response(204)
    @raises(InUse)
    def delete(self, shift_id: uuid.UUID) -> None:
        """Delete a shift nobody worked (cancel a worked one instead)."""
        shift = shifts.get_visible_shift(current_actor(), shift_id)
        shifts.delete_shift(current_actor(), shift)
        db.session.commit()


@blp.route("/me/shifts")
class MyShifts(MethodView):
    @requires("shifts:read")
    @blp.arguments(MyShiftQueryArgsSchema, location="query")
    @blp.response(200, ShiftSchema(many=True))
    @blp.doc(operationId="listMyShifts")
    def get(self, args: dict[str, Any]) -> Any:
        """List the caller's own shifts, earliest first."""
        items, status, headers = paginate(shifts.search(current_actor(), args, own_only=True), args)
        return shifts.mark_missed(items), status, headers
