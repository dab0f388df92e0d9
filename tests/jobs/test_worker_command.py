"""`flask worker`: the RQ worker it builds runs RQ's maintenance every minute, not every ten.

bench/faults found that a worker SIGKILLed mid-export left its job `started` until some
worker's next maintenance (RQ's default: every 10 minutes), and that the scheduler process,
which dies with a Redis outage, was restarted only then too: the export stayed `running` and
the outbox relay did not run for up to 10 minutes after recovery (and an idle worker only
looks at maintenance between two blocking dequeues: 405 s by default).
"""

from __future__ import annotations

from typing import Any

import rq

from app.cli import WORKER_MAINTENANCE_INTERVAL


def test_the_worker_runs_maintenance_every_minute(app, monkeypatch):
    built: dict[str, Any] = {}

    class RecordingWorker:
        def __init__(self, queues: list[Any], **kwargs: Any) -> None:
            built["queues"] = [q.name for q in queues]
            built.update(kwargs)

        def work(self, **kwargs: Any) -> None:
            built["work"] = kwargs

    monkeypatch.setattr(rq, "Worker", RecordingWorker)
    result = app.test_cli_runner().invoke(args=["worker", "--burst", "--no-periodic"])

    assert result.exit_code == 0, result.output
    assert WORKER_MAINTENANCE_INTERVAL == 60
    assert built["maintenance_interval"] == 60
    assert built["worker_ttl"] == 75  # an idle worker wakes every 60 s for that maintenance
    assert built["queues"] == ["alerts", "default", "exports"]
    assert built["work"] == {"with_scheduler": True, "burst": True}
