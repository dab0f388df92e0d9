"""Benchmark: geofence decisions per second, one fence and 10,000 indexed, vs raw shapely.

Run from the repository root::

    python bench/geofence_decisions.py [--fixes 20000] [--fences 10000] [--seed 7]

For each scenario the same fixes go through ``geofences`` (a full decision: validation,
geodesic distance in metres, the API.md rule) and through raw ``shapely.contains_xy`` on the
same lon/lat polygons (a bare in/out answer in degrees, no distance), measured in the same run,
best of three. Targets: one decision under 50 µs; under 200 µs with 10,000 fences indexed.
Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geofences import Fence, FenceIndex, decide

GEOD = Geod(ellps="WGS84")
CITY = (52.52, 13.405)  # lat, lon: Berlin
ACCURACY_M = 15.0


def offset(lat: float, lon: float, azimuth: float, distance_m: float) -> tuple[float, float]:
    out_lon, out_lat, _ = GEOD.fwd(lon, lat, azimuth, distance_m)
    return float(out_lat), float(out_lon)


def site_polygon(rng: random.Random, lat: float, lon: float, radius_m: float) -> dict[str, object]:
    """A star-shaped site outline with 6-14 corners (simple by construction)."""
    count = rng.randint(6, 14)
    ring = []
    for i in range(count):
        corner_lat, corner_lon = offset(
            lat, lon, (i + rng.uniform(0.0, 0.8)) * 360.0 / count, radius_m * rng.uniform(0.5, 1.0)
        )
        ring.append([corner_lon, corner_lat])
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def fixes_around(
    rng: random.Random, lat: float, lon: float, count: int, reach_m: float
) -> list[tuple[float, float]]:
    """Fixes from on the site to ``reach_m`` away, denser near the centre like real punches."""
    return [
        offset(lat, lon, rng.uniform(0.0, 360.0), reach_m * rng.random() ** 2) for _ in range(count)
    ]


def shares(results: list[str]) -> str:
    return ", ".join(
        f"{results.count(r) / len(results):.0%} {r}" for r in sorted(set(map(str, results)))
    )


def best_of_three(run: Callable[[], object], count: int) -> float:
    """Seconds per call, the best of three timed passes over ``count`` calls."""
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best / count


def report(name: str, seconds: float, baseline: float | None = None) -> None:
    ratio = f"   {seconds / baseline:6.1f}x raw" if baseline else ""
    print(f"  {name:<58} {1.0 / seconds:>12,.0f}/s {seconds * 1e6:>9.2f} µs{ratio}")


def one_fence(rng: random.Random, fix_count: int) -> float:
    fence = Fence(site_polygon(rng, *CITY, 250.0), fence_id="site")
    fixes = fixes_around(rng, *CITY, fix_count, 1_500.0)
    polygon = fence.geometry  # the same lon/lat polygon, already prepared
    results = [str(decide(fence, lat, lon, ACCURACY_M).result) for lat, lon in fixes]

    def run_decide() -> None:
        for lat, lon in fixes:
            decide(fence, lat, lon, ACCURACY_M)

    def run_contains() -> None:
        for lat, lon in fixes:
            shapely.contains_xy(polygon, lon, lat)

    lats = np.array([lat for lat, _ in fixes])
    lons = np.array([lon for _, lon in fixes])
    print(f"\nOne fence ({len(fixes):,} fixes: {shares(results)})")
    raw = best_of_three(run_contains, len(fixes))
    ours = best_of_three(run_decide, len(fixes))
    report("raw shapely.contains_xy(prepared polygon, lon, lat)", raw)
    report("geofences.decide(fence, lat, lon, accuracy_m)", ours, raw)
    raw_vec = best_of_three(lambda: shapely.contains_xy(polygon, lons, lats), len(fixes))
    ours_vec = best_of_three(lambda: fence.distances_m(lats, lons), len(fixes))
    report("raw shapely.contains_xy, vectorised over all fixes", raw_vec)
    report("Fence.distances_m, vectorised over all fixes", ours_vec, raw_vec)
    return ours


def many_fences(rng: random.Random, fence_count: int, fix_count: int) -> float:
    start = time.perf_counter()
    fences = []
    for i in range(fence_count):
        # Sites scattered over a ~60 km x 60 km metro area, a third of them circles.
        lat, lon = offset(*CITY, rng.uniform(0.0, 360.0), 30_000.0 * math.sqrt(rng.random()))
        radius_m = rng.uniform(40.0, 400.0)
        if i % 3 == 0:
            fences.append(
                Fence({"type": "Point", "coordinates": [lon, lat]}, radius_m, fence_id=f"c{i}")
            )
        else:
            fences.append(Fence(site_polygon(rng, lat, lon, radius_m), fence_id=f"p{i}"))
    built = time.perf_counter()
    index = FenceIndex(fences)
    indexed = time.perf_counter()
    fixes = []
    for _ in range(fix_count):
        # Most punches happen on or near a site; some between sites.
        site = fences[rng.randrange(fence_count)]
        fixes.extend(fixes_around(rng, site.centroid.lat, site.centroid.lon, 1, 1_000.0))
    polygons = np.array([fence.geometry for fence in fences])
    shapely.prepare(polygons)
    tree = shapely.STRtree(polygons)
    results = []
    for lat, lon in fixes:
        decision = index.decide(lat, lon, ACCURACY_M)
        assert decision is not None
        results.append(str(decision.result))

    def run_index() -> None:
        for lat, lon in fixes:
            index.decide(lat, lon, ACCURACY_M)

    def run_contains_all() -> None:
        for lat, lon in fixes:
            shapely.contains_xy(polygons, lon, lat)

    def run_tree_contains() -> None:
        for lat, lon in fixes:
            tree.query(shapely.Point(lon, lat), predicate="intersects")

    print(
        f"\n{fence_count:,} fences ({fence_count / (built - start):,.0f} fences/s to build, "
        f"index in {(indexed - built) * 1e3:.0f} ms; {len(fixes):,} fixes: {shares(results)})"
    )
    few = fixes[: max(1, len(fixes) // 20)]  # brute force is slow: time it on fewer fixes

    def run_contains_few() -> None:
        for lat, lon in few:
            shapely.contains_xy(polygons, lon, lat)

    raw_all = best_of_three(run_contains_few, len(few))
    raw_tree = best_of_three(run_tree_contains, len(fixes))
    ours = best_of_three(run_index, len(fixes))
    report(f"raw shapely.contains_xy over all {fence_count:,} polygons", raw_all)
    report("raw STRtree.query(point, predicate='intersects')", raw_tree)
    report("FenceIndex.decide(lat, lon, accuracy_m) (nearest + rule)", ours, raw_tree)
    print(f"  ({raw_all / ours:.1f}x faster than contains_xy over every polygon)")
    return ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixes", type=int, default=20_000)
    parser.add_argument("--fences", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    single = one_fence(rng, args.fixes)
    indexed = many_fences(rng, args.fences, args.fixes // 4)
    print("\nTargets")
    for name, seconds, target in (
        ("one decision", single, 50e-6),
        (f"with {args.fences:,} fences indexed", indexed, 200e-6),
    ):
        verdict = "ok" if seconds < target else "MISSED"
        print(f"  {name:<30} {seconds * 1e6:8.2f} µs  (target < {target * 1e6:.0f} µs)  {verdict}")


if __name__ == "__main__":
    main()
