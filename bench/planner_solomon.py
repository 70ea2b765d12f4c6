"""Benchmark: the planner engine on the 56 Solomon VRPTW instances against best-known results.

Usage: python bench/planner_solomon.py [--time-limit 10] [--instances C101,R101] [--data DIR]
Prints one line per instance and a table per family: share of instances at the best-known
vehicle count, share within one vehicle, and the mean distance gap where the count matches.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dispatch.planning import solomon  # noqa: E402


def default_data() -> Path:
    env = os.environ.get("SOLOMON_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "solomon"


def family(name: str) -> str:
    return name.rstrip("0123456789")[:3] + name.lstrip("CR").lstrip("C")[:1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--instances", default="")
    parser.add_argument("--data", type=Path, default=default_data())
    args = parser.parse_args()
    with open(args.data / "bks.csv") as handle:
        bks = {row["instance"]: row for row in csv.DictReader(handle)}
    names = args.instances.split(",") if args.instances else sorted(bks)
    results = []
    for name in names:
        instance = solomon.read(args.data / f"{name}.txt")
        routes, seconds = solomon.solve(instance, time_limit=args.time_limit)
        distance, violations = solomon.check(instance, routes)
        best_v, best_d = int(bks[name]["vehicles"]), float(bks[name]["distance"])
        gap = (distance - best_d) / best_d * 100
        results.append((name, len(routes), best_v, distance, best_d, gap, seconds, violations))
        print(
            f"{name:6s} vehicles {len(routes):3d} (best {best_v:3d})  distance {distance:9.2f}"
            f" (best {best_d:9.2f}, gap {gap:+6.2f}%)  {seconds:5.1f} s"
            f"  {'OK' if not violations else 'INVALID: ' + violations[0]}",
            flush=True,
        )
    print(f"\nSolomon at {args.time_limit:g} s per instance")
    print("family  n  at-best-vehicles  within+1  mean-gap-when-vehicles-match  mean-seconds")
    groups: dict[str, list] = {}
    for r in results:
        key = "RC" + r[0][2] if r[0].startswith("RC") else r[0][0] + r[0][1]
        groups.setdefault(key, []).append(r)
    groups["all"] = results
    for key in ["C1", "C2", "R1", "R2", "RC1", "RC2", "all"]:
        rows = groups.get(key, [])
        if not rows:
            continue
        at_best = sum(1 for r in rows if r[1] <= r[2])
        within = sum(1 for r in rows if r[1] <= r[2] + 1)
        gaps = [r[5] for r in rows if r[1] == r[2]]
        mean_gap = f"{statistics.mean(gaps):6.2f}%" if gaps else "   n/a"
        print(
            f"{key:5s} {len(rows):3d}  {at_best / len(rows):8.0%}  {within / len(rows):10.0%}"
            f"  {mean_gap:>14s}  {statistics.mean(r[6] for r in rows):12.1f}"
        )
    invalid = [r[0] for r in results if r[7]]
    print(f"invalid plans: {invalid or 'none'}")


if __name__ == "__main__":
    main()
