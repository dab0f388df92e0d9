"""A real `flask worker` process for the kill tests, on the test run's database and Redis.

    python tests/jobs/worker_process.py <config.json> [queues]

`config.json` holds the app config overrides of the test run (database URL, Redis,
EXPORT_DIR...) plus two test hooks read from the environment of this process only:

- `FIELDCLOCK_HANG_FLAG`: while this file exists, a work horse that is about to move an export
  file into place (`os.replace`) writes its pid to `FIELDCLOCK_HANG_PIDFILE` and sleeps, so
  the test can SIGKILL it at that exact point: temporary file written, nothing committed.

Everything else is the production command: `flask worker --queues <queues> --no-periodic`
(RQ's forking Worker with its scheduler, inside the app context); the queues are `exports`
unless given.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

real_replace = os.replace


def hanging_replace(src: str, dst: str) -> None:
    flag = os.environ.get("FIELDCLOCK_HANG_FLAG")
    if flag and Path(flag).exists() and str(dst).endswith((".csv", ".xlsx", ".iif")):
        Path(os.environ["FIELDCLOCK_HANG_PIDFILE"]).write_text(str(os.getpid()))
        while True:
            time.sleep(1)
    real_replace(src, dst)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    config = json.loads(Path(sys.argv[1]).read_text())
    os.replace = hanging_replace  # type: ignore[assignment]

    from flask.cli import FlaskGroup

    from app import create_app

    cli = FlaskGroup(create_app=lambda: create_app(config))
    queues = sys.argv[2] if len(sys.argv) > 2 else "exports"
    cli.main(args=["worker", "--queues", queues, "--no-periodic"], prog_name="flask")


if __name__ == "__main__":
    main()
