"""The shift change, as the phones, the managers and the payroll clerk play it (asyncio).

- every employee arrives at a random instant of the arrival window with the phone already
  signed in (a refresh token from an earlier day), refreshes it (`POST /auth/refresh`; with
  `sign_in="login"` logs in with the password instead), reads `GET /clock/status` and
  `GET /tasks?assigned_to=me`, clocks in (`POST /clock/in`), works, takes a break
  (`POST /clock/breaks/start`, `.../end`), works again, reads the status and clocks out
  (`POST /clock/out`); every punch carries an `Idempotency-Key` of its own;
- every manager logs in and, every few seconds until their reports are all done, reads
  `GET /approvals?status=pending` and decides it with `POST /approvals/time-entries`:
  approve, except every `reject_every`-th employee's entry, which is rejected with a reason;
- payroll logs in, waits for the managers, requests a csv export of the period
  (`POST /payroll-exports`, with an `Idempotency-Key`), follows it with
  `GET /payroll-exports/{id}` and `GET /jobs/{job_id}` until it has finished, and downloads
  `GET /payroll-exports/{id}/file`.

A request that gets no answer, or a 500/502/503/504, or 409 `IDEMPOTENCY_IN_PROGRESS`, is
sent again (same body, same key) with a capped backoff until `retry_for` seconds have passed:
what a phone app does. Every attempt is recorded (`client.Recorder`); the final answer of
every punch goes into the ledger that `verify.py` checks against the database.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from client import Answer, Recorder, TransportError, request
from stack import PASSWORD, SITE, Seeded

API = "/api/v1"
RETRY_STATUSES = frozenset({500, 502, 503, 504})
PUNCHES = ("in", "break_start", "break_end", "out")
PUNCH_PATHS = {
    "in": "/clock/in",
    "break_start": "/clock/breaks/start",
    "break_end": "/clock/breaks/end",
    "out": "/clock/out",
}


@dataclass
class Options:
    window: float = 30.0  # seconds over which the employees arrive
    work: tuple[float, float] = (8.0, 20.0)  # seconds worked before and after the break
    pause: tuple[float, float] = (2.0, 5.0)  # seconds of break
    approve_every: float = 5.0  # seconds between a manager's looks at the queue
    reject_every: int = 25  # every n-th employee's entry is rejected (0: none)
    timeout: float = 30.0  # seconds one attempt may take
    retry_for: float = 90.0  # seconds a request is retried before it is given up
    export_timeout: float = 120.0  # seconds payroll waits for the export
    export_lookback_days: int = 8  # the period: today minus this, to today
    sign_in: str = "refresh"  # how an employee's phone gets its access token: refresh | login
    seed: int = 6


@dataclass
class PunchResult:
    employee: int
    kind: str
    key: str
    status: int | str  # the final answer's status, or "gave-up"
    attempts: int
    replayed: bool = False
    entry_id: str | None = None
    break_id: str | None = None
    error: str | None = None


@dataclass
class Outcome:
    """What the clients saw; `verify.py` holds the database to it."""

    punches: list[PunchResult] = field(default_factory=list)
    approved: set[str] = field(default_factory=set)  # time entry ids approved (200, ok)
    rejected: set[str] = field(default_factory=set)
    decision_errors: Counter[str] = field(default_factory=Counter)
    export: dict[str, Any] | None = None
    export_job: dict[str, Any] | None = None
    export_file: bytes | None = None
    export_seconds: float | None = None
    problems: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    export_requested: asyncio.Event = field(default_factory=asyncio.Event)
    finished_at: float = 0.0


class ShiftChange:
    def __init__(self, port: int, seeded: Seeded, options: Options, recorder: Recorder) -> None:
        self.port, self.seeded, self.options, self.recorder = port, seeded, options, recorder
        self.outcome = Outcome()
        self.rng = random.Random(options.seed)
        self.run_tag = f"{self.rng.getrandbits(32):08x}"
        self.done = [asyncio.Event() for _ in seeded.employees]
        self.employee_index = {p.employee_id: i for i, p in enumerate(seeded.employees)}

    # ----------------------------------------------------------------------- one request

    async def call(
        self, label: str, method: str, path: str, body: Any = None, token: str | None = None,
        key: str | None = None,
    ) -> tuple[Answer | None, int]:  # fmt: skip
        """Send until a final answer (or `retry_for` runs out); the answer and the attempts."""
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        deadline = time.monotonic() + self.options.retry_for
        attempt = 0
        while True:
            attempt += 1
            started = time.monotonic()
            try:
                answer = await request(
                    self.port, method, API + path, body, headers, self.options.timeout
                )
            except TransportError as exc:
                self.recorder.add(label, started, exc.kind)
                answer = None
            else:
                self.recorder.add(label, started, str(answer.status))
                if not self._retryable(answer):
                    if attempt > 1:
                        self.outcome.counts["requests that needed a retry"] += 1
                    return answer, attempt
            if time.monotonic() > deadline:
                self.outcome.counts["requests given up"] += 1
                return answer, attempt
            self.outcome.counts["retries"] += 1
            await asyncio.sleep(min(0.25 * 2 ** min(attempt, 4), 3.0) * self.rng.uniform(0.5, 1))

    @staticmethod
    def _retryable(answer: Answer) -> bool:
        if answer.status in RETRY_STATUSES:
            return True
        if answer.status == 409:
            try:
                return bool(answer.json().get("error") == "IDEMPOTENCY_IN_PROGRESS")
            except (ValueError, AttributeError):
                return False
        return False

    def problem(self, what: str) -> None:
        if len(self.outcome.problems) < 200:
            self.outcome.problems.append(what)
        self.outcome.counts["problems"] += 1

    async def login(self, email: str) -> str | None:
        answer, _ = await self.call(
            "POST /auth/login", "POST", "/auth/login", {"email": email, "password": PASSWORD}
        )
        if answer is None or answer.status != 200:
            self.problem(f"login {email}: {answer.status if answer else 'no answer'}")
            return None
        return str(answer.json()["access_token"])

    async def refresh(self, refresh_token: str) -> str | None:
        """The phone's stored refresh token → an access token (and a rotated refresh token)."""
        answer, _ = await self.call(
            "POST /auth/refresh", "POST", "/auth/refresh", None, refresh_token
        )
        if answer is None or answer.status != 200:
            self.problem(f"refresh: {answer.status if answer else 'no answer'}")
            return None
        return str(answer.json()["access_token"])

    # ----------------------------------------------------------------------- employees

    async def employee(self, index: int, arrival: float, started: float) -> None:
        try:
            await asyncio.sleep(max(0.0, started + arrival - time.monotonic()))
            await self._employee(index)
        finally:
            self.done[index].set()

    async def _employee(self, index: int) -> None:
        person = self.seeded.employees[index]
        if self.options.sign_in == "login" or not person.refresh_token:
            token = await self.login(person.email)
        else:
            token = await self.refresh(person.refresh_token)
        if token is None:
            return
        await self.call("GET /clock/status", "GET", "/clock/status", token=token)
        await self.call("GET /tasks?assigned_to=me", "GET", "/tasks?assigned_to=me", token=token)
        rng = self.rng
        for kind, sleep_after in (
            ("in", rng.uniform(*self.options.work)),
            ("break_start", rng.uniform(*self.options.pause)),
            ("break_end", rng.uniform(*self.options.work)),
            ("out", 0.0),
        ):
            if kind == "out":
                await self.call("GET /clock/status", "GET", "/clock/status", token=token)
            if not await self.punch(index, kind, token):
                return
            await asyncio.sleep(sleep_after)

    async def punch(self, index: int, kind: str, token: str) -> bool:
        key = f"load-{self.run_tag}-{index}-{kind}"
        body = {
            "lat": SITE["lat"] + self.rng.uniform(-0.0003, 0.0003),
            "lon": SITE["lon"] + self.rng.uniform(-0.0003, 0.0003),
            "accuracy_m": 12.0,
            "device_id": f"phone-{index}",
        }
        path = PUNCH_PATHS[kind]
        answer, attempts = await self.call(f"POST {path}", "POST", path, body, token, key)
        result = PunchResult(index, kind, key, answer.status if answer else "gave-up", attempts)
        self.outcome.punches.append(result)
        if answer is None or answer.status not in (200, 201):
            result.error = _error_code(answer)
            self.problem(f"employee {index} {kind}: {result.status} {result.error or ''}")
            return False
        data = answer.json()
        result.replayed = answer.replayed
        result.entry_id = (data.get("time_entry") or {}).get("id")
        result.break_id = (data.get("break") or {}).get("id")
        return True

    # ----------------------------------------------------------------------- managers

    async def manager(self, number: int) -> None:
        token = await self.login(self.seeded.managers[number].email)
        reports = [i for i, p in enumerate(self.seeded.employees) if p.manager == number]
        if token is None:
            return
        while True:
            all_done = all(self.done[i].is_set() for i in reports)
            decided = await self._decide_queue(token)
            if all_done and decided == 0:
                return
            if decided == 0:
                await asyncio.sleep(self.options.approve_every)

    async def _decide_queue(self, token: str) -> int:
        """One look at the queue and its decisions; how many entries were decided."""
        answer, _ = await self.call(
            "GET /approvals?status=pending", "GET",
            "/approvals?status=pending&module=time_entries&page_size=500", token=token,
        )  # fmt: skip
        if answer is None or answer.status != 200:
            self.problem(f"approval queue: {answer.status if answer else 'no answer'}")
            await asyncio.sleep(self.options.approve_every)
            return 0
        approve, reject = [], []
        for item in answer.json():
            index = self.employee_index.get(item.get("subject_employee_id"), -1)
            every = self.options.reject_every
            (reject if every and index % every == every - 1 else approve).append(item["entity_id"])
        decided = 0
        for decision, ids in (("approve", approve), ("reject", reject)):
            if ids:
                decided += await self._decide(token, decision, ids)
        return decided

    async def _decide(self, token: str, decision: str, ids: list[str]) -> int:
        body: dict[str, Any] = {"ids": ids, "decision": decision}
        if decision == "reject":
            body["reason"] = "Clocked in at the wrong depot (load test)."
        answer, _ = await self.call(
            "POST /approvals/time-entries", "POST", "/approvals/time-entries", body, token
        )
        if answer is None or answer.status != 200:
            self.problem(f"{decision} {len(ids)}: {answer.status if answer else 'no answer'}")
            return 0
        target = self.outcome.approved if decision == "approve" else self.outcome.rejected
        for result in answer.json()["results"]:
            if result["ok"]:
                target.add(result["id"])
            else:
                self.outcome.decision_errors[result.get("error") or "?"] += 1
        return len(ids)

    # ----------------------------------------------------------------------- payroll

    async def payroll(self, managers: list[asyncio.Task[None]]) -> None:
        token = await self.login(self.seeded.payroll.email)
        await asyncio.gather(*managers, return_exceptions=True)
        if token is None:
            return
        today = self.seeded.today
        body = {
            "period_start": (today - timedelta(days=self.options.export_lookback_days)).isoformat(),
            "period_end": today.isoformat(),
            "format": "csv",
        }
        requested = time.monotonic()
        answer, _ = await self.call(
            "POST /payroll-exports", "POST", "/payroll-exports", body, token,
            f"load-{self.run_tag}-export",
        )  # fmt: skip
        if answer is None or answer.status != 202:
            self.problem(f"export request: {answer.status if answer else 'no answer'}")
            return
        export = answer.json()
        self.outcome.export = export
        self.outcome.export_requested.set()
        deadline = requested + self.options.export_timeout
        while export["status"] in ("queued", "running") and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            polled, _ = await self.call(
                "GET /payroll-exports/{id}", "GET", f"/payroll-exports/{export['id']}", token=token
            )
            if polled is not None and polled.status == 200:
                export = polled.json()
            job, _ = await self.call(
                "GET /jobs/{id}", "GET", f"/jobs/{export['job_id']}", token=token
            )
            if job is not None and job.status == 200:
                self.outcome.export_job = job.json()
        self.outcome.export = export
        self.outcome.export_seconds = time.monotonic() - requested
        if export["status"] != "succeeded":
            self.problem(f"export {export['id']} is {export['status']} after the wait")
            return
        file, _ = await self.call(
            "GET /payroll-exports/{id}/file", "GET", f"/payroll-exports/{export['id']}/file",
            token=token,
        )  # fmt: skip
        if file is None or file.status != 200:
            self.problem(f"export file: {file.status if file else 'no answer'}")
            return
        self.outcome.export_file = file.body

    # ----------------------------------------------------------------------- all of it

    async def run(self) -> Outcome:
        started = time.monotonic()
        arrivals = [self.rng.uniform(0, self.options.window) for _ in self.seeded.employees]
        people = [
            asyncio.create_task(self.employee(i, arrivals[i], started))
            for i in range(len(self.seeded.employees))
        ]
        managers = [asyncio.create_task(self.manager(n)) for n in range(len(self.seeded.managers))]
        clerk = asyncio.create_task(self.payroll(managers))
        for result in await asyncio.gather(*people, *managers, clerk, return_exceptions=True):
            if isinstance(result, BaseException):
                self.problem(f"client crashed: {type(result).__name__}: {result}")
        self.outcome.finished_at = time.monotonic()
        return self.outcome


def _error_code(answer: Answer | None) -> str | None:
    if answer is None:
        return None
    try:
        return str(answer.json().get("error"))
    except (ValueError, AttributeError):
        return None
