"""Probes and the OpenAPI document."""

from __future__ import annotations

from unittest import mock


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_reports_database_and_redis(client):
    from app.services.job_status import worker_state

    response = client.get("/readyz")
    assert response.status_code == 200
    # The worker's heartbeat is reported, never a reason for 503 (tests/api/test_jobs.py).
    assert response.get_json() == {"database": "ok", "redis": "ok", "worker": worker_state()}


def test_readyz_names_what_is_down(client, app):
    import redis

    broken = mock.Mock()
    broken.ping.side_effect = redis.ConnectionError("refused")
    with mock.patch("app.blueprints.health.routes.get_redis", return_value=broken):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["redis"].startswith("down")
    assert body["error"] == "SERVICE_UNAVAILABLE"
    assert "redis" in body["message"]


def test_openapi_document_and_docs_page(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/employees" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == []
    assert login["summary"].startswith("Exchange e-mail and password")
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert {"code", "status", "message", "error", "errors", "details"} <= set(error)
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger" in docs.data.lower()


def test_every_operation_has_a_summary(client):
    spec = client.get("/api/openapi.json").get_json()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method != "parameters" and not op.get("summary")
    ]
    assert missing == []
