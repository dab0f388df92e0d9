"""What every punch is checked for before it touches a time entry: its timestamp window, the
geofence policy, and the flags it earns (location, travel speed, lateness, late sync)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from pyproj import Geod

from app.errors import DomainError, ValidationFailed
from app.extensions import db
from app.models import ClockEvent, Employee, Shift
from app.services import settings
from app.services.time_tracking import geofencing, shifts

MAX_FUTURE = timedelta(minutes=5)
MAX_PAST = timedelta(hours=72)
LATE_SYNC_AFTER = timedelta(minutes=15)
MAX_TRAVEL_KMH = 300.0
_GEOD = Geod(ellps="WGS84")


class PunchRejected(DomainError):
    status = 422


class TimestampOutOfRange(PunchRejected):
    code = "TIMESTAMP_OUT_OF_RANGE"
    default_message = "occurred_at is too far in the future or the past."


class GeofenceOutside(PunchRejected):
    code = "GEOFENCE_OUTSIDE"
    default_message = "You are outside the geofence."


class AccuracyTooLow(PunchRejected):
    code = "GPS_ACCURACY_TOO_LOW"
    default_message = "The location is not accurate enough; wait for a better GPS fix."

    @classmethod
    def for_fix(cls, accuracy_m: float, max_accuracy_m: float, details: dict[str, Any]) -> Any:
        """The refusal naming the limit, so the phone (and its user) knows what would pass."""
        return cls(
            f"The location is accurate to {accuracy_m:g} m; this geofence accepts "
            f"{max_accuracy_m:g} m or better. Wait for a better GPS fix.",
            details={**details, "accuracy_m": accuracy_m, "max_accuracy_m": max_accuracy_m},
        )


class GeofenceRequired(PunchRejected):
    code = "GEOFENCE_REQUIRED"
    default_message = (
        "This organization requires a geofence for clocking in, and none applies to you: "
        "an admin must create one (or assign you one)."
    )


@dataclass
class Punch:
    """One punch as the phone sent it (`raw`), parsed."""

    kind: str  # in | out | break_start | break_end | switch_task
    lat: float
    lon: float
    accuracy_m: float
    occurred_at: datetime
    received_at: datetime
    raw: dict[str, Any]
    geofence_id: uuid.UUID | None = None
    task_id: uuid.UUID | None = None
    shift_id: uuid.UUID | None = None
    device_id: str | None = None
    mock_location: bool = False
    note: str | None = None
    client_id: uuid.UUID | None = None
    source: str = "clock"


@dataclass
class Unreadable:
    """A punch of an offline batch that could not be read: refused on its own (the batch's
    other punches still apply) and logged with what did parse."""

    raw: Any  # what the phone sent for it, as sent
    errors: dict[str, Any]  # field: messages
    valid: dict[str, Any]  # the fields that did parse
    received_at: datetime
    source: str = "sync"
    reason: str = "VALIDATION_ERROR"  # the error code the phone was answered with

    @property
    def client_id(self) -> uuid.UUID | None:
        client_id: uuid.UUID | None = self.valid.get("client_id")
        return client_id


@dataclass
class Screening:
    """A punch that passed: the fence decision, the shift it belongs to, and its flags."""

    fence: geofencing.FenceCheck
    shift: Shift | None
    flags: list[str] = field(default_factory=list)
    # Set when the geofence policy refuses the punch; kept apart so the refused punch's log
    # row still shows which fence, what result and how far.
    refusal: DomainError | None = None

    def raise_refusal(self) -> None:
        if self.refusal is not None:
            raise self.refusal

    def geo(self, punch: Punch) -> dict[str, Any]:
        return {
            "lat": punch.lat,
            "lon": punch.lon,
            "accuracy_m": punch.accuracy_m,
            "device_id": punch.device_id,
            "mock_location": punch.mock_location,
            **self.fence.as_dict(),
        }


def check_window(occurred_at: datetime, received_at: datetime) -> None:
    if occurred_at > received_at + MAX_FUTURE or occurred_at < received_at - MAX_PAST:
        raise TimestampOutOfRange(
            details={"occurred_at": occurred_at.isoformat(), "server_time": received_at.isoformat()}
        )


def _geofence_flags(
    check: geofencing.FenceCheck, accuracy_m: float
) -> tuple[list[str], DomainError | None]:
    """Policy `enforce` refuses outside/low accuracy; `flag` records them; `off` checks nothing."""
    if check.site is None or check.result is None:
        return [], None
    details = {"distance_m": check.distance_m, "geofence_id": str(check.site.id)}
    if check.result == "uncertain":
        return ["UNCERTAIN_LOCATION"], None
    if check.site.policy == "enforce":
        if check.result == "outside":
            return [], GeofenceOutside(details=details)
        if check.result == "low_accuracy":
            return [], AccuracyTooLow.for_fix(accuracy_m, check.site.fence.max_accuracy_m, details)
    if check.result == "outside":
        return ["OUTSIDE_GEOFENCE"], None
    if check.result == "low_accuracy":
        return ["LOW_ACCURACY"], None
    return [], None


class Fix(NamedTuple):
    """Where and when an earlier accepted punch was (the impossible-travel check's reference)."""

    lat: float
    lon: float
    accuracy_m: float | None
    occurred_at: datetime


# The id of an employee's last accepted punch with a location at or before :at (device time),
# as a prebuilt subquery: the clock reads it with the rest of a punch's context.
PREVIOUS_FIX_ID = (
    sa.select(ClockEvent.id)
    .where(
        ClockEvent.employee_id == sa.bindparam("employee_id"),
        ClockEvent.decision == "accepted",
        ClockEvent.lat.is_not(None),
        ClockEvent.occurred_at <= sa.bindparam("at"),
    )
    .order_by(ClockEvent.occurred_at.desc())
    .limit(1)
    .scalar_subquery()
)


def _impossible_travel(previous: Fix | None, punch: Punch) -> bool:
    """Implied speed from the previous accepted punch above 300 km/h.

    Both fixes' reported accuracies are taken off the distance and a gap under a minute counts
    as a minute, so GPS jitter between two quick punches is never mistaken for travel.
    """
    if previous is None:
        return False
    _, _, metres = _GEOD.inv(previous.lon, previous.lat, punch.lon, punch.lat)
    metres = max(0.0, metres - (previous.accuracy_m or 0.0) - punch.accuracy_m)
    hours = max((punch.occurred_at - previous.occurred_at).total_seconds(), 60.0) / 3600
    return metres / 1000 / hours > MAX_TRAVEL_KMH


def punch_shift(employee: Employee, punch: Punch) -> Shift | None:
    """The shift a punch names (it must be one of the employee's), else the one scheduled."""
    if punch.shift_id is None:
        return shifts.scheduled_shift(employee, punch.occurred_at)
    shift = db.session.get(Shift, punch.shift_id)
    if shift is None or shift.employee_id != employee.id or shift.deleted_at is not None:
        raise not_your_shift()
    return shift


def clock_in_fence(
    employee: Employee,
    lat: float,
    lon: float,
    accuracy_m: float,
    geofence_id: uuid.UUID | None,
    at: datetime,
) -> geofencing.FenceCheck:
    """The fence decision a clock-in here at `at` would get (`POST /geofences/check`): the
    same choice as `screen`'s, the shift scheduled then included."""
    shift = shifts.scheduled_shift(employee, at)
    return geofencing.check(employee, lat, lon, accuracy_m, geofence_id, shift)


def not_your_shift() -> ValidationFailed:
    return ValidationFailed(errors={"shift_id": ["Not one of your shifts."]})


def _fence_required(employee: Employee) -> bool:
    """`settings/time.require_geofence`: clock-ins no fence can check are refused. Only
    clock-ins: someone already at work can always clock out, whatever happened to the fences."""
    return bool(settings.time_settings(employee.organization_id)["require_geofence"])


def screen(
    employee: Employee, punch: Punch, shift: Shift | None, previous: Fix | None
) -> Screening:
    """Check a punch against its shift and the previous accepted punch, and collect its flags.
    A bad timestamp or fence choice raises; a geofence refusal comes back in `refusal` (call
    `raise_refusal()` once the outcome holds it)."""
    check_window(punch.occurred_at, punch.received_at)
    fence = geofencing.check(
        employee, punch.lat, punch.lon, punch.accuracy_m, punch.geofence_id, shift
    )
    flags, refusal = _geofence_flags(fence, punch.accuracy_m)
    if refusal is None and fence.site is None and punch.kind == "in" and _fence_required(employee):
        refusal = GeofenceRequired()
    if punch.mock_location:
        flags.append("MOCK_LOCATION")
    if _impossible_travel(previous, punch):
        flags.append("IMPOSSIBLE_TRAVEL")
    if punch.kind in ("in", "out"):
        flags += shifts.punch_flags(shift, punch.kind, punch.occurred_at)
    if punch.received_at - punch.occurred_at > LATE_SYNC_AFTER:
        flags.append("LATE_SYNC")
    return Screening(fence, shift, flags, refusal)
