"""Noisy-neighbour benchmark (issue 19): one organization hammers geofence edits and offline
sync batches while another organization's employees clock in and out; what is measured is the
quiet organization's latency.

Run from the repository root (PostgreSQL on 127.0.0.1:5432, user postgres, trust;
`redis-server` on the PATH), under the machine's bench lock::

    flock /tmp/bench.lock python bench/faults/noisy_neighbour.py [--seconds 60]

Setup (bench/load/stack.py): a throw-away database and a private Redis, gunicorn on the real
`wsgi:app` (`--api-workers` sync workers) with the production settings and the default rate
limits (only the per-address ones raised: every client here is 127.0.0.1), one RQ worker; the
seeded organization is the quiet one (`--quiet` employees). The noisy organization registers
through the API (anyone can), its owner creates `--noisy-users` employees and as many fences of
`--vertices` positions as the default storage cap lets it (two of 9,999).

For `--seconds`, all at once:
- fence loops (`--fence-loops`): PATCH a fence with a slightly moved boundary, then
  POST /geofences/check (the request after an edit is where a process rebuilds fences);
- sync loops: each noisy user sends 500-punch batches back to back, `--sync-parallel` at a time;
- quiet loops: each quiet employee GET /clock/status, POST /clock/in, GET /clock/status,
  POST /clock/out, then waits `--pause` s.

Printed: count, outcomes and p50/p95/p99/max per endpoint and organization. Exit status 1 when
the quiet organization's p99 is at or above `--p99-ms` (200), or any answer was a 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))

from client import Recorder, TransportError, percentile, request
from stack import PASSWORD, SITE, PrivateRedis, revision, running_system

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def polygon(vertices: int, shift: float) -> dict[str, Any]:
    """A star-shaped ring of `vertices` positions (closing one included), ~300 m across."""
    n = vertices - 1
    ring = [
        [
            SITE["lon"]
            + 0.01
            + shift
            + 0.002 * (1 + 0.2 * (i % 2)) * math.cos(2 * math.pi * i / n),
            SITE["lat"] + 0.002 * (1 + 0.2 * (i % 2)) * math.sin(2 * math.pi * i / n),
        ]
        for i in range(n)
    ]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def punches(count: int) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(hours=70)
    return [
        {
            "client_id": str(uuid.uuid4()),
            "type": "in" if i % 2 == 0 else "out",
            "lat": SITE["lat"],
            "lon": SITE["lon"],
            "accuracy_m": 10.0,
            "occurred_at": (start + timedelta(seconds=240 * i)).isoformat(),
        }
        for i in range(count)
    ]


class Bench:
    def __init__(self, port: int, args: argparse.Namespace, recorder: Recorder) -> None:
        self.port, self.args, self.recorder = port, args, recorder
        self.deadline = 0.0

    async def call(self, label: str, method: str, path: str, body: Any = None,
                   token: str | None = None) -> Any:  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        started = time.monotonic()
        try:
            answer = await request(self.port, method, "/api/v1" + path, body, headers, 120.0)
        except TransportError as exc:
            self.recorder.add(label, started, exc.kind)
            return None
        self.recorder.add(label, started, str(answer.status))
        return answer

    async def login(self, email: str) -> str:
        answer = await self.call(
            "setup", "POST", "/auth/login", {"email": email, "password": PASSWORD}
        )
        assert answer is not None and answer.status == 200, answer and answer.body[:300]
        return str(answer.json()["access_token"])

    async def noisy_setup(self) -> tuple[str, list[str], list[str]]:
        owner = f"noisy-{uuid.uuid4().hex[:8]}@load.fieldclock.test"
        answer = await self.call("setup", "POST", "/auth/register", {
            "organization": {"name": "Noisy Ltd", "timezone": "UTC"},
            "owner": {"email": owner, "password": PASSWORD, "first_name": "N", "last_name": "O"},
        })  # fmt: skip
        assert answer is not None and answer.status == 201, answer and answer.body[:300]
        token = str(answer.json()["access_token"])
        users = []
        for n in range(self.args.noisy_users):
            email = f"noisy-{n}-{uuid.uuid4().hex[:6]}@load.fieldclock.test"
            made = await self.call("setup", "POST", "/employees", {
                "email": email, "password": PASSWORD, "first_name": "N", "last_name": f"U{n}",
                "employee_number": f"N{n}", "hourly_rate": "20.00", "currency": "EUR",
            }, token)  # fmt: skip
            assert made is not None and made.status == 201, made and made.body[:300]
            users.append(await self.login(email))
        fences = []
        for n in range(20):  # until the cap says no
            made = await self.call("setup", "POST", "/geofences", {
                "name": f"Huge {n}", "geometry": polygon(self.args.vertices, 0.01 * n),
                "policy": "flag",
            }, token)  # fmt: skip
            if made is None or made.status != 201:
                refused = made.json().get("error") if made is not None else "no answer"
                print(f"noisy fence {n + 1} refused: {refused}")
                break
            fences.append(str(made.json()["id"]))
        return token, users, fences

    async def fence_loop(self, token: str, fence_id: str) -> None:
        n = 0
        while time.monotonic() < self.deadline:
            n += 1
            await self.call(
                "noisy PATCH /geofences/{id}",
                "PATCH",
                f"/geofences/{fence_id}",
                {"geometry": polygon(self.args.vertices, 0.0001 * (n % 7))},
                token,
            )
            await self.call(
                "noisy POST /geofences/check",
                "POST",
                "/geofences/check",
                {**SITE, "accuracy_m": 10.0},
                token,
            )

    async def sync_loop(self, token: str) -> None:
        while time.monotonic() < self.deadline:
            answer = await self.call(
                "noisy POST /clock/sync (500)",
                "POST",
                "/clock/sync",
                {"punches": punches(500)},
                token,
            )
            if answer is not None and answer.status == 429:
                await asyncio.sleep(min(float(answer.headers.get("retry-after", "1")), 5.0))

    async def quiet_loop(self, token: str) -> None:
        here = {**SITE, "accuracy_m": 10.0}
        while time.monotonic() < self.deadline:
            await self.call("quiet GET /clock/status", "GET", "/clock/status", None, token)
            await self.call("quiet POST /clock/in", "POST", "/clock/in", here, token)
            await self.call("quiet GET /clock/status", "GET", "/clock/status", None, token)
            await self.call("quiet POST /clock/out", "POST", "/clock/out", here, token)
            await asyncio.sleep(self.args.pause)

    async def run(self, quiet_emails: list[str]) -> None:
        token, users, fences = await self.noisy_setup()
        quiet = [await self.login(email) for email in quiet_emails]
        print(f"noisy: {len(users)} users, {len(fences)} fences of {self.args.vertices} positions;"
              f" quiet: {len(quiet)} employees; {self.args.seconds:.0f} s of load")  # fmt: skip
        self.deadline = time.monotonic() + self.args.seconds
        loops = [self.quiet_loop(t) for t in quiet]
        loops += [self.fence_loop(token, fences[i % len(fences)])
                  for i in range(self.args.fence_loops) if fences]  # fmt: skip
        loops += [self.sync_loop(u) for u in users for _ in range(self.args.sync_parallel)]
        await asyncio.gather(*loops)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--quiet", type=int, default=10, help="quiet employees clocking")
    parser.add_argument("--pause", type=float, default=0.5)
    parser.add_argument("--noisy-users", type=int, default=2)
    parser.add_argument("--sync-parallel", type=int, default=3, help="batches per noisy user")
    parser.add_argument("--fence-loops", type=int, default=2)
    parser.add_argument("--vertices", type=int, default=9_999)
    parser.add_argument("--api-workers", type=int, default=4)
    parser.add_argument("--p99-ms", type=float, default=200.0)
    args = parser.parse_args()
    print(
        f"Fieldclock {revision()}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    recorder = Recorder()
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    redis_server = PrivateRedis(workdir)
    redis_server.start()
    try:
        with running_system(ADMIN_URL, redis_server.url, args.quiet, 50, args.api_workers,
                            1) as system:  # fmt: skip
            bench = Bench(system.api.port, args, recorder)
            asyncio.run(bench.run([p.email for p in system.seeded.employees]))
    finally:
        redis_server.stop()
    quiet_latencies: list[float] = []
    server_errors = 0
    print("\nendpoint                                 count  outcomes                 "
          "p50 ms   p95 ms   p99 ms   max ms")  # fmt: skip
    for label, stats in sorted(recorder.stats.items()):
        values = sorted(stats.latencies_ms)
        if label.startswith("quiet"):
            quiet_latencies += values
        server_errors += sum(v for k, v in stats.outcomes.items() if k.startswith("5"))
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(stats.outcomes.items()))
        print(
            f"{label:40} {len(values):6}  {outcomes:22} "
            + " ".join(f"{percentile(values, q):8.1f}" for q in (0.5, 0.95, 0.99))
            + f" {max(values or [0]):8.1f}"
        )
    quiet_latencies.sort()
    p99 = percentile(quiet_latencies, 0.99)
    print(f"\nquiet organization, every request: p50 {percentile(quiet_latencies, 0.5):.1f} ms, "
          f"p99 {p99:.1f} ms, max {max(quiet_latencies or [0]):.1f} ms "
          f"({len(quiet_latencies)} requests); 5xx answers: {server_errors}")  # fmt: skip
    return 0 if p99 < args.p99_ms and server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
