"""Fieldclock's Flask application factory."""

from __future__ import annotations

import itertools
import time
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, request
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app.blueprints import discover_blueprints
from app.blueprints.common import each_on_its_own_property, upload_of
from app.config import load_config
from app.errors import envelope, register_error_handlers
from app.extensions import api, db, jwt, migrate
from app.openapi import ErrorSchema

JSON_METHODS = frozenset({"POST", "PUT", "PATCH"})


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    import sqlite3

    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy own BEGIN so SAVEPOINT and rollback behave (pysqlite's own handling does not).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BUSY_TIMEOUT_MS = 30_000  # how long SQLite waits for a lock before answering BUSY (then 503)
# SQLite's own wait for a lock sleeps up to 100 ms between looks once it has waited a little,
# so writers queued behind one another slept while the lock was free: 5 req/s at 10 users.
# A writer waiting for the write lock looks again after these many seconds, then every 5 ms.
WRITE_LOCK_POLL = (0.001, 0.002, 0.005)


def _sqlite_begin(conn: sa.Connection) -> None:
    """Start SQLite transactions as writers where they may write.

    A deferred transaction that reads and then writes must upgrade its lock, and SQLite refuses
    the upgrade with BUSY at once (its busy timeout cannot help: waiting could deadlock), which
    the API would answer with 503. `BEGIN IMMEDIATE` takes the write lock first, so writers
    queue on the busy timeout instead. Read-only requests stay deferred: in WAL mode they read
    a snapshot beside the writer and never wait. Jobs and write requests are immediate; other
    callers (the CLI, tests) keep the deferred default, so a session left open there does not
    hold the write lock.
    """
    if conn.dialect.name != "sqlite":
        return
    if _may_write():
        _begin_immediate(conn)
    else:
        conn.exec_driver_sql("BEGIN")


def _begin_immediate(conn: sa.Connection) -> None:
    """`BEGIN IMMEDIATE`, waiting for the write lock up to the busy timeout by looking often."""
    import sqlite3

    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    conn.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        for attempt in itertools.count():
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except sa.exc.OperationalError as exc:
                busy = getattr(exc.orig, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
                if not busy or time.monotonic() > deadline:
                    raise
            time.sleep(WRITE_LOCK_POLL[min(attempt, len(WRITE_LOCK_POLL) - 1)])
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _may_write() -> bool:
    from flask import has_request_context
    from rq import get_current_job

    if has_request_context():
        return request.method not in READ_ONLY_METHODS
    return get_current_job() is not None


def _install_sqlite_hooks() -> None:
    if not event.contains(sa.engine.Engine, "connect", _sqlite_pragmas):
        event.listen(sa.engine.Engine, "connect", _sqlite_pragmas)
        event.listen(sa.engine.Engine, "begin", _sqlite_begin)


def _require_json_body() -> Any:
    """A body over MAX_CONTENT_LENGTH is a 413 even where the view never reads it (Flask only
    checks when the body is read); a body that is not JSON is a 415, not a confusing 422.
    A file-upload view (`accepts_upload`) takes its own media types and body size instead."""
    if request.method not in JSON_METHODS or not request.content_length:
        return None
    upload = upload_of(current_app.view_functions.get(request.endpoint or ""))
    if upload is not None:
        request.max_content_length = upload.max_bytes
    limit = request.max_content_length
    if limit is not None and request.content_length > limit:
        return envelope(413, "PAYLOAD_TOO_LARGE", f"The body is larger than {limit} bytes.")
    if upload is not None and request.mimetype not in upload.media_types:
        wanted = " or ".join(upload.media_types)
        return envelope(415, "UNSUPPORTED_MEDIA_TYPE", f"Send the file as {wanted}.")
    if upload is None and not request.is_json:
        return envelope(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
    return None


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config` overrides the environment (tests use it)."""
    from app.cli import register_commands
    from app.docs_ui import init_docs_ui
    from app.rate_limits import init_rate_limits
    from app.screens import init_screens
    from app.security import init_security
    from app.services import approvals, audit, outbox

    app = Flask(__name__, static_folder=None)
    app.config.update(load_config(config))
    app.config["API_SPEC_OPTIONS"] = {
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            }
        },
        "security": [{"bearerAuth": []}],
        # Paths carry their /api/v1 prefix: the server is wherever the document was served.
        "servers": [{"url": "/", "description": "This server"}],
        "info": {
            "description": "Field time tracking: punches, approvals, overtime, payroll. "
            "Start with the user guide: [/guide/](/guide/)."
        },
        "externalDocs": {"description": "User guide", "url": "/guide/"},
    }
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if app.config.get("PROXY_FIX_HOPS"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(app.config["PROXY_FIX_HOPS"]))  # type: ignore[method-assign]

    _install_sqlite_hooks()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    jwt.init_app(app)
    api.ERROR_SCHEMA = ErrorSchema
    api.init_app(app)
    api.ma_plugin.converter.add_attribute_function(each_on_its_own_property)
    for blp in discover_blueprints():
        api.register_blueprint(blp)

    audit.install(sa.orm.Session)
    approvals.install(sa.orm.Session)
    outbox.install(sa.orm.Session)
    init_security(app)
    init_rate_limits(app)
    init_docs_ui(app)
    init_screens(app)
    app.before_request(_require_json_body)
    register_error_handlers(app)
    register_commands(app)
    return app
