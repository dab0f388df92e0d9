"""The organization's optional overtime-alert webhook: configuration and signed delivery.

Delivery (`deliver`, run by a coalesced job after new alerts are stored) POSTs the alerts not
yet notified, up to `BATCH` per request, as JSON:
`{"organization_id", "alerts": [{id, employee_id, kind, period, period_start, week_start,
seconds, message, created_at}]}`.

Signature (the scheme Stripe and GitHub use): header `X-Fieldclock-Timestamp` (Unix seconds)
and `X-Fieldclock-Signature: sha256=<hex>`, the HMAC-SHA256 with the shared secret of
`<timestamp>.<body bytes>`; a receiver recomputes it and refuses old timestamps (replays).
A non-2xx answer or a network error raises `WebhookDeliveryFailed`; the job's `Retry` backs
off (10 s, 1 min, 5 min, 30 min, 1 h). Alerts created before the webhook was configured are
never sent (configuring one must not flood the receiver with history).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AlertWebhook, OvertimeAlert, User
from app.models.base import utcnow

BATCH = 500
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-Fieldclock-Signature"
TIMESTAMP_HEADER = "X-Fieldclock-Timestamp"


class WebhookDeliveryFailed(RuntimeError):
    """The receiver did not accept the delivery; the job is retried with backoff."""


def _row(organization_id: uuid.UUID) -> AlertWebhook | None:
    stmt = sa.select(AlertWebhook).where(AlertWebhook.organization_id == organization_id)
    row: AlertWebhook | None = db.session.scalars(stmt).first()
    return row


def view(row: AlertWebhook | None) -> dict[str, Any]:
    if row is None:
        return {"url": None, "active": False, "secret_set": False}
    return {"url": row.url, "active": row.active, "secret_set": bool(row.secret)}


def get_config(actor: User) -> dict[str, Any]:
    return view(_row(actor.organization_id))


def put_config(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Set the URL (and the secret, which is never shown again); keeps the old secret when
    none is given."""
    row = _row(actor.organization_id)
    if row is None:
        if not data.get("secret"):
            raise ValidationFailed(errors={"secret": ["Required when setting up a webhook."]})
        row = AlertWebhook(organization_id=actor.organization_id, url=data["url"], secret="")
        db.session.add(row)
    row.url = data["url"]
    if data.get("secret"):
        row.secret = data["secret"]
    row.active = data.get("active", True)
    db.session.flush()
    return view(row)


def delete_config(actor: User) -> None:
    row = _row(actor.organization_id)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _alert_json(alert: OvertimeAlert) -> dict[str, Any]:
    return {
        "id": str(alert.id),
        "employee_id": str(alert.employee_id),
        "kind": alert.kind,
        "period": alert.period,
        "period_start": alert.period_start.isoformat(),
        "week_start": alert.week_start.isoformat(),
        "seconds": alert.seconds,
        "message": (alert.details or {}).get("message"),
        "created_at": alert.created_at.isoformat(),
    }


def _post(url: str, body: bytes, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError) as exc:
        raise WebhookDeliveryFailed(f"webhook unreachable: {exc}") from exc
    if not 200 <= status < 300:
        raise WebhookDeliveryFailed(f"webhook answered {status}")


def deliver(organization_id: uuid.UUID, now: datetime | None = None) -> int:
    """Send the alerts not yet notified; how many were delivered (0 without a webhook)."""
    webhook = _row(organization_id)
    if webhook is None or not webhook.active:
        return 0
    delivered = 0
    while True:
        stmt = (
            sa.select(OvertimeAlert)
            .where(
                OvertimeAlert.organization_id == organization_id,
                OvertimeAlert.notified_at.is_(None),
                OvertimeAlert.created_at >= webhook.created_at,
            )
            .order_by(OvertimeAlert.created_at, OvertimeAlert.id)
            .limit(BATCH)
        )
        alerts = list(db.session.scalars(stmt))
        if not alerts:
            return delivered
        payload = {
            "organization_id": str(organization_id),
            "alerts": [_alert_json(a) for a in alerts],
        }
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = int((now or utcnow()).timestamp())
        _post(
            webhook.url,
            body,
            {
                "Content-Type": "application/json",
                "User-Agent": "Fieldclock-Webhooks/1",
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(webhook.secret, timestamp, body),
            },
        )
        sent_at = utcnow()
        for alert in alerts:
            alert.notified_at = sent_at
        db.session.flush()
        delivered += len(alerts)
