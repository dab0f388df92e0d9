"""Which IANA zone a day or week is counted in, and the UTC bounds of local days and weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.models import Employee, Geofence, Organization


def organization_zone(organization_id: object) -> ZoneInfo:
    org = db.session.get(Organization, organization_id)
    return ZoneInfo(org.timezone if org else "UTC")


def employee_zone(employee: Employee, site_timezone: str | None = None) -> ZoneInfo:
    """The employee's own zone, else the site's, else the organization's."""
    if employee.timezone:
        return ZoneInfo(employee.timezone)
    if site_timezone:
        return ZoneInfo(site_timezone)
    return organization_zone(employee.organization_id)


def geofence_timezone(geofence_id: object) -> str | None:
    """The zone of a site (an entry's, or a shift's), so its work counts in that site's days."""
    site = db.session.get(Geofence, geofence_id) if geofence_id is not None else None
    return site.timezone if site is not None else None


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day starts (a DST change never happens at midnight in a way
    that skips it in the zones we know, but fold=0 picks the first one if it repeats)."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a local day in UTC: 23 or 25 hours long on DST-change days."""
    return local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)


def week_bounds(day: date, zone: ZoneInfo, week_start_day: int = 0) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local week containing `day` (0 = Monday starts the week)."""
    start = day - timedelta(days=(day.weekday() - week_start_day) % 7)
    return local_midnight(start, zone), local_midnight(start + timedelta(days=7), zone)


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    return instant.astimezone(zone).date()


def window_conditions(
    column: Any, filters: dict[str, Any], organization_id: object
) -> list[sa.ColumnElement[bool]]:
    """API.md's `from`/`to` filters on `column`: a timestamp bounds it as given (inclusive); a
    date is a whole local day of the organization, `to` included."""

    def midnight(day: date) -> datetime:
        return local_midnight(day, organization_zone(organization_id))

    conditions: list[sa.ColumnElement[bool]] = []
    if (start := filters.get("from_")) is not None:
        conditions.append(column >= (start if isinstance(start, datetime) else midnight(start)))
    if (end := filters.get("to")) is not None:
        if isinstance(end, datetime):
            conditions.append(column <= end)
        else:
            conditions.append(column < midnight(end + timedelta(days=1)))
    return conditions
