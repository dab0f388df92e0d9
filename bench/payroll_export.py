"""A payroll export of 10,000 employees against PostgreSQL's COPY ... TO STDOUT of the same
rows (issue 5, item 7).

    python bench/payroll_export.py [--employees 10000] [--history-weeks 0] [--format csv]
                                   [--history-status paid|approved] [--runs 3] [--keep-db]

A fresh database (see `workers_data.py`): one week of approved entries, 6 per employee. Then,
best of `--runs`, each on the same approved entries:

- **floor**: `COPY (SELECT <the entry columns the export reads> FROM time_entries WHERE <the
  period's approved entries>) TO STDOUT (FORMAT csv)`, every byte read by the client;
- **floor with the marking**: the same COPY, then `payroll_export_data.claim` (the audited
  UPDATE that marks those entries `exported`, which item 6 puts in the export's transaction),
  rolled back: the floor of any export that does what item 6 asks;
- **build**: what the export computes, rolled back: `payroll_export_data.gather` (which claims
  the period's approved entries with one UPDATE marking them `exported`: that UPDATE is the
  lock, so it is part of the build) and render (`payroll_exports.render_export`);
- **whole job**: `payroll_exports.run`: the build, plus the file written atomically (fsync),
  the export row, its audit row, the commit. The
  entries are put back to `approved` between runs (not timed).

Target: the export within 3x of COPY. Needs PostgreSQL on 127.0.0.1:5432 (user postgres).
With `--history-weeks 104 --history-status approved` (two years of approved history, issue 13
item 4), compare the whole job with a run without history: the target is 1.2x.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from workers_data import WEEK, bench_database, best_of, make_app, populate

COPY = """
COPY (
    SELECT id, employee_id, status, paid_started_at, paid_ended_at, duration_seconds,
           break_seconds, worked_seconds, flags, shift_id
    FROM time_entries
    WHERE organization_id = '{org}' AND deleted_at IS NULL AND status = 'approved'
      AND paid_started_at >= '{start}' AND paid_started_at < '{end}'
) TO STDOUT (FORMAT csv)
"""


def measure(
    employees: int, history_weeks: int, fmt: str, runs: int, keep: bool,
    history_status: str = "paid",
) -> dict[str, float]:  # fmt: skip
    from app.extensions import db
    from app.models import Organization, PayrollExport, TimeEntry
    from app.services.payroll import payroll_exports
    from app.services.payroll.payroll_export_data import claim, gather, period_bounds
    from payroll_exports import render_export

    with bench_database(keep) as url:
        app = make_app(url, tempfile.mkdtemp(prefix="fieldclock-bench-exports-"))
        with app.app_context():
            owner, entries = populate(employees, history_weeks, history_status)
            payroll_exports.put_payroll_settings(
                owner, {"adp_company_code": "BEN", "quickbooks_company_name": "Bench Builders"}
            )
            db.session.commit()
            org = db.session.get(Organization, owner.organization_id)
            assert org is not None
            start, end = period_bounds(org, WEEK, WEEK + timedelta(days=6))
            copy_sql = COPY.format(org=org.id, start=start.isoformat(), end=end.isoformat())

            def new_export() -> PayrollExport:
                export = PayrollExport(
                    id=uuid.uuid4(),
                    organization_id=org.id,
                    workspace_id=owner.workspace_id,
                    requested_by=owner.id,
                    format=fmt,
                    period_start=WEEK,
                    period_end=WEEK + timedelta(days=6),
                    job_id="bench",
                )
                db.session.add(export)
                db.session.commit()
                return export

            def copy_rows() -> int:
                raw = db.session.connection().connection.driver_connection
                size = 0
                with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]
                    for block in copy:
                        size += len(block)
                return size

            def floor() -> int:
                size = copy_rows()
                db.session.rollback()
                return size

            def floor_with_marking() -> int:
                export = new_export()
                copy_rows()
                marked = claim(export, start, end)
                db.session.rollback()
                return marked

            def build() -> int:
                export = new_export()
                data = gather(export)
                content = render_export(
                    fmt, payroll_exports.export_context(export), data.totals, data.details
                ).content
                db.session.rollback()
                return len(content)

            def whole_job() -> str:
                export = new_export()
                started = time.perf_counter()
                status = payroll_exports.run(export.id)
                elapsed = time.perf_counter() - started
                db.session.execute(
                    sa.update(TimeEntry)
                    .where(TimeEntry.organization_id == org.id, TimeEntry.status == "exported")
                    .values(status="approved", payroll_export_id=None)
                )
                db.session.commit()
                timings.append(elapsed)
                return status

            floor()  # warm the same caches for everyone
            floor_time, copied = best_of(runs, floor)
            marking_time, marked = best_of(runs, floor_with_marking)
            build_time, size = best_of(runs, build)
            timings: list[float] = []
            for _ in range(runs):
                assert whole_job() == "succeeded"
        return {
            "employees": employees,
            "entries": entries,
            "floor": floor_time,
            "copied": copied,
            "marking": marking_time,
            "marked": marked,
            "build": build_time,
            "size": size,
            "job": min(timings),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--format", default="csv")
    parser.add_argument("--history-weeks", type=int, default=0, help="earlier weeks, paid")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--history-status", default="paid", choices=["paid", "approved"])
    args = parser.parse_args()
    r = measure(
        args.employees, args.history_weeks, args.format, args.runs, args.keep_db,
        args.history_status,
    )  # fmt: skip
    print("| employees | entries | COPY (floor) | export build | ratio | whole job | ratio |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {r['employees']:,} | {r['entries']:,} | {r['floor'] * 1000:,.0f} ms "
        f"({r['copied'] / 1e6:.1f} MB) | {r['build'] * 1000:,.0f} ms ({args.format}, "
        f"{r['size'] / 1e3:,.0f} kB) | {r['build'] / r['floor']:.1f}x "
        f"| {r['job'] * 1000:,.0f} ms | {r['job'] / r['floor']:.1f}x |"
    )
    print(
        f"COPY then the audited UPDATE marking the {r['marked']:,} entries (item 6): "
        f"{r['marking'] * 1000:,.0f} ms; the whole job is {r['job'] / r['marking']:.1f}x that"
    )
    ratio = r["job"] / r["marking"]
    verdict = "pass" if ratio <= 1.5 else "FAIL"  # issue 13, item 3: the restated target
    print(f"{verdict}: whole job {ratio:.2f}x of COPY plus the marking UPDATE (target <= 1.5x)")


if __name__ == "__main__":
    main()
