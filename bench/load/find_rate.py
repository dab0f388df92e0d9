"""The largest arrival rate the shift change holds: clock-in p99 under 100 ms, no error
answers, every invariant (issue 13, item 2). Runs `shift_change.py` once per rate, each on a
fresh database, from the lowest rate up, and stops at the first that fails::

    flock /tmp/bench.lock python bench/load/find_rate.py [--window 30] [--rates 5 10 20 40]

Each run's whole report is printed; the summary at the end gives every rate tried as
employees per second and per 5-minute window, and the largest that held.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICT = re.compile(r"^Arrival rate .*: (PASS|FAIL)$", re.M)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=30.0, help="arrival window, seconds")
    parser.add_argument("--rates", type=float, nargs="+", default=[5, 10, 20, 40, 60])
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="passed on to shift_change.py")
    args = parser.parse_args()
    tried: list[tuple[float, str]] = []
    for rate in sorted(args.rates):
        employees = max(1, round(rate * args.window))
        command = [sys.executable, str(HERE / "shift_change.py"), "--employees", str(employees),
                   "--window", str(args.window), *args.extra]  # fmt: skip
        print(f"\n==== {rate:g} employees/s: {' '.join(command[1:])}", flush=True)
        run = subprocess.run(command, capture_output=True, text=True)
        print(run.stdout + run.stderr, flush=True)
        found = VERDICT.search(run.stdout)
        line = found.group(0) if found else f"no verdict (exit {run.returncode})"
        tried.append((rate, line))
        if not found or found.group(1) != "PASS":
            break
    print("\n==== Summary")
    for _rate, line in tried:
        print(f"  {line}")
    held = [rate for rate, line in tried if line.endswith("PASS")]
    if held:
        print(f"Largest rate that held: {max(held):g} employees/s = {max(held) * 300:,.0f} "
              "per 5-minute window")  # fmt: skip
    else:
        print("No rate held.")
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
