"""Overtime jobs: the coalesced alert check per organization, the 15-minute scan of open
entries, and the webhook delivery. Each is idempotent: alerts are unique per employee, kind and
day/week, and a delivered alert is marked notified in the same transaction."""

from __future__ import annotations

import uuid
from typing import Any

from app.extensions import db
from app.jobs import job
from app.models.base import utcnow
from app.services import outbox
from app.services.overtime import alert_webhooks, overtime_alerts


@job
def check_alerts(organization_id: str) -> dict[str, Any]:
    """Check every employee touched since the last run (clock-outs, approvals, the scan)."""
    org = uuid.UUID(organization_id)
    with outbox.coalesced_run("alerts.check", org) as messages:
        touched = outbox.touched_employees(messages)
        scan_open = any(m.payload.get("scan_open") for m in messages)
        new = overtime_alerts.check(org, touched, utcnow(), scan_open=scan_open)
    db.session.commit()
    return {"messages": len(messages), "employees": len(touched), "new_alerts": len(new)}


@job
def scan_open_entries() -> dict[str, Any]:
    """Periodic: ask for one alert check (open entries, missed clock-outs) per organization
    with someone clocked in; the checks themselves run as coalesced jobs."""
    organizations = overtime_alerts.organizations_clocked_in()
    for org in organizations:
        outbox.publish("alerts.check", org, {"scan_open": True})
    db.session.commit()
    return {"organizations": len(organizations)}


@job
def deliver_webhooks(organization_id: str) -> dict[str, Any]:
    """POST the organization's new alerts to its webhook; raises (and is retried) on failure."""
    org = uuid.UUID(organization_id)
    with outbox.coalesced_run("alerts.webhook", org):
        delivered = alert_webhooks.deliver(org)
    db.session.commit()
    return {"delivered": delivered}
