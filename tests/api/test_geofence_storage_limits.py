"""One organization's fences cannot stall another's requests (issue 19, item 2): storage caps
per organization (fences, positions) with 422 GEOFENCE_LIMIT_EXCEEDED, and a fence cache that
rebuilds only the fences that changed."""

from __future__ import annotations

import pytest

from app.services.time_tracking import geofencing, sites


def _ring(positions: int, lon: float = -87.63, lat: float = 41.88) -> dict:
    """A closed polygon with exactly `positions` positions (the closing one included)."""
    step = 0.001 / (positions - 1)
    corners = [[lon + i * step, lat] for i in range(positions - 3)]
    corners += [[lon + 0.001, lat + 0.001], [lon, lat + 0.001]]
    return {"type": "Polygon", "coordinates": [[*corners, [lon, lat]]]}


@pytest.fixture
def caps(app):
    """Small caps for the test: 3 fences, 20 positions."""
    saved = {
        k: app.config[k]
        for k in ("GEOFENCE_MAX_PER_ORGANIZATION", "GEOFENCE_MAX_VERTICES_PER_ORGANIZATION")
    }
    app.config.update(GEOFENCE_MAX_PER_ORGANIZATION=3, GEOFENCE_MAX_VERTICES_PER_ORGANIZATION=20)
    yield
    app.config.update(saved)


def _post(client, auth, geometry, **body):
    return client.post(
        "/api/v1/geofences", json={"name": "Yard", "geometry": geometry, **body}, headers=auth
    )


def test_vertex_count():
    assert sites.vertex_count(_ring(7)) == 7
    assert sites.vertex_count({"type": "Point", "coordinates": [1, 2]}) == 1
    multi = {"type": "MultiPolygon", "coordinates": [_ring(5)["coordinates"]] * 2}
    assert sites.vertex_count(multi) == 10


def test_defaults_are_configured(app):
    assert app.config["GEOFENCE_MAX_PER_ORGANIZATION"] == 500
    assert app.config["GEOFENCE_MAX_VERTICES_PER_ORGANIZATION"] == 20_000


def test_positions_past_the_cap_are_refused_naming_the_limit(
    client, make_org, headers, caps, assert_error
):
    owner = make_org()
    auth = headers(owner)
    assert _post(client, auth, _ring(12)).status_code == 201
    refused = _post(client, auth, _ring(9, lat=41.9))  # 12 + 9 = 21 > 20
    assert_error(refused, 422, "GEOFENCE_LIMIT_EXCEEDED")
    assert refused.get_json()["details"] == {
        "limit": "vertices",
        "max": 20,
        "current": 12,
        "after": 21,
    }
    assert _post(client, auth, _ring(8, lat=41.9)).status_code == 201  # exactly 20: fine


def test_fence_count_past_the_cap_is_refused(client, make_org, headers, caps, assert_error):
    owner = make_org()
    auth = headers(owner)
    circle = {"type": "Point", "coordinates": [13.405, 52.52]}
    for _ in range(3):
        assert _post(client, auth, circle, radius_m=50).status_code == 201
    refused = _post(client, auth, circle, radius_m=50)
    assert_error(refused, 422, "GEOFENCE_LIMIT_EXCEEDED")
    assert refused.get_json()["details"] == {"limit": "geofences", "max": 3, "current": 3}
    # Another organization has its own allowance.
    assert _post(client, headers(make_org()), circle, radius_m=50).status_code == 201


def test_patch_growing_a_fence_past_the_cap_is_refused_and_shrinking_is_not(
    client, make_org, headers, caps, assert_error
):
    owner = make_org()
    auth = headers(owner)
    site = _post(client, auth, _ring(10)).get_json()
    _post(client, auth, _ring(6, lat=41.9))
    url = f"/api/v1/geofences/{site['id']}"
    grown = client.patch(url, json={"geometry": _ring(15)}, headers=auth)  # 6 + 15 = 21
    assert_error(grown, 422, "GEOFENCE_LIMIT_EXCEEDED")
    assert grown.get_json()["details"]["current"] == 16
    assert client.patch(url, json={"geometry": _ring(14)}, headers=auth).status_code == 200


def test_an_organization_already_over_the_cap_may_still_shrink_and_rename(
    app, client, make_org, headers, make_geofence, assert_error
):
    owner = make_org()
    big = make_geofence(owner, geometry=_ring(30))  # stored before the caps were lowered
    app.config["GEOFENCE_MAX_VERTICES_PER_ORGANIZATION"] = 20
    try:
        auth = headers(owner)
        url = f"/api/v1/geofences/{big.id}"
        assert client.patch(url, json={"name": "Renamed"}, headers=auth).status_code == 200
        assert client.patch(url, json={"geometry": _ring(25)}, headers=auth).status_code == 200
        grown = client.patch(url, json={"geometry": _ring(26)}, headers=auth)
        assert_error(grown, 422, "GEOFENCE_LIMIT_EXCEEDED")
    finally:
        app.config["GEOFENCE_MAX_VERTICES_PER_ORGANIZATION"] = 20_000


def test_import_counts_the_features_it_already_created(client, make_org, headers, caps):
    auth = headers(make_org())
    features = [
        {"type": "Feature", "properties": {"name": f"F{i}"}, "geometry": _ring(8, lat=41 + i)}
        for i in range(3)
    ]
    response = client.post(
        "/api/v1/geofences/import",
        json={"type": "FeatureCollection", "features": features},
        headers=auth,
    )
    body = response.get_json()
    assert (body["created"], body["failed"]) == (2, 1)  # 8 + 8 fit in 20, a third does not
    assert [r["status"] for r in body["results"]] == ["created", "created", "error"]


def test_an_edit_rebuilds_only_the_fence_that_changed(
    client, make_org, make_employee, headers, make_geofence, monkeypatch
):
    owner = make_org()
    employee = make_employee(owner)
    fences = [make_geofence(owner, geometry=_ring(6, lat=41.88 + i)) for i in range(3)]
    fix = {"lat": 41.8805, "lon": -87.6295, "accuracy_m": 5.0}
    auth = headers(employee.user)
    assert client.post("/api/v1/geofences/check", json=fix, headers=auth).status_code == 200
    built: list = []
    real = geofencing.build_site
    monkeypatch.setattr(geofencing, "build_site", lambda row: built.append(row.id) or real(row))
    # A rename and a policy change: the rows' updated_at moves, the other two stay built.
    client.patch(
        f"/api/v1/geofences/{fences[1].id}", json={"policy": "flag"}, headers=headers(owner)
    )
    check = client.post("/api/v1/geofences/check", json=fix, headers=auth)
    assert built == [fences[1].id]
    assert check.get_json()["geofence_id"] == str(fences[0].id)
    # A deletion builds nothing, and the deleted fence is gone at once.
    client.delete(f"/api/v1/geofences/{fences[0].id}", headers=headers(owner))
    check = client.post("/api/v1/geofences/check", json=fix, headers=auth)
    assert built == [fences[1].id]
    assert check.get_json()["geofence_id"] == str(fences[1].id)
