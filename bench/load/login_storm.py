"""Password logins at once: how many a second the API verifies (issue 13, item 2).

Every employee logs in with the password at the same moment (at most `--concurrency` in
flight), as after a forced sign-out of everyone; the shift change itself refreshes stored
tokens instead (`shift_change.py`). Run from the repository root::

    flock /tmp/bench.lock python bench/load/login_storm.py [--employees 400] [--concurrency 32]

Prints logins per second, latency percentiles and the argon2id parameters in use beside
OWASP's Password Storage Cheat Sheet minimum (argon2id, 19 MiB, 2 iterations, parallelism 1).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from argon2 import extract_parameters
from client import Recorder, TransportError, request
from shift_change import arguments, redis_for
from stack import PASSWORD, System, running_system

OWASP_MINIMUM = {"memory_kib": 19 * 1024, "time_cost": 2, "parallelism": 1}


async def storm(port: int, emails: list[str], concurrency: int, recorder: Recorder) -> int:
    gate = asyncio.Semaphore(concurrency)
    body = {"password": PASSWORD}

    async def one(email: str) -> bool:
        async with gate:
            started = time.monotonic()
            try:
                answer = await request(
                    port, "POST", "/api/v1/auth/login", {**body, "email": email}, {}, 60.0
                )
            except TransportError as exc:
                recorder.add("POST /auth/login", started, exc.kind)
                return False
            recorder.add("POST /auth/login", started, str(answer.status))
            return answer.status == 200

    results = await asyncio.gather(*(one(email) for email in emails))
    return sum(results)


def hashing(system: System) -> str:
    """The argon2id parameters the seeded hashes (made by the app's own hasher) carry."""
    engine = system.engine()
    try:
        with engine.connect() as conn:
            stored = conn.scalar(sa.text("SELECT password_hash FROM users LIMIT 1"))
    finally:
        engine.dispose()
    used = extract_parameters(stored)
    return (
        f"argon2id in use: {used.memory_cost // 1024} MiB, {used.time_cost} iterations, "
        f"parallelism {used.parallelism}; OWASP minimum: {OWASP_MINIMUM['memory_kib'] // 1024} "
        f"MiB, {OWASP_MINIMUM['time_cost']} iterations, parallelism {OWASP_MINIMUM['parallelism']}"
    )


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=32)
    parser.set_defaults(employees=400)
    args = parser.parse_args()
    with redis_for(args) as (redis_url, _server), running_system(
        args.admin_url, redis_url, args.employees, args.per_manager, args.api_workers,
        args.rq_workers, keep_db=args.keep_db,
    ) as system:  # fmt: skip
        emails = [person.email for person in system.seeded.employees]
        recorder = Recorder()
        started = time.monotonic()
        ok = asyncio.run(storm(system.api.port, emails, args.concurrency, recorder))
        wall = time.monotonic() - started
        print(hashing(system))
    recorder.report()
    print(
        f"\n{ok} of {len(emails)} logins succeeded in {wall:.1f} s: {ok / wall:.1f} logins/s "
        f"with {args.api_workers} gunicorn workers on {os.cpu_count()} CPUs"
    )
    return 0 if ok == len(emails) else 1


if __name__ == "__main__":
    sys.exit(main())
