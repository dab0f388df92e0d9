"""Instruments for bench/clock_throughput.py: load generators, CPU accounting, profile grouping.

- ``run_wrk``: a closed loop with wrk (``bench/wrk_post.lua``), for the maximum throughput;
- ``run_open_loop``: requests at a fixed rate from asyncio, each on its own connection, with
  latency measured from the scheduled send time (wrk has no rate control);
- ``CpuMeter``: CPU seconds per phase of the gunicorn workers, the PostgreSQL backends of the
  bench database, the load generator and everything else, read from /proc;
- ``profile_clock_in``: py-spy samples of the workers, grouped by request stage and library.

Linux only (/proc); every loop is bounded in requests and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import time
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

HOST = "127.0.0.1"
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_post.lua"
OPEN_LOOP_TIMEOUT_S = 10.0  # a request slower than this counts as a failure, not a latency
OPEN_LOOP_MAX_IN_FLIGHT = 2_000  # beyond this the server is drowning; stop sending
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- CPU accounting


def _proc_cpu_s(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)": state is field 3, utime 14
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _children(ppid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == ppid:
                    found.append(int(entry.name))
    return found


def _machine_busy_s() -> float:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK  # minus idle and iowait


@dataclass
class CpuUse:
    """CPU seconds spent during one phase, by who spent them."""

    app: float = 0.0  # gunicorn workers
    db: float = 0.0  # PostgreSQL backends serving the bench database
    client: float = 0.0  # wrk, or this process for the open-loop generator
    others: float = 0.0  # everything else on the machine (other jobs, PG background, kernel)
    wall: float = 0.0


@dataclass
class Snapshot:
    """Cumulative CPU seconds at one instant."""

    app: dict[int, float]  # per gunicorn worker
    db: dict[int, float]  # per PostgreSQL backend of the bench database
    client: float
    machine: float
    wall: float


class CpuMeter:
    """Snapshots of per-process CPU time from /proc, so each phase can be charged to its owners."""

    def __init__(self, master_pid: int, database_url: str) -> None:
        self.master_pid = master_pid
        self.engine = sa.create_engine(
            database_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )

    def _backends(self) -> list[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            return [int(r[0]) for r in rows]

    def snapshot(self) -> Snapshot:
        own = resource.getrusage(resource.RUSAGE_SELF)
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has exited
        return Snapshot(
            app={p: _proc_cpu_s(p) for p in _children(self.master_pid)},
            db={p: _proc_cpu_s(p) for p in self._backends()},
            client=own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime,
            machine=_machine_busy_s(),
            wall=time.monotonic(),
        )

    @staticmethod
    def between(before: Snapshot, after: Snapshot) -> CpuUse:
        def spent(start: dict[int, float], end: dict[int, float]) -> float:
            # A process born during the phase started from zero.
            return sum(max(0.0, cpu - start.get(pid, 0.0)) for pid, cpu in end.items())

        use = CpuUse(
            spent(before.app, after.app), spent(before.db, after.db), after.client - before.client
        )
        ours = use.app + use.db + use.client
        use.others = max(0.0, after.machine - before.machine - ours)
        use.wall = after.wall - before.wall
        return use


# --------------------------------------------------------------------------- load


@dataclass
class Result:
    """One phase: successful requests, their rate, latency percentiles, failures, CPU."""

    name: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    failures: int
    note: str = ""
    cpu: CpuUse = field(default_factory=CpuUse)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    name: str,
    port: int,
    path: str,
    body_file: Path,
    tokens_file: Path | None,
    args: argparse.Namespace,
    seconds: int,
) -> Result:
    """Closed loop: ``--connections`` connections, each sends as soon as its answer arrives."""
    command = [
        "wrk",
        "-t", str(args.wrk_threads),
        "-c", str(args.connections),
        "-d", f"{seconds}s",
        "--timeout", "10s",
        "-s", str(WRK_SCRIPT),
        f"http://{HOST}:{port}{path}",
        "--", str(body_file),
    ]  # fmt: skip
    if tokens_file is not None:
        command += [str(tokens_file), str(args.wrk_threads)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    note = ""
    if data["exhausted"]:
        note = f"token pool exhausted ({data['exhausted']} requests reused a token): raise --pool"
    return Result(
        name,
        data["requests"] - data["non_2xx"],
        data["duration_us"] / 1e6,
        data["p50_us"] / 1e3,
        data["p99_us"] / 1e3,
        data["max_us"] / 1e3,
        data["non_2xx"] + errors,
        note,
    )


def raw_request(port: int, path: str, body: bytes, token: str | None) -> bytes:
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",  # a connection per request: no client-side queue to hide in
    ]
    if token is not None:
        head.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _open_loop(
    port: int, requests: list[bytes], rate: float
) -> tuple[list[float], int, float, int]:
    """Send ``requests[i]`` at ``start + i / rate`` whether or not earlier ones have answered.

    Latency runs from the scheduled instant, so a late send (client or server behind) counts
    against the server instead of disappearing (no coordinated omission).
    """
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    failures = in_flight = skipped = 0
    worst_lag = 0.0

    async def one(request: bytes, scheduled: float) -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(request)
            await writer.drain()
            answer = await reader.read()  # the server closes after its answer
        finally:
            writer.close()
        status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.") else 0
        if 200 <= status < 300:
            latencies.append(loop.time() - scheduled)
        else:
            failures += 1

    async def bounded(request: bytes, scheduled: float) -> None:
        nonlocal failures, in_flight
        try:
            await asyncio.wait_for(one(request, scheduled), OPEN_LOOP_TIMEOUT_S)
        except (TimeoutError, OSError, ValueError, IndexError):
            failures += 1
        finally:
            in_flight -= 1

    tasks = []
    start = loop.time() + 0.05
    for i, request in enumerate(requests):
        scheduled = start + i / rate
        if (delay := scheduled - loop.time()) > 0:
            await asyncio.sleep(delay)
        worst_lag = max(worst_lag, loop.time() - scheduled)
        if in_flight >= OPEN_LOOP_MAX_IN_FLIGHT:
            skipped += 1
            continue
        in_flight += 1
        tasks.append(asyncio.create_task(bounded(request, scheduled)))
    await asyncio.gather(*tasks)
    return latencies, failures + skipped, worst_lag, skipped


def percentile(ascending: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not ascending:
        return math.nan
    return ascending[max(1, math.ceil(q / 100 * len(ascending))) - 1]


def run_open_loop(
    name: str,
    port: int,
    path: str,
    body: bytes,
    tokens: list[str] | None,
    rate: float,
    seconds: float,
) -> Result:
    count = max(1, int(rate * seconds))
    if tokens is not None and len(tokens) < count:
        raise RuntimeError(
            f"{name}: {count} requests need as many tokens; the pool has {len(tokens)}"
        )
    requests = [raw_request(port, path, body, tokens[i] if tokens else None) for i in range(count)]
    latencies, failures, lag, skipped = asyncio.run(_open_loop(port, requests, rate))
    latencies.sort()
    note = f"{count:,} requests scheduled at {rate:,.0f}/s; worst send lag {lag * 1e3:.1f} ms"
    if skipped:
        note += f"; {skipped} not sent (over {OPEN_LOOP_MAX_IN_FLIGHT} in flight)"
    return Result(
        name,
        len(latencies),
        count / rate,  # the offered rate is the point of this phase, not the achieved one
        percentile(latencies, 50) * 1e3,
        percentile(latencies, 99) * 1e3,
        (latencies[-1] if latencies else math.nan) * 1e3,
        failures,
        note,
    )


# --------------------------------------------------------------------------- profile

# Request stages, each marked by a frame; a sample goes to the deepest marker on its stack.
STAGES = [
    ("auth: JWT, session row, user row", "verify_jwt_in_request ("),
    ("body parsing (webargs, marshmallow)", "Parser.parse ("),
    ("employee row (+ its fences, selectin)", "employee_of (app/services/time_tracking/clock.py"),
    ("punch context: one SELECT", "_context (app/services/time_tracking/clock.py"),
    ("geofence check (version, fence cache)", "check (app/services/time_tracking/geofencing.py"),
    ("geofence decision (pure library)", "(geofences/"),
    ("rules and flags (screen)", "screen (app/services/time_tracking/punches.py"),
    ("flush: time_entries INSERT", "Session._flush ("),
    ("audit_logs INSERT (after_flush)", "_after_flush (app/services/audit.py"),
    ("clock_events INSERT", "_log (app/services/time_tracking/clock.py"),
    ("rest of the punch", "punch (app/services/time_tracking/clock.py"),
    ("COMMIT", "Session.commit ("),
    ("response (marshmallow)", "Schema.dump ("),
]
LIBRARIES = [
    "sqlalchemy", "psycopg", "marshmallow", "flask_smorest", "webargs", "flask_jwt_extended",
    "jwt", "werkzeug", "flask", "gunicorn", "geofences", "shapely", "pyproj", "app",
]  # fmt: skip


def profile_clock_in(
    py_spy: str,
    master_pid: int,
    port: int,
    path: str,
    body_file: Path,
    tokens: Path,
    args: argparse.Namespace,
    out: Path,
) -> tuple[Counter[str], Counter[str], int]:
    """CPU samples of the workers under saturated clock-ins at ``path``, by stage and library.

    ``--gil`` keeps only samples of a thread holding the GIL, so time blocked on PostgreSQL
    (psycopg releases the GIL while it waits) is not mistaken for work.
    """
    seconds = max(2, round(args.duration / 2))
    spy = subprocess.Popen(
        [py_spy, "record", "--pid", str(master_pid), "--subprocesses", "--gil", "--nolineno",
         "--format", "raw", "--rate", "250", "--duration", str(seconds + 1), "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.5)  # let py-spy attach to every worker before the load starts
        run_wrk("profiled", port, path, body_file, tokens, args, seconds)
        spy.wait(timeout=seconds + 30)
    finally:
        if spy.poll() is None:
            spy.kill()
    stages: Counter[str] = Counter()
    libraries: Counter[str] = Counter()
    total = 0
    for line in out.read_text().splitlines() if out.exists() else []:
        stack, _, count_text = line.rpartition(" ")
        frames, count = stack.split(";"), int(count_text)
        if not any("(gunicorn/workers/" in f for f in frames):
            continue  # the arbiter
        total += count
        stage, library = "gunicorn, Flask, werkzeug (HTTP, routing)", "other"
        for frame in frames:
            stage = next((name for name, mark in STAGES if mark in frame), stage)
            source = frame.rpartition("(")[2]
            library = next((lib for lib in LIBRARIES if source.startswith(lib + "/")), library)
        stages[stage] += count
        libraries[library] += count
    return stages, libraries, total


def combine(name: str, parts: list[Result]) -> Result:
    """Slots of one endpoint as one result: summed counts, worst percentiles of the slots."""
    cpu = CpuUse(
        *(sum(getattr(p.cpu, f) for p in parts) for f in ("app", "db", "client", "others", "wall"))
    )
    notes = "; ".join(p.note for p in parts if p.note)
    return Result(
        name,
        sum(p.requests for p in parts),
        sum(p.seconds for p in parts),
        max(p.p50_ms for p in parts),
        max(p.p99_ms for p in parts),
        max(p.max_ms for p in parts),
        sum(p.failures for p in parts),
        notes,
        cpu,
    )
