"""Daily housekeeping: expired Idempotency-Keys and old processed outbox messages."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.jobs import job
from app.services import idempotency, outbox


@job
def purge() -> dict[str, Any]:
    """Delete what has outlived its purpose; idempotent."""
    keys = idempotency.purge_expired()
    messages = outbox.purge_processed()
    db.session.commit()
    return {"idempotency_keys": keys, "outbox_messages": messages}
