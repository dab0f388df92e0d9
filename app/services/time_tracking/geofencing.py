"""Geofence checks for punches: which fence applies, and a per-process cache of built fences.

Building a `geofences.Fence` (projection, validation) costs far more than a decision, so each
process keeps the fences of a workspace built, and refreshes them when the organization's
`geofence_version` (bumped in the same transaction as any geofence write) moves on: one
primary-key read per punch tells every process, on every machine, that its cache is stale.

The refresh is incremental: it reads only `(id, updated_at)` of the workspace's active fences
and builds just the ones that are new or changed since the cached copy, keeping the others.
Rebuilding every fence on every edit let one organization with large fences hold each worker
process for seconds per edit, stalling every other tenant's requests (issue 19); the storage
caps in `app.services.time_tracking.sites` bound what the first (cold) build of a workspace
can cost.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

import geofences
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Employee, Geofence, Organization, Shift

NO_FENCE = "no_fence"  # the result shown when no geofence applies to a punch


@dataclass(frozen=True)
class SiteFence:
    """What a punch needs of a geofence row, with its built fence."""

    id: uuid.UUID
    name: str
    policy: str
    timezone: str | None
    fence: geofences.Fence


@dataclass(frozen=True)
class FenceCheck:
    """The geofence part of a punch's outcome (API.md: `{result, geofence_id, distance_m}`)."""

    site: SiteFence | None
    result: str | None  # None: no fence applies, or its policy is "off"
    distance_m: float | None

    def as_dict(self) -> dict[str, object]:
        # "no_fence" says it out loud: a punch no fence could check was accepted from anywhere.
        return {
            "result": NO_FENCE if self.site is None else self.result,
            "geofence_id": str(self.site.id) if self.site else None,
            "distance_m": self.distance_m,
        }


@dataclass(frozen=True)
class _Workspace:
    version: int
    sites: dict[uuid.UUID, SiteFence]
    index: geofences.FenceIndex
    # updated_at of each built fence: what tells a changed row from an unchanged one
    stamps: dict[uuid.UUID, datetime]


_cache: dict[uuid.UUID, _Workspace] = {}
_lock = threading.Lock()


def build_site(row: Geofence) -> SiteFence:
    fence = geofences.Fence(
        row.geometry,
        row.radius_m,
        fence_id=str(row.id),
        buffer_m=row.buffer_m,
        max_accuracy_m=row.max_accuracy_m,
    )
    return SiteFence(row.id, row.name, row.policy, row.timezone, fence)


def bump_version(organization_id: uuid.UUID) -> None:
    """Call in the transaction of every geofence write: other processes drop their cache."""
    db.session.execute(
        sa.update(Organization)
        .where(Organization.id == organization_id)
        .values(geofence_version=Organization.geofence_version + 1)
    )


def _workspace(organization_id: uuid.UUID, workspace_id: uuid.UUID) -> _Workspace:
    # Loading the whole row (not just the column) leaves it in the session's identity map,
    # where the punch's timezone lookup finds it without another query.
    org = db.session.get(Organization, organization_id)
    version = org.geofence_version if org is not None else 0
    cached = _cache.get(workspace_id)
    if cached is not None and cached.version == version:
        return cached
    active = (
        Geofence.organization_id == organization_id,
        Geofence.workspace_id == workspace_id,
        Geofence.deleted_at.is_(None),
        Geofence.is_active.is_(True),
    )
    stamps: dict[uuid.UUID, datetime] = {
        geofence_id: updated_at
        for geofence_id, updated_at in db.session.execute(
            sa.select(Geofence.id, Geofence.updated_at).where(*active)
        )
    }
    kept = cached.sites if cached is not None else {}
    kept_stamps = cached.stamps if cached is not None else {}
    stale = [i for i, stamp in stamps.items() if i not in kept or kept_stamps.get(i) != stamp]
    sites = {i: kept[i] for i in stamps if i not in stale}
    if stale:
        rows = db.session.scalars(sa.select(Geofence).where(*active, Geofence.id.in_(stale)))
        for row in rows:
            sites[row.id] = build_site(row)
            stamps[row.id] = row.updated_at  # as built, should it have moved since the read
    stamps = {i: stamps[i] for i in sites}
    # Sorted by id so that the index's tie-break ("the one given first") never depends on
    # which fences happened to be rebuilt.
    ordered = [sites[i] for i in sorted(sites, key=str)]
    built = _Workspace(version, sites, geofences.FenceIndex(s.fence for s in ordered), stamps)
    with _lock:
        _cache[workspace_id] = built
    return built


def _decide(site: SiteFence, lat: float, lon: float, accuracy_m: float) -> FenceCheck:
    if site.policy == "off":
        return FenceCheck(site, None, None)
    decision = geofences.decide(site.fence, lat, lon, accuracy_m)
    return FenceCheck(site, str(decision.result), decision.distance_m)


def check(
    employee: Employee,
    lat: float,
    lon: float,
    accuracy_m: float,
    geofence_id: uuid.UUID | None = None,
    shift: Shift | None = None,
) -> FenceCheck:
    """API.md's choice of fence for an employee's punch (named, else the shift's, else the
    nearest allowed) and its decision."""
    chosen = geofence_id or (shift.geofence_id if shift is not None else None)
    return check_in_workspace(
        employee.organization_id,
        employee.workspace_id,
        set(employee.geofence_ids),
        lat,
        lon,
        accuracy_m,
        chosen,
        named=geofence_id is not None,
    )


def check_in_workspace(
    organization_id: uuid.UUID,
    workspace_id: uuid.UUID,
    allowed: set[uuid.UUID],
    lat: float,
    lon: float,
    accuracy_m: float,
    chosen: uuid.UUID | None = None,
    *,
    named: bool = False,
) -> FenceCheck:
    """The decision against `chosen`, else the nearest of `allowed` (empty: any fence of the
    workspace). No fence at all: nothing to check.

    A `named` fence (the punch's own `geofence_id`) must exist, be active and be allowed: the
    body is wrong otherwise. An unnamed `chosen` (the shift's) that was deleted or deactivated
    since the shift was scheduled names no usable fence, and the nearest allowed one applies.
    """
    space = _workspace(organization_id, workspace_id)
    site = space.sites.get(chosen) if chosen is not None else None
    if named and (site is None or (allowed and chosen not in allowed)):
        raise ValidationFailed(errors={"geofence_id": ["Not a geofence you may punch at."]})
    if site is not None:
        return _decide(site, lat, lon, accuracy_m)
    if allowed:
        candidates = [space.sites[i] for i in allowed if i in space.sites]
        if not candidates:
            return FenceCheck(None, None, None)
        nearest = min(candidates, key=lambda s: (s.fence.distance_m(lat, lon), str(s.id)))
        return _decide(nearest, lat, lon, accuracy_m)
    found = space.index.nearest(lat, lon)
    if found is None or found.fence.fence_id is None:
        return FenceCheck(None, None, None)
    return _decide(space.sites[uuid.UUID(found.fence.fence_id)], lat, lon, accuracy_m)
