"""Benchmark: a generated week (`generate.week`: 40 technicians x 1,200 visits over 7 days by
default) planned a week at a time. Prints the time to the first feasible plan (as the engine
hands it over, checked by the week's independent checker), the full run's objective (promised
kept, P1/P2/P3/P4 planned, overdue maintenance, travel hours) and the peak memory of the
process (resource.getrusage). Targets: first feasible plan within 10 s, memory under 2 GB.

Usage: python bench/planner_week.py [--size 40x1200] [--days 7] [--limit 30]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dispatch.planner import checker_week, generate, week  # noqa: E402


def _line(report: checker_week.WeekReport) -> str:
    p = report.planned
    return (
        f"kept {report.kept}, P1/P2/P3/P4 {p[1]}/{p[2]}/{p[3]}/{p[4]}, "
        f"overdue {report.overdue}, travel {report.travel_seconds / 3600:.1f} h, "
        f"valid {report.ok}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="40x1200")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--limit", type=float, default=30.0)
    args = parser.parse_args()
    technicians, visits = (int(x) for x in args.size.split("x"))
    scenario = generate.week(technicians, visits, days=args.days)
    vehicles = sum(len(d["technicians"]) for d in scenario["days"])
    print(f"week {technicians} x {visits}, {args.days} days, {vehicles} technician-days")

    firsts: list[tuple[float, dict]] = []
    started = time.monotonic()
    plan = week.solve_scenario(
        scenario,
        time_limit=args.limit,
        on_plan=lambda p: firsts.append((time.monotonic() - started, p)),
    )
    total = time.monotonic() - started
    first_at, first = firsts[0]
    print(f"first feasible plan: {first_at:.2f} s; {_line(checker_week.check(scenario, first))}")
    for at, better in firsts[1:]:
        print(f"  better at {at:.2f} s; {_line(checker_week.check(scenario, better))}")
    print(
        f"full run ({args.limit:.0f} s limit, {total:.2f} s): "
        f"{_line(checker_week.check(scenario, plan))}"
    )
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
