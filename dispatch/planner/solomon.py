"""Solomon VRPTW instances: read one, solve it, check it independently.

Used by the planner's benchmark (bench/planner_solomon.py) and `plan_scenario --solomon`. Travel
time equals Euclidean distance; the engines need integers, so distances are scaled by SCALE and
rounded up (a plan feasible in integers stays feasible with exact distances), and the reported
distance is recomputed unrounded from the routes.

Plain VRPTW (no skills, no breaks, every customer required) is where PyVRP's search is
strongest, so VROOM only gives a quick first plan (its shallowest search, VROOM_SHARE of the
budget); a fleet minimisation from that plan (FLEET_SHARE) keeps the feasible plan of the smallest
fleet it reaches, and PyVRP's search improves that plan for the rest. The shares were chosen by
measurement against PyVRP alone on generated 200-customer instances (docs/planner.md): VROOM's
deeper searches took a fifth of a 10-second budget for fleets PyVRP then reduced anyway.
"""

from __future__ import annotations

import datetime
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyvrp
import vroom
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import FirstFeasible, MaxRuntime, MultipleCriteria

SCALE = 1000
VEHICLE_FIXED_COST = 10**9  # dwarfs any distance: fewer vehicles first, then less distance
VROOM_SHARE, FLEET_SHARE = 0.05, 0.5
VROOM_LEVEL = 0  # of the budget; PyVRP's search has the rest
SEED = 1  # PyVRP is randomised: a fixed seed makes runs repeatable


@dataclass
class Instance:
    name: str
    vehicles: int
    capacity: int
    xy: np.ndarray  # (n+1, 2), row 0 the depot
    demand: list[int]
    ready: list[float]
    due: list[float]
    service: list[float]


def read(path: str | Path) -> Instance:
    """Parse the classic text format (name, VEHICLE block, CUSTOMER table)."""
    lines = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
    name = lines[0][0]
    vehicle_row = next(i for i, parts in enumerate(lines) if parts[0].upper() == "NUMBER")
    vehicles, capacity = int(lines[vehicle_row + 1][0]), int(lines[vehicle_row + 1][1])
    rows = [parts for parts in lines if parts[0].isdigit() and len(parts) == 7]
    table = np.array([[float(x) for x in parts] for parts in rows])
    return Instance(
        name,
        vehicles,
        capacity,
        table[:, 1:3],
        table[:, 3].astype(int).tolist(),
        table[:, 4].tolist(),
        table[:, 5].tolist(),
        table[:, 6].tolist(),
    )


def distances(instance: Instance) -> np.ndarray:
    diff = instance.xy[:, None, :] - instance.xy[None, :, :]
    return np.sqrt((diff**2).sum(axis=2))


def _solve_with_fleet(
    instance: Instance, scaled: np.ndarray, fleet: int, seconds: float, level: int = 5
) -> tuple[list[list[int]], int]:
    problem = vroom.Input()
    problem.set_durations_matrix("car", scaled)
    depot_open, depot_close = int(instance.ready[0] * SCALE), int(instance.due[0] * SCALE)
    for k in range(fleet):
        problem.add_vehicle(
            vroom.Vehicle(
                k + 1,
                start=0,
                end=0,
                capacity=[instance.capacity],
                time_window=vroom.TimeWindow(depot_open, depot_close),
                costs=vroom.VehicleCosts(fixed=VEHICLE_FIXED_COST),
            )
        )
    problem.add_job(
        [
            vroom.Job(
                c,
                location=c,
                default_service=round(instance.service[c] * SCALE),
                delivery=[instance.demand[c]],
                time_windows=[
                    vroom.TimeWindow(int(instance.ready[c] * SCALE), int(instance.due[c] * SCALE))
                ],
            )
            for c in range(1, len(instance.demand))
        ]
    )
    solution = problem.solve(
        exploration_level=level,
        nb_threads=2,
        timeout=datetime.timedelta(seconds=max(0.1, seconds)),
    ).to_dict()
    routes = [
        [step["id"] for step in route["steps"] if step["type"] == "job"]
        for route in solution.get("routes", [])
    ]
    return [r for r in routes if r], len(solution.get("unassigned", []))


def _vroom(
    instance: Instance, scaled: np.ndarray, time_limit: float, level: int = 5
) -> list[list[int]]:
    """VROOM usually finishes well inside its budget; the rest goes to fleet reduction: solve
    again with one vehicle fewer than the best plan so far, and keep it if it serves everyone."""
    started = time.monotonic()
    best, _ = _solve_with_fleet(instance, scaled, instance.vehicles, time_limit, level)
    while len(best) > 1:
        left = time_limit - (time.monotonic() - started)
        if left < 0.2:
            break
        fewer, unserved = _solve_with_fleet(instance, scaled, len(best) - 1, left, level)
        if unserved:
            break
        best = fewer
    return best


def _pyvrp_model(instance: Instance, scaled: np.ndarray, fleet: int) -> pyvrp.Model:
    model = pyvrp.Model()
    places = [model.add_location(float(x), float(y)) for x, y in instance.xy]
    opens, closes = int(instance.ready[0] * SCALE), int(instance.due[0] * SCALE)
    depot = model.add_depot(places[0], tw_early=opens, tw_late=closes)
    model.add_vehicle_type(
        num_available=fleet,
        capacity=instance.capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=opens,
        tw_late=closes,
    )
    for c in range(1, len(instance.demand)):
        model.add_client(
            places[c],
            delivery=instance.demand[c],
            service_duration=round(instance.service[c] * SCALE),
            tw_early=int(instance.ready[c] * SCALE),
            tw_late=int(instance.due[c] * SCALE),
        )
    rows = scaled.tolist()
    for i, frm in enumerate(places):
        for j, to in enumerate(places):
            if i != j:
                model.add_edge(frm, to, distance=rows[i][j], duration=rows[i][j])
    return model


