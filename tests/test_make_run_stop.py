"""`make run`'s processes stop together on one Ctrl-C: the API, the worker and the embedded Redis.

The real supervisor (`python -m app.devserver`, what `make run` starts) runs in a session of its
own on a fresh instance folder with the embedded backends, the way a terminal runs it; the test
sends SIGINT to its process group (what Ctrl-C does) and then checks that every process it had
started (gunicorn's master and workers, the RQ worker and its scheduler, redis-server) is gone,
that the worker took the warm shutdown and that nothing printed a traceback.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
START_SECONDS = 240  # generous: a loaded 2-core machine imports the app in 5-15 s per process


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(condition, what: str, timeout: float = START_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.5)


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def test_one_ctrl_c_stops_api_worker_and_embedded_redis(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["FIELDCLOCK_INSTANCE_DIR"] = str(tmp_path)
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run(
        [flask, "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "app.devserver", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives a foreground job
    )
    output: list[str] = []
    reader = threading.Thread(
        target=lambda: output.extend(line.decode(errors="replace") for line in supervisor.stdout),
        daemon=True,
    )
    reader.start()
    try:
        _wait_for(lambda: _answers(port), "the API")
        _wait_for(lambda: any("Listening on" in line for line in output), "the worker")
        [redis_pid] = [
            int(m.group(1)) for line in output if (m := re.search(r"redis-server pid (\d+)", line))
        ]
        started = psutil.Process(supervisor.pid).children(recursive=True)
        started.append(psutil.Process(redis_pid))
        # Whole command lines: with setproctitle installed (mutmut brings it) gunicorn renames
        # its processes to one string, "gunicorn: master [wsgi:app]".
        names = sorted({" ".join(p.cmdline()) for p in started if p.pid != redis_pid})
        assert any("gunicorn" in name for name in names), names
        assert any("flask --app" in name for name in names), names
        assert len(started) >= 5  # gunicorn master + worker, RQ worker + scheduler, redis
        # gunicorn's control socket lives in the instance folder, not in ~/.gunicorn
        assert (tmp_path / "gunicorn.ctl").exists()

        os.killpg(supervisor.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground group
        assert supervisor.wait(timeout=180) == 0
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
    reader.join(timeout=10)
    _gone, alive = psutil.wait_procs(started, timeout=15)
    assert [p.pid for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
    text = "".join(output)
    assert "warm shut down requested" in text
    assert "cold shut down" not in text
    assert "Traceback" not in text
    assert text.rstrip().endswith("[make run] stopped")
    assert "embedded Redis stopped" in text
