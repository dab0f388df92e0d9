"""The interactive API docs, served whole by the app: no CDN, so they work air-gapped.

Swagger UI's dist files come from the `flask-swagger-ui` package (it bundles them; we use only
its files, not its blueprint, whose page runs an inline script). Our page loads those files and
`app/static/docs-init.js` from this origin, so a Content-Security-Policy of `'self'` holds:
nothing inline, nothing from elsewhere. `GET /` is the phone page (`app/screens.py`), and
`/guide/` serves the user guide (`docs/*.md`) as text, linked from the docs page.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    render_template_string,
    send_from_directory,
    url_for,
)

SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
STATIC = Path(__file__).parent / "static"
GUIDE = Path(__file__).parent.parent / "docs"
# The files the page needs; anything else in the package's folder is not ours to serve.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})
# Only this origin. `data:` images are Swagger UI's inline SVG icons (in its CSS), no fetch.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ title }} API</title>
  <link rel="icon" type="image/png" href="{{ url_for('docs_ui.asset', name='favicon-32x32.png') }}">
  <link rel="stylesheet" href="{{ url_for('docs_ui.asset', name='swagger-ui.css') }}">
  <link rel="stylesheet" href="{{ url_for('docs_ui.static_file', name='docs.css') }}">
</head>
<body>
  <nav class="fieldclock-nav">
    <a href="/">Phone page</a> · <a href="/console">Console</a> ·
    <a href="{{ url_for('docs_ui.guide') }}">User guide</a> ·
    <a href="{{ spec_url }}">OpenAPI document</a>
  </nav>
  <div id="swagger-ui" data-spec-url="{{ spec_url }}"></div>
  <script src="{{ url_for('docs_ui.asset', name='swagger-ui-bundle.js') }}"></script>
  <script src="{{ url_for('docs_ui.static_file', name='docs-init.js') }}"></script>
</body>
</html>
"""

bp = Blueprint("docs_ui", __name__)


def _own_origin_only(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


bp.after_request(_own_origin_only)


@bp.get("/api/docs")
def page() -> str:
    return render_template_string(
        PAGE,
        title=current_app.config["API_TITLE"],
        spec_url=url_for("api-docs.openapi_json"),
    )


@bp.get("/api/docs/assets/<name>")
def asset(name: str) -> Response:
    if name not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_DIST, name, max_age=86400)


@bp.get("/api/docs/static/<name>")
def static_file(name: str) -> Response:
    return send_from_directory(STATIC, name, max_age=3600)


@bp.get("/guide/")
@bp.get("/guide/<name>")
def guide(name: str = "README.md") -> Response:
    """The user guide's Markdown, as text (readable as it is, and offline)."""
    if not name.endswith(".md"):
        abort(404)
    response = send_from_directory(GUIDE, name, mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response


def init_docs_ui(app: Flask) -> None:
    app.register_blueprint(bp)
