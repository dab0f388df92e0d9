"""After the load: hold the database to what the clients were told.

- every accepted punch (a 2xx answer to a clock request, first or replayed) is in the
  database exactly once: one time entry per accepted clock-in (the id the phone was given),
  one break per accepted break start (ended when its end was accepted), the entry closed when
  its clock-out was accepted, and exactly one `accepted` clock event per accepted punch; a
  punch the client never got a 2xx for left no accepted event behind;
- decisions: the approved entries are exported by the export, the rejected ones are not;
- the export: `succeeded`, it carries exactly the period's approved entries, and its csv has
  one row per employee with hours equal to the entries' worked seconds;
- the background work finished: no outbox message pending or given up, no RQ job queued,
  started or failed.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import redis
import sqlalchemy as sa
from scenario import Outcome
from stack import Seeded

QUEUES = ("alerts", "default", "exports")


@dataclass
class Checks:
    failures: list[str] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)

    def expect(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)


def background_state(engine: sa.Engine, redis_url: str) -> dict[str, int]:
    """Outbox messages still pending or given up, and RQ jobs queued, started, failed."""
    with engine.connect() as conn:
        pending = conn.scalar(
            sa.text("SELECT count(*) FROM outbox_messages WHERE processed_at IS NULL")
        )
        given_up = conn.scalar(
            sa.text("SELECT count(*) FROM outbox_messages WHERE last_error IS NOT NULL")
        )
    state = {"outbox pending": int(pending or 0), "outbox given up": int(given_up or 0)}
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    try:
        from rq import Queue

        for name in QUEUES:
            queue = Queue(name, connection=client)
            state["rq queued"] = state.get("rq queued", 0) + queue.count
            state["rq started"] = state.get("rq started", 0) + queue.started_job_registry.count
            state["rq failed"] = state.get("rq failed", 0) + queue.failed_job_registry.count
    finally:
        client.close()
    return state


def wait_for_background(
    engine: sa.Engine, redis_url: str, timeout: float
) -> tuple[dict[str, int], float]:
    """Until nothing is pending, queued or running (or `timeout`): the last state, seconds."""
    started = time.monotonic()
    while True:
        try:
            state = background_state(engine, redis_url)
        except Exception as exc:  # a dependency still coming back
            state = {"unreadable": 1, "error": str(exc)[:80]}  # type: ignore[dict-item]
        settled = (
            "unreadable" not in state
            and state["outbox pending"] == 0
            and state["rq queued"] == 0
            and state["rq started"] == 0
        )
        if settled or time.monotonic() - started > timeout:
            return state, time.monotonic() - started
        time.sleep(1.0)


def check(
    engine: sa.Engine, seeded: Seeded, outcome: Outcome, background: dict[str, int]
) -> Checks:
    checks = Checks()
    _punches(engine, seeded, outcome, checks)
    _export(engine, seeded, outcome, checks)
    for name in ("outbox pending", "outbox given up", "rq queued", "rq started", "rq failed"):
        checks.counts[name] = background.get(name, "?")
        checks.expect(background.get(name) == 0, f"background: {name} = {background.get(name)}")
    return checks


def _punches(engine: sa.Engine, seeded: Seeded, outcome: Outcome, checks: Checks) -> None:
    org = seeded.organization_id
    ids = {p.employee_id: i for i, p in enumerate(seeded.employees)}
    accepted: dict[tuple[int, str], Any] = {}
    sent = Counter()
    for punch in outcome.punches:
        sent[punch.kind] += 1
        if isinstance(punch.status, int) and 200 <= punch.status < 300:
            checks.expect(
                (punch.employee, punch.kind) not in accepted,
                f"employee {punch.employee}: two accepted {punch.kind} punches in the ledger",
            )
            accepted[(punch.employee, punch.kind)] = punch
    with engine.connect() as conn:
        entries = conn.execute(
            sa.text(
                "SELECT id::text, employee_id::text, status, ended_at IS NOT NULL, "
                "payroll_export_id::text FROM time_entries "
                "WHERE organization_id = :org AND source = 'clock' AND deleted_at IS NULL"
            ),
            {"org": org},
        ).all()
        breaks = conn.execute(
            sa.text(
                "SELECT time_entry_id::text, ended_at IS NOT NULL FROM breaks "
                "WHERE organization_id = :org"
            ),
            {"org": org},
        ).all()
        events = conn.execute(
            sa.text(
                "SELECT employee_id::text, type, decision, coalesce(reason, ''), count(*) "
                "FROM clock_events WHERE organization_id = :org GROUP BY 1, 2, 3, 4"
            ),
            {"org": org},
        ).all()
    by_employee: dict[int, list[Any]] = defaultdict(list)
    for row in entries:
        by_employee[ids.get(row[1], -1)].append(row)
    breaks_of: dict[str, list[bool]] = defaultdict(list)
    for entry_id, ended in breaks:
        breaks_of[entry_id].append(bool(ended))
    accepted_events: Counter[tuple[int, str]] = Counter()
    other_events: Counter[str] = Counter()
    for employee_id, kind, decision, reason, count in events:
        if decision == "accepted":
            accepted_events[(ids.get(employee_id, -1), kind)] += count
        else:
            other_events[f"{decision} {reason}".strip()] += count
    for index in range(len(seeded.employees)):
        rows = by_employee.get(index, [])
        clock_in = accepted.get((index, "in"))
        if clock_in is None:
            checks.expect(not rows, f"employee {index}: {len(rows)} entries without a 2xx clock-in")
            continue
        checks.expect(len(rows) == 1, f"employee {index}: {len(rows)} entries for one clock-in")
        if not rows:
            continue
        entry = rows[0]
        for kind in ("in", "break_start", "break_end", "out"):
            if (punch := accepted.get((index, kind))) is not None:
                checks.expect(
                    punch.entry_id == entry[0],
                    f"employee {index} {kind}: answered entry {punch.entry_id}, stored {entry[0]}",
                )
        starts = accepted.get((index, "break_start")) is not None
        ends = accepted.get((index, "break_end")) is not None
        kept = breaks_of.get(entry[0], [])
        checks.expect(
            len(kept) == (1 if starts else 0),
            f"employee {index}: {len(kept)} breaks for {int(starts)} accepted break starts",
        )
        if ends and kept:
            checks.expect(kept[0], f"employee {index}: break end accepted, break still open")
        closed = accepted.get((index, "out")) is not None
        checks.expect(
            entry[3] == closed and (entry[2] != "open") == closed,
            f"employee {index}: clock-out accepted={closed}, entry {entry[2]} ended={entry[3]}",
        )
    for index in range(len(seeded.employees)):
        for kind in ("in", "break_start", "break_end", "out"):
            want = 1 if (index, kind) in accepted else 0
            got = accepted_events.get((index, kind), 0)
            checks.expect(
                got == want, f"employee {index} {kind}: {got} accepted events, {want} 2xx"
            )
    unknown = {k: v for k, v in accepted_events.items() if k[0] == -1}
    checks.expect(not unknown, f"accepted events of unknown employees: {unknown}")
    checks.counts["punches sent"] = dict(sent)
    checks.counts["punches accepted (2xx)"] = len(accepted)
    checks.counts["punches answered by a replay"] = sum(1 for p in outcome.punches if p.replayed)
    checks.counts["time entries (clock)"] = len(entries)
    checks.counts["breaks"] = len(breaks)
    checks.counts["accepted clock events"] = sum(accepted_events.values())
    checks.counts["other clock events"] = dict(other_events)
    # Decisions, as stored.
    status = {row[0]: (row[2], row[4]) for row in entries}
    export_id = (outcome.export or {}).get("id")
    for entry_id in outcome.approved:
        got = status.get(entry_id)
        checks.expect(
            got is not None and got[0] == "exported" and got[1] == export_id,
            f"approved entry {entry_id}: stored {got}, export {export_id}",
        )
    for entry_id in outcome.rejected:
        got = status.get(entry_id)
        checks.expect(
            got is not None and got[0] == "rejected" and got[1] is None,
            f"rejected entry {entry_id}: stored {got}",
        )
    checks.counts["approved / rejected by managers"] = (
        f"{len(outcome.approved)} / {len(outcome.rejected)}"
    )
    if outcome.decision_errors:
        checks.counts["decision errors"] = dict(outcome.decision_errors)


def _export(engine: sa.Engine, seeded: Seeded, outcome: Outcome, checks: Checks) -> None:
    export = outcome.export
    if export is None:
        checks.failures.append("no export was made")
        return
    checks.expect(export.get("status") == "succeeded", f"export status {export.get('status')}")
    checks.counts["export"] = (
        f"{export.get('status')}, {export.get('row_count')} employees, "
        f"{export.get('entry_count')} entries, excluded {export.get('excluded')}, "
        f"attempts {export.get('attempts')}"
    )
    org = seeded.organization_id
    with engine.connect() as conn:
        marked = conn.execute(
            sa.text(
                "SELECT e.employee_number, count(*), sum(t.worked_seconds) "
                "FROM time_entries t JOIN employees e ON e.id = t.employee_id "
                "WHERE t.payroll_export_id = :export AND t.status = 'exported' GROUP BY 1"
            ),
            {"export": export["id"]},
        ).all()
        left = conn.scalar(
            sa.text(
                "SELECT count(*) FROM time_entries WHERE organization_id = :org "
                "AND status = 'approved' AND deleted_at IS NULL"
            ),
            {"org": org},
        )
    total = sum(row[1] for row in marked)
    checks.expect(
        total == export.get("entry_count"),
        f"export says {export.get('entry_count')} entries, {total} are marked with it",
    )
    checks.expect(not left, f"{left} approved entries were left out of the export")
    excluded = (export.get("excluded") or {}).get("unapproved", 0)
    checks.expect(
        excluded >= len(outcome.rejected),
        f"export excluded {excluded} unapproved entries, managers rejected {len(outcome.rejected)}",
    )
    if outcome.export_file is None:
        checks.failures.append("the export file was not downloaded")
        return
    rows = list(csv.DictReader(io.StringIO(outcome.export_file.decode("utf-8-sig"))))
    in_file = {row["employee_number"]: row for row in rows}
    checks.expect(len(rows) == len(in_file), "an employee has two rows in the export file")
    checks.expect(
        set(in_file) == {row[0] for row in marked},
        f"file rows {len(in_file)} vs employees with exported entries {len(marked)}",
    )
    off = 0
    for number, _count, worked in marked:
        row = in_file.get(number)
        if row is None:
            continue
        hours = sum(
            Decimal(row[k]) for k in ("regular_hours", "overtime_hours", "double_time_hours")
        )
        if abs(hours - Decimal(int(worked)) / 3600) > Decimal("0.02"):
            off += 1
    checks.expect(off == 0, f"{off} employees' hours in the file differ from their entries")
    checks.counts["export file"] = f"{len(rows)} rows, {len(outcome.export_file):,} bytes"
