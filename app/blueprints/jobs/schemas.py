"""What `GET /jobs/{id}` returns."""

from __future__ import annotations

import marshmallow as ma

from app.blueprints.common import Schema, Timestamp


class JobSchema(Schema):
    id = ma.fields.String(required=True)
    status = ma.fields.String(
        required=True,
        metadata={
            "description": "RQ's status: queued, scheduled, deferred, started, finished, "
            "failed, stopped or canceled."
        },
    )
    progress = ma.fields.Integer(required=True, metadata={"description": "0 to 100"})
    result = ma.fields.Raw(
        required=True, allow_none=True, metadata={"description": "What the job returned."}
    )
    error = ma.fields.String(required=True, allow_none=True)
    enqueued_at = Timestamp(required=True, allow_none=True)
    started_at = Timestamp(required=True, allow_none=True)
    ended_at = Timestamp(required=True, allow_none=True)
