"""Generated 200-customer VRPTW instances in the Solomon text format, for comparing the planner's
Solomon mode with PyVRP alone on instances neither has been tuned on (bench/planner_solomon.py
--compare).

Usage: python bench/solomon_generate.py [--out bench/data] [--customers 200]
Writes G1C-200, G2C-200, G1R-200, G2R-200, G1RC-200, G2RC-200 (one seed each, repeatable):
clustered, random and mixed customers; type 1 with tight windows, a short horizon and small
vehicles (many routes), type 2 with wide windows, a long horizon and large vehicles (few long
routes), as in Solomon's and Gehring and Homberger's classes. Every customer can be served alone
from the depot, so each instance is feasible with its fleet.
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRID = 100  # coordinates 0..GRID, the depot in the middle
FLEET = 50
# Per class: capacity, horizon (the depot's closing time), service time, window widths.
CLASSES = {
    "1C": (200, 1236, 90, (60, 180)),
    "2C": (700, 3390, 90, (160, 640)),
    "1R": (200, 230, 10, (5, 30)),
    "2R": (1000, 1000, 10, (60, 500)),
    "1RC": (200, 240, 10, (5, 30)),
    "2RC": (1000, 960, 10, (60, 500)),
}


def _points(kind: str, n: int, rng: random.Random) -> list[tuple[int, int]]:
    """Customer coordinates: random, in clusters, or half and half."""
    clustered = {"C": n, "R": 0, "RC": n // 2}[kind]
    centres = [(rng.uniform(10, GRID - 10), rng.uniform(10, GRID - 10)) for _ in range(n // 20)]
    points = []
    for i in range(n):
        if i < clustered:
            cx, cy = rng.choice(centres)
            x, y = rng.gauss(cx, 4), rng.gauss(cy, 4)
        else:
            x, y = rng.uniform(0, GRID), rng.uniform(0, GRID)
        points.append((round(min(GRID, max(0, x))), round(min(GRID, max(0, y)))))
    return points


def instance(cls: str, n: int, seed: int) -> str:
    """One instance as Solomon text: every window fits a trip from the depot and back."""
    rng = random.Random(f"{cls}-{n}-{seed}")
    capacity, horizon, service, (narrow, wide) = CLASSES[cls]
    depot = (GRID // 2, GRID // 2)
    rows = [(0, *depot, 0, 0, horizon, 0)]
    for c, (x, y) in enumerate(_points(cls[1:], n, rng), start=1):
        reach = math.ceil(math.hypot(x - depot[0], y - depot[1]))
        latest = horizon - service - reach  # the last start that still gets back in time
        width = rng.randint(narrow, wide)
        centre = rng.randint(reach, latest)
        ready = max(reach, centre - width // 2)
        due = min(latest, ready + width)
        rows.append(
            (
                c,
                x,
                y,
                rng.randint(1, 5) * 10 if cls[0] == "2" else rng.randint(5, 40),
                ready,
                due,
                service,
            )
        )
    name = f"G{cls}-{n}"
    lines = [name, "", "VEHICLE", "NUMBER     CAPACITY", f"  {FLEET}        {capacity}", ""]
    lines += [
        "CUSTOMER",
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME",
        "",
    ]
    lines += ["".join(f"{v:>10d}" for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for cls in CLASSES:
        path = args.out / f"G{cls}-{args.customers}.txt"
        path.write_text(instance(cls, args.customers, args.seed))
        print(path)


if __name__ == "__main__":
    main()
