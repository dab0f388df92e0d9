"""A small asyncio HTTP/1.1 client for the load generator, and the per-endpoint record of it.

gunicorn's sync workers close the connection after every response, so each request opens its
own connection and sends `Connection: close`; the answer is read to EOF (Content-Length or
chunked). No third-party client is needed for that, and the standard library's asyncio
streams cost the generator little CPU next to the server's.

`Recorder` keeps, per endpoint label ("POST /clock/in"), every attempt's latency and outcome
(the status code, or `conn-error` / `timeout` when no answer came), so the report can give
throughput, p50/p95/p99 and error counts by status.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

HOST = "127.0.0.1"


class TransportError(Exception):
    """No HTTP answer: connection refused or reset, or the time limit passed."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "conn-error" | "timeout"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def replayed(self) -> bool:
        return self.headers.get("idempotent-replayed") == "true"


def _parse(raw: bytes) -> Answer:
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body, pos = bytearray(), 0
        while True:
            end = rest.index(b"\r\n", pos)
            size = int(rest[pos:end].split(b";")[0], 16)
            if size == 0:
                break
            body += rest[end + 2 : end + 2 + size]
            pos = end + 2 + size + 2
        return Answer(status, headers, bytes(body))
    length = headers.get("content-length")
    return Answer(status, headers, rest[: int(length)] if length is not None else rest)


async def request(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> Answer:
    """One request on its own connection; TransportError when no complete answer came."""
    payload = b"" if body is None else json.dumps(body).encode()
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}", "Connection: close"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    data = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(data)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()

    try:
        raw = await asyncio.wait_for(exchange(), timeout)
    except TimeoutError as exc:
        raise TransportError("timeout", f"no answer within {timeout:.0f} s") from exc
    except OSError as exc:
        raise TransportError("conn-error", f"{type(exc).__name__}: {exc}") from exc
    if not raw:
        raise TransportError("conn-error", "connection closed without an answer")
    try:
        return _parse(raw)
    except (ValueError, IndexError) as exc:
        raise TransportError("conn-error", f"unparsable answer {raw[:80]!r}") from exc


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class EndpointStats:
    latencies_ms: list[float] = field(default_factory=list)  # answered attempts only
    outcomes: Counter[str] = field(default_factory=Counter)  # "201", "503", "conn-error"...


class Recorder:
    """Every attempt of every request, by endpoint label, with the time window they span."""

    def __init__(self) -> None:
        self.stats: dict[str, EndpointStats] = defaultdict(EndpointStats)
        self.first = math.inf
        self.last = 0.0
        self.timeline: list[tuple[float, str, str]] = []  # (monotonic, label, outcome)

    def add(self, label: str, started: float, outcome: str) -> None:
        ended = time.monotonic()
        stats = self.stats[label]
        stats.outcomes[outcome] += 1
        if outcome.isdigit():
            stats.latencies_ms.append((ended - started) * 1e3)
        self.first, self.last = min(self.first, started), max(self.last, ended)
        self.timeline.append((ended, label, outcome))

    def outcomes(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for stats in self.stats.values():
            total.update(stats.outcomes)
        return total

    def report(self, out: Any = None) -> None:
        wall = max(1e-9, self.last - self.first)
        print(
            f"  {'endpoint':<36} {'requests':>8} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8}  outcomes",
            file=out,
        )
        total = 0
        for label in sorted(self.stats):
            stats = self.stats[label]
            values = sorted(stats.latencies_ms)
            count = sum(stats.outcomes.values())
            total += count
            outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(stats.outcomes.items()))
            print(
                f"  {label:<36} {count:>8} {count / wall:>7.1f} {percentile(values, 0.5):>8.1f} "
                f"{percentile(values, 0.95):>8.1f} {percentile(values, 0.99):>8.1f} "
                f"{(values[-1] if values else 0):>8.1f}  {outcomes}",
                file=out,
            )
        print(f"  {'all':<36} {total:>8} {total / wall:>7.1f}   over {wall:.1f} s", file=out)
