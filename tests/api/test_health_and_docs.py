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
    assert spec["externalDocs"] == {"description": "User guide", "url": "/guide/"}


def test_docs_page_loads_everything_from_this_origin(client):
    """Air-gapped: every file the page names is served by the app itself (the test client has
    no network at all), nothing is inline, and the CSP allows this origin only."""
    import re

    page = client.get("/api/docs")
    html = page.data.decode()
    assert page.headers["Content-Security-Policy"].startswith(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    )
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert "http:" not in html and "https:" not in html and "//" not in html.replace("://", "")
    assert re.search(r"<script>|<style>| on\w+=", html) is None  # no inline code
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(urls) == [
        "/",
        "/api/docs/assets/favicon-32x32.png",
        "/api/docs/assets/swagger-ui-bundle.js",
        "/api/docs/assets/swagger-ui.css",
        "/api/docs/static/docs-init.js",
        "/api/docs/static/docs.css",
        "/api/openapi.json",
        "/console",
        "/guide/",
    ]
    sizes = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        sizes[url] = len(response.data)
    assert sizes["/api/docs/assets/swagger-ui-bundle.js"] > 500_000  # the real bundle
    bundle = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert bundle.content_type.startswith("text/javascript")
    assert b"SwaggerUIBundle" in bundle.data
    init = client.get("/api/docs/static/docs-init.js").data
    assert b"SwaggerUIBundle(" in init and b"data-spec-url" in init
    # Only the files the page needs, nothing else from the package or the app's folders.
    for url in ("/api/docs/assets/index.css", "/api/docs/static/../config.py"):
        assert client.get(url).status_code == 404, url


def test_root_is_the_phone_page_linking_the_docs_and_the_guide_is_served(client):
    root = client.get("/")
    assert root.status_code == 200 and b'href="/api/docs"' in root.data
    guide = client.get("/guide/")
    assert guide.status_code == 200
    assert guide.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert guide.data.startswith(b"# Fieldclock user guide")
    assert client.get("/guide/getting-started.md").status_code == 200
    assert client.get("/guide/../README.md").status_code == 404


def test_every_operation_has_a_summary(client):
    spec = client.get("/api/openapi.json").get_json()
    missing = [
        f"{method.upper()} {path}"
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if method != "parameters" and not op.get("summary")
    ]
    assert missing == []
