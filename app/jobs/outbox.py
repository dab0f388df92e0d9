"""The outbox relay: every 15 s, enqueue what the after-commit kick could not (Redis was
down, a job died), and re-register the periodic jobs (a lost chain heals at the next relay or
worker maintenance)."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.jobs import job
from app.jobs.periodic import register_periodic_jobs
from app.services import outbox


@job
def relay() -> dict[str, Any]:
    """Enqueue jobs for pending outbox messages; idempotent (live jobs are not duplicated)."""
    enqueued = outbox.relay_pending()
    db.session.commit()
    registered = register_periodic_jobs()
    return {"enqueued": enqueued, "periodic_registered": registered}