def _customers(solution: pyvrp.Solution) -> list[list[int]]:
    """PyVRP numbers clients from 0; customer numbers start at 1 (0 is the depot)."""
    routes = [[a.idx + 1 for a in route.schedule() if a.is_client()] for route in solution.routes()]
    return [r for r in routes if r]


def _length(scaled: np.ndarray, routes: list[list[int]]) -> int:
    return sum(int(scaled[a, b]) for r in routes for a, b in zip([0, *r], [*r, 0], strict=True))


def _fewer(routes: list[list[int]]) -> list[list[int]]:
    """A start with one route fewer: the shortest route's customers appended to the next
    shortest (late for their windows, most likely; the search repairs it)."""
    ordered = sorted(routes, key=len)
    return [ordered[1] + ordered[0], *ordered[2:]]


def _minimise_fleet(
    instance: Instance, scaled: np.ndarray, routes: list[list[int]], seconds: float
) -> list[list[int]]:
    """PyVRP's fleet minimisation (one vehicle fewer at a time, each until a first feasible
    plan), but from a plan rather than the instance's fleet, keeping the feasible plan and not
    only its fleet size: the search that follows starts from it rather than from nothing. Each
    fleet is tried first from the last plan with two routes merged, for half the time left,
    then from nothing for the rest: which of the two gets there first varies from instance to
    instance, and a search stuck near the merged plan often is not from scratch."""
    deadline = time.monotonic() + seconds
    lower = math.ceil(sum(instance.demand) / instance.capacity)
    best = routes
    while len(best) > max(1, lower):
        model = _pyvrp_model(instance, scaled, len(best) - 1)
        merged = pyvrp.Solution(model.data(), [[c - 1 for c in r] for r in _fewer(best)])
        found = None
        for start, share in ((merged, 0.5), (None, 1.0)):
            left = (deadline - time.monotonic()) * share
            if left < 0.05:
                break
            result = model.solve(
                stop=MultipleCriteria([FirstFeasible(), MaxRuntime(left)]),
                seed=SEED,
                display=False,
                collect_stats=False,
                initial_solution=start,
            )
            if result.is_feasible():
                found = _customers(result.best)
                break
        if found is None:
            break
        best = found
    return best


def solve(instance: Instance, *, time_limit: float) -> tuple[list[list[int]], float]:
    """Routes as lists of customer numbers, and the seconds spent: fewer vehicles first, then
    less distance, using the whole budget."""
    started = time.monotonic()
    scaled = np.ceil(distances(instance) * SCALE).astype(np.int64)
    best = _vroom(instance, scaled, time_limit * VROOM_SHARE, VROOM_LEVEL)

    def left() -> float:
        return time_limit - (time.monotonic() - started)

    with warnings.catch_warnings():
        # Trying fleets too small to be feasible is the point here, not a fault.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        best = _minimise_fleet(instance, scaled, best, max(0.05, time_limit * FLEET_SHARE))
        search = left()
        if search > 0.05:
            model = _pyvrp_model(instance, scaled, len(best))
            result = model.solve(
                stop=MaxRuntime(search),
                seed=SEED,
                display=False,
                collect_stats=False,
                initial_solution=pyvrp.Solution(model.data(), [[c - 1 for c in r] for r in best]),
            )
            polished = _customers(result.best)
            complete = sum(map(len, best)) == len(instance.demand) - 1
            if result.is_feasible() and (
                not complete
                or (len(polished), _length(scaled, polished)) <= (len(best), _length(scaled, best))
            ):
                best = polished
    return best, time.monotonic() - started


def check(instance: Instance, routes: list[list[int]]) -> tuple[float, list[str]]:
    """Total Euclidean distance (unrounded) and the rules a plan breaks."""
    violations: list[str] = []
    seen: dict[int, int] = {}
    total = 0.0
    xy = instance.xy.tolist()

    def dist(a: int, b: int) -> float:
        return math.hypot(xy[a][0] - xy[b][0], xy[a][1] - xy[b][1])

    for n, route in enumerate(routes):
        load = sum(instance.demand[c] for c in route)
        if load > instance.capacity:
            violations.append(f"route {n} carries {load} > capacity {instance.capacity}")
        clock, here = instance.ready[0], 0
        for c in route:
            seen[c] = seen.get(c, 0) + 1
            total += dist(here, c)
            clock = max(clock + dist(here, c), instance.ready[c])
            if clock > instance.due[c] + 1e-6:
                violations.append(f"customer {c} served at {clock:.2f} after {instance.due[c]}")
            clock += instance.service[c]
            here = c
        total += dist(here, 0)
        if clock + dist(here, 0) > instance.due[0] + 1e-6:
            violations.append(f"route {n} returns after the depot closes")
    if len(routes) > instance.vehicles:
        violations.append(f"{len(routes)} routes but only {instance.vehicles} vehicles")
    for c in range(1, len(instance.demand)):
        if seen.get(c, 0) != 1:
            violations.append(f"customer {c} served {seen.get(c, 0)} times")
    return total, violations
