"""Organization settings kept in `organizations.settings`, one key per group (`stored` and
`save` for every group); here also the time rules of `/settings/time`.

Stored as `settings["time"] = {"rounding": {...}, "auto_break": {...}, "require_geofence": b}`;
whatever is missing reads as the defaults below (no rounding, no automatic break, no fence
required), so an organization that never saved anything behaves exactly like the raw punches.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal
from typing import Any

from app.extensions import db
from app.models import Organization, User

DEFAULT_ROUNDING: dict[str, Any] = {"minutes": 0, "in_mode": "nearest", "out_mode": "nearest"}
DEFAULT_AUTO_BREAK: dict[str, Any] = {"after_hours": "6.00", "minutes": 0}


def normalise_rounding(data: dict[str, Any] | None) -> dict[str, Any]:
    """A rounding rule with every key present (the defaults fill what is missing)."""
    return {**DEFAULT_ROUNDING, **(data or {})}


def normalise_auto_break(data: dict[str, Any] | None) -> dict[str, Any]:
    """An automatic-break rule with `after_hours` as a 2-place decimal string."""
    merged = {**DEFAULT_AUTO_BREAK, **(data or {})}
    merged["after_hours"] = str(Decimal(str(merged["after_hours"])).quantize(Decimal("0.01")))
    merged["minutes"] = int(merged["minutes"])
    return merged


def stored(organization_id: uuid.UUID, key: str) -> dict[str, Any]:
    """What the organization saved under `key` (empty when nothing was)."""
    org = db.session.get(Organization, organization_id)
    return dict(((org.settings or {}) if org else {}).get(key, {}))


def save(actor: User, key: str, value: dict[str, Any]) -> None:
    """Replace the group `key` of the actor's organization's settings with `value` (JSON)."""
    org = db.session.get(Organization, actor.organization_id)
    assert org is not None, "the actor's organization exists"
    # A new dict object, so that SQLAlchemy sees the JSON column change (and audits it).
    merged = copy.deepcopy(org.settings or {})
    merged[key] = value
    org.settings = merged
    db.session.flush()


def time_settings(organization_id: uuid.UUID) -> dict[str, Any]:
    """The organization's time rules, defaults filled in."""
    stored_time = stored(organization_id, "time")
    return {
        "rounding": normalise_rounding(stored_time.get("rounding")),
        "auto_break": normalise_auto_break(stored_time.get("auto_break")),
        "require_geofence": bool(stored_time.get("require_geofence", False)),
    }


def put_time_settings(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """Replace the organization's time rules (a PUT: omitted parts go back to the defaults)."""
    value = {
        "rounding": normalise_rounding(data.get("rounding")),
        "auto_break": normalise_auto_break(data.get("auto_break")),
        "require_geofence": bool(data.get("require_geofence", False)),
    }
    save(actor, "time", value)
    return time_settings(actor.organization_id)
