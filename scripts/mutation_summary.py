"""Per-library mutation scores from mutmut's stored results (`make mutation`, docs/MUTATION.md).

Reads ``mutmut results --all true`` (run from the checkout that holds ``mutants/``) and prints,
per library, the mutants, how many were not run (skipped, or the run was stopped), how many were
killed, which survived, and the score over the mutants run that are not listed as equivalent in
docs/MUTATION.md. A timeout counts as killed (the mutant
made the tests hang, which a test run notices); "no tests" counts as survived (no test reaches
that code).

    python scripts/mutation_summary.py [--survivors] [--docs docs/MUTATION.md]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

LIBRARIES = ("overtime", "payroll_exports", "geofences")
KILLED = {"killed", "timeout", "caught by type check", "segfault"}
# An equivalent mutant is listed in the docs as a table row starting with its name in backticks.
EQUIVALENT_ROW = re.compile(r"^\|\s*`([\w.]+__mutmut_\d+)`", re.MULTILINE)


def read_results(mutmut: str) -> dict[str, str]:
    out = subprocess.run(
        [mutmut, "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    results = {}
    for line in out.splitlines():
        name, sep, status = line.strip().partition(": ")
        if sep and "__mutmut_" in name:
            results[name] = status
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=Path("docs/MUTATION.md"))
    parser.add_argument("--mutmut", default=str(Path(sys.executable).with_name("mutmut")))
    parser.add_argument("--survivors", action="store_true", help="list every surviving mutant")
    args = parser.parse_args()

    results = read_results(args.mutmut)
    equivalent = set(EQUIVALENT_ROW.findall(args.docs.read_text())) if args.docs.exists() else set()
    by_library: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(results.items()):
        library = name.split(".", 1)[0]
        counts = by_library[library]
        counts["mutants"] += 1
        if status in ("skipped", "not checked"):
            counts["not run"] += 1  # skipped, or the run was stopped before reaching it
        elif status in KILLED:
            counts["killed"] += 1
        elif name in equivalent:
            counts["equivalent"] += 1
        else:
            counts["survived"] += 1
            survivors[library].append(f"{name}: {status}")
        if name in equivalent and status in KILLED:
            print(f"note: {name} is listed as equivalent but was killed", file=sys.stderr)

    print("| library | mutants | not run | killed | equivalent | survived | score |")
    print("|---|---|---|---|---|---|---|")
    for library in LIBRARIES:
        c = by_library.get(library)
        if not c:
            continue
        judged = c["killed"] + c["survived"]
        score = 100 * c["killed"] / judged if judged else 100.0
        print(
            f"| `{library}/` | {c['mutants']:,} | {c['not run']:,} | {c['killed']:,} | "
            f"{c['equivalent']} | "
            f"{c['survived']} | {score:.1f}% |"
        )
    if args.survivors:
        for library in LIBRARIES:
            for line in survivors.get(library, []):
                print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
