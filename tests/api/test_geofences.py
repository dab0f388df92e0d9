"""Geofence endpoints: CRUD with area and centroid, INVALID_GEOMETRY reasons, import, the dry-run
check, allowed fences per employee, cache invalidation, tenancy."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from app.models import AuditLog, Geofence, Organization
from app.services.time_tracking import geofencing

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [-87.630, 41.880],
            [-87.629, 41.880],
            [-87.629, 41.881],
            [-87.630, 41.881],
            [-87.630, 41.880],
        ]
    ],
}
CIRCLE = {"type": "Point", "coordinates": [13.4050, 52.5200]}  # Berlin


def _create(client, auth, **body):
    return client.post(
        "/api/v1/geofences", json={"name": "Yard", "geometry": SQUARE, **body}, headers=auth
    )


def test_create_polygon_reports_area_and_centroid(client, make_org, headers):
    auth = headers(make_org())
    response = _create(client, auth, buffer_m=15, policy="flag", timezone="America/Chicago")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    # pyproj.Geod(ellps="WGS84").geometry_area_perimeter of the same ring: 9219.511 m².
    assert body["area_m2"] == pytest.approx(9219.51, abs=0.5)
    assert body["centroid"]["lat"] == pytest.approx(41.8805, abs=1e-6)
    assert body["centroid"]["lon"] == pytest.approx(-87.6295, abs=1e-6)
    assert (body["buffer_m"], body["policy"], body["max_accuracy_m"]) == (15.0, "flag", 100.0)
    assert body["radius_m"] is None


def test_create_circle(client, make_org, headers):
    auth = headers(make_org())
    body = client.post(
        "/api/v1/geofences", json={"name": "Gate", "geometry": CIRCLE, "radius_m": 50}, headers=auth
    ).get_json()
    assert body["area_m2"] == pytest.approx(3.14159 * 50 * 50, rel=0.01)
    assert body["centroid"] == {"lat": 52.52, "lon": 13.405}


@pytest.mark.parametrize(
    ("geometry", "radius", "fragment"),
    [
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            None,
            "edges cross",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001]]]},
            None,
            "closed",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0.001, 0], [0, 0]]]}, None, "4"),
        (
            {"type": "Polygon", "coordinates": [[[0, 95], [0.001, 95], [0.001, 95.001], [0, 95]]]},
            None,
            "latitude",
        ),
        ({"type": "Point", "coordinates": [13.4, 52.5]}, None, "radius"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, None, "LineString"),
    ],
)
def test_invalid_geometry_says_why(
    client, make_org, headers, assert_error, geometry, radius, fragment, db
):
    auth = headers(make_org())
    body = {"geometry": geometry}
    if radius is not None:
        body["radius_m"] = radius
    error = assert_error(_create(client, auth, **body), 422, "INVALID_GEOMETRY")
    assert fragment.lower() in error["message"].lower(), error["message"]
    assert error["errors"]["geometry"] == [error["message"]]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Geofence)) == 0


def test_patch_geometry_recomputes_and_bumps_the_version(client, make_org, headers, db):
    owner = make_org()
    auth = headers(owner)
    site = _create(client, auth).get_json()
    version = db.session.get(Organization, owner.organization_id).geofence_version
    moved = client.patch(
        f"/api/v1/geofences/{site['id']}", json={"geometry": CIRCLE, "radius_m": 10}, headers=auth
    )
    assert moved.status_code == 200
    assert moved.get_json()["centroid"] == {"lat": 52.52, "lon": 13.405}
    db.session.expire_all()
    assert db.session.get(Organization, owner.organization_id).geofence_version == version + 1


def test_another_process_sees_a_changed_fence_at_once(
    client, make_org, make_employee, headers, make_geofence, assert_error
):
    owner = make_org()
    employee = make_employee(owner)
    site = make_geofence(owner, policy="enforce")
    berlin = {"lat": 52.5200, "lon": 13.4050, "accuracy_m": 5.0}
    check = client.post("/api/v1/geofences/check", json=berlin, headers=headers(employee.user))
    assert check.get_json()["result"] == "outside"
    # Simulate another process: its cache holds this workspace at the current version.
    assert employee.workspace_id in geofencing._cache
    client.patch(
        f"/api/v1/geofences/{site.id}",
        json={"geometry": CIRCLE, "radius_m": 30},
        headers=headers(owner),
    )
    check = client.post("/api/v1/geofences/check", json=berlin, headers=headers(employee.user))
    assert check.get_json() == {
        "result": "inside",
        "geofence_id": str(site.id),
        "distance_m": 0.0,
        "policy": "enforce",
    }


def test_delete_stops_the_fence_being_used(client, make_org, make_employee, headers, make_geofence):
    owner = make_org()
    employee = make_employee(owner)
    site = make_geofence(owner)
    assert client.delete(f"/api/v1/geofences/{site.id}", headers=headers(owner)).status_code == 204
    check = client.post(
        "/api/v1/geofences/check",
        json={"lat": 0, "lon": 0, "accuracy_m": 5},
        headers=headers(employee.user),
    ).get_json()
    assert check == {"result": "no_fence", "geofence_id": None, "distance_m": None, "policy": None}


def test_import_feature_collection_reports_per_feature(client, make_org, headers):
    auth = headers(make_org())
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": SQUARE, "properties": {"name": "A", "policy": "flag"}},
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0]]]},
                "properties": {"name": "Broken"},
            },
            {"type": "Feature", "geometry": CIRCLE, "properties": {"name": "B", "radius_m": 25}},
            {"type": "Feature", "geometry": SQUARE, "properties": {"policy": "loud"}},
        ],
    }
    response = client.post("/api/v1/geofences/import", json=collection, headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["created"], body["failed"]) == (2, 2)
    assert [r["status"] for r in body["results"]] == ["created", "error", "created", "error"]
    assert body["results"][0]["geofence"]["policy"] == "flag"
    assert "geometry" in body["results"][1]["errors"]
    assert set(body["results"][3]["errors"]) == {"name", "policy"}
    listed = client.get("/api/v1/geofences", headers=auth).get_json()
    assert sorted(g["name"] for g in listed) == ["A", "B"]


def test_check_picks_the_nearest_allowed_fence(
    client, make_org, make_employee, headers, make_geofence
):
    owner = make_org()
    near = make_geofence(owner, name="Near")
    far = make_geofence(owner, name="Far", geometry=CIRCLE, radius_m=100)
    employee = make_employee(owner, geofence_ids=[far.id])
    body = client.get(f"/api/v1/employees/{employee.id}", headers=headers(owner)).get_json()
    assert body["geofence_ids"] == [str(far.id)]
    fix = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 5}
    mine = client.post("/api/v1/geofences/check", json=fix, headers=headers(employee.user))
    assert mine.get_json()["geofence_id"] == str(far.id)
    assert mine.get_json()["result"] == "outside"
    anyone = client.post("/api/v1/geofences/check", json=fix, headers=headers(owner))
    assert anyone.get_json()["geofence_id"] == str(near.id)
    client.patch(
        f"/api/v1/employees/{employee.id}", json={"geofence_ids": []}, headers=headers(owner)
    )
    again = client.post("/api/v1/geofences/check", json=fix, headers=headers(employee.user))
    assert again.get_json()["geofence_id"] == str(near.id)


def test_geofences_are_tenant_scoped(
    client, make_org, make_employee, headers, make_geofence, assert_error
):
    acme, globex = make_org("Acme"), make_org("Globex")
    theirs = make_geofence(globex)
    mine = headers(acme)
    assert_error(client.get(f"/api/v1/geofences/{theirs.id}", headers=mine), 404, "NOT_FOUND")
    assert_error(
        client.patch(f"/api/v1/geofences/{theirs.id}", json={"name": "X"}, headers=mine),
        404,
        "NOT_FOUND",
    )
    assert_error(client.delete(f"/api/v1/geofences/{theirs.id}", headers=mine), 404, "NOT_FOUND")
    assert client.get("/api/v1/geofences", headers=mine).get_json() == []
    worker = make_employee(acme)
    errors = assert_error(
        client.patch(
            f"/api/v1/employees/{worker.id}", json={"geofence_ids": [str(theirs.id)]}, headers=mine
        ),
        422,
        "VALIDATION_ERROR",
    )["errors"]
    assert "geofence_ids" in errors
    errors = assert_error(
        client.post(
            "/api/v1/geofences/check",
            json={"lat": 1, "lon": 1, "accuracy_m": 5, "geofence_id": str(theirs.id)},
            headers=mine,
        ),
        422,
        "VALIDATION_ERROR",
    )["errors"]
    assert "geofence_id" in errors


def test_only_admins_write_geofences(client, make_org, make_employee, headers, assert_error):
    owner = make_org()
    manager = make_employee(owner, role="manager")
    assert_error(_create(client, headers(manager.user)), 403, "FORBIDDEN")
    assert client.get("/api/v1/geofences", headers=headers(manager.user)).status_code == 200
    assert uuid.UUID(_create(client, headers(owner)).get_json()["id"])


def test_removed_fence_assignments_are_audited(
    client, make_org, make_employee, headers, make_geofence, db
):
    owner = make_org()
    near = make_geofence(owner, name="Near")
    far = make_geofence(owner, name="Far", geometry=CIRCLE, radius_m=100)
    employee = make_employee(owner, geofence_ids=[near.id, far.id])

    def deleted():
        return sorted(
            (r.old_values["geofence_id"], r.request_path)
            for r in db.session.scalars(
                sa.select(AuditLog).where(
                    AuditLog.entity_type == "employee_geofences",
                    AuditLog.action == "DELETE",
                    AuditLog.entity_id == employee.id,
                )
            )
        )

    path = f"/api/v1/employees/{employee.id}"
    response = client.patch(path, json={"geofence_ids": [str(far.id)]}, headers=headers(owner))
    assert response.status_code == 200
    # Replacing the set removes both rows (the kept one is inserted again).
    assert deleted() == sorted([(str(near.id), path), (str(far.id), path)])
    row = db.session.scalars(
        sa.select(AuditLog).where(
            AuditLog.entity_type == "employee_geofences", AuditLog.action == "DELETE"
        )
    ).first()
    assert row.old_values == {
        "employee_id": str(employee.id),
        "geofence_id": row.old_values["geofence_id"],
        "organization_id": str(owner.organization_id),
    }
    assert (row.new_values, row.user_id, row.source) == (None, owner.id, "api")

    site = f"/api/v1/geofences/{far.id}"
    assert client.delete(site, headers=headers(owner)).status_code == 204
    assert (str(far.id), site) in deleted() and len(deleted()) == 3
