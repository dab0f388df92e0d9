"""The screens for people at work, served by the app as plain files: the phone page at `/`
(a PWA: manifest, service worker, icon) and the supervisor/payroll console at `/console`.

Both are static HTML shells loading small ES modules from `app/static/screens/`; no build step,
no template, nothing inline. They are clients of the public JSON API only (docs/SCREENS.md), so
every rule stays in one place. The pages carry a Content-Security-Policy of `'self'` without
`'unsafe-inline'`; the JSON API keeps sending no CORS headers.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, send_from_directory

SCREENS = Path(__file__).parent / "static" / "screens"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# What the browser may fetch from the folder, and as what.
TYPES = {
    ".js": "text/javascript",  # Flask adds "; charset=utf-8" to text types
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".html": "text/html",
    ".webmanifest": "application/manifest+json",
}

bp = Blueprint("screens", __name__)


@bp.after_request
def _own_origin_only(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-cache")
    return response


def _file(name: str, max_age: int | None = None) -> Response:
    suffix = Path(name).suffix
    if suffix not in TYPES or "/" in name or name.startswith("."):
        abort(404)
    response = send_from_directory(SCREENS, name, mimetype=TYPES[suffix], max_age=max_age)
    return response


@bp.get("/")
def phone() -> Response:
    """The employee's phone page (sign in, clock, breaks, tasks, hours, offline queue)."""
    return _file("phone.html")


@bp.get("/console")
def console() -> Response:
    """The supervisors' and payroll's console."""
    return _file("console.html")


@bp.get("/sw.js")
def service_worker() -> Response:
    """The service worker, from the root so that its scope is the phone page."""
    return _file("sw.js")


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    return _file("manifest.webmanifest")


@bp.get("/screens/<name>")
def asset(name: str) -> Response:
    """The modules, style sheet and icon (revalidated on each load: they are small)."""
    return _file(name)


def init_screens(app: Flask) -> None:
    app.register_blueprint(bp)
