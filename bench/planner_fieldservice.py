"""Benchmark: our planner against pyvroom, OR-Tools and PyVRP run directly, on generated days.

For each size (technicians x visits) and time limit, the plans are checked by the independent
checker and compared by the objective: more P1, then P2, P3, P4, then less travel. PyVRP cannot
express breaks, so its plans are invalid where a technician with a break works (shown with the
count of violations); `--no-breaks` drops the breaks for a comparison on equal terms.
Also prints the time to a first feasible plan and peak memory for 100 x 1,000.

Usage: python bench/planner_fieldservice.py [--sizes 10x60,40x300,100x1000] [--limits 5,10,30]
                                            [--no-breaks]

With `--seeds N` it runs N generated days per size instead of one, each of a different mix
(generate.mix: breaks, skill breadth, window widths, the share of urgent visits), and for each
size and limit counts ours against the best valid plan of pyvroom and OR-Tools run directly on
that day: a win, a tie or a loss by the objective (P1, P2, P3, P4 planned, then less travel),
then names each loss. The issue's run is `--seeds 20 --sizes 10x60,25x260,40x300,100x1000
--limits 5,10,30`: some hours on two quiet cores.
"""

from __future__ import annotations

import argparse
import datetime
import resource
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyvrp  # noqa: E402
import vroom  # noqa: E402
from ortools.constraint_solver import pywrapcp, routing_enums_pb2  # noqa: E402
from pyvrp.exceptions import PenaltyBoundWarning  # noqa: E402

from dispatch.planner import checker, generate  # noqa: E402
from dispatch.planner.engine import solve_scenario  # noqa: E402
from dispatch.planner.scenario import clock, parse  # noqa: E402
from dispatch.travel import StraightLineTravel  # noqa: E402


def _matrix(s):
    points = [t.start for t in s.technicians] + [t.end for t in s.technicians]
    points += [v.location for v in s.visits]
    return StraightLineTravel(s.speed_kmh, s.road_factor).matrix(points)


def vroom_direct(data: dict, limit: float) -> dict:
    """pyvroom as a user would call it: linear priorities, skills, windows, breaks."""
    s = parse(data)
    n = len(s.technicians)
    skill_ids: dict[str, int] = {}
    problem = vroom.Input()
    problem.set_durations_matrix("car", _matrix(s))
    for i, t in enumerate(s.technicians):
        breaks = (
            [
                vroom.Break(
                    1,
                    [vroom.TimeWindow(t.break_.earliest, t.break_.latest)],
                    service=t.break_.seconds,
                )
            ]
            if t.break_
            else []
        )
        problem.add_vehicle(
            vroom.Vehicle(
                i + 1,
                start=i,
                end=n + i,
                time_window=vroom.TimeWindow(*t.shift),
                breaks=breaks,
                skills={skill_ids.setdefault(k, len(skill_ids) + 1) for k in t.skills},
            )
        )
    problem.add_job(
        [
            vroom.Job(
                j + 1,
                location=2 * n + j,
                default_service=v.seconds,
                priority=5 - v.priority,
                skills={skill_ids.setdefault(k, len(skill_ids) + 1) for k in v.skills},
                time_windows=[vroom.TimeWindow(*v.window)],
            )
            for j, v in enumerate(s.visits)
        ]
    )
    solution = problem.solve(
        exploration_level=5, nb_threads=2, timeout=datetime.timedelta(seconds=limit)
    ).to_dict()
    routes, served = [], set()
    for route in solution["routes"]:
        entry = {"technician": s.technicians[route["vehicle"] - 1].id, "stops": []}
        for step in route["steps"]:
            begins = step["arrival"] + step.get("waiting_time", 0)
            if step["type"] == "job":
                entry["stops"].append(
                    {"visit": s.visits[step["id"] - 1].id, "start": clock(begins)}
                )
                served.add(step["id"] - 1)
            elif step["type"] == "break":
                entry["break"] = clock(begins)
        if entry["stops"]:
            routes.append(entry)
    return {
        "routes": routes,
        "unassigned": [
            {"visit": v.id, "reason": "left out"} for j, v in enumerate(s.visits) if j not in served
        ],
    }


PENALTY = {1: 10**9, 2: 10**8, 3: 10**7, 4: 10**6}


def ortools_direct(data: dict, limit: float) -> dict:  # noqa: C901, PLR0915 - one solver end to end, as OR-Tools' examples are
    """OR-Tools routing: time dimension with windows and shifts, skills as allowed vehicles,
    breaks as interval variables, priorities as drop penalties; guided local search."""
    s = parse(data)
    n, m = len(s.technicians), len(s.visits)
    matrix = _matrix(s)
    service = [0] * (2 * n) + [v.seconds for v in s.visits]
    manager = pywrapcp.RoutingIndexManager(2 * n + m, n, list(range(n)), list(range(n, 2 * n)))
    routing = pywrapcp.RoutingModel(manager)
    flat = matrix.tolist()

    def transit(a, b):
        i, j = manager.IndexToNode(a), manager.IndexToNode(b)
        return service[i] + flat[i][j]

    def travel(a, b):
        return flat[manager.IndexToNode(a)][manager.IndexToNode(b)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(travel))
    callback = routing.RegisterTransitCallback(transit)
    routing.AddDimension(callback, 24 * 3600, 24 * 3600, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    solver = routing.solver()
    # Breaks may not overlap a visit: its service time, by routing index (not node).
    by_index = [service[manager.IndexToNode(i)] for i in range(routing.Size())]
    for k, t in enumerate(s.technicians):
        time_dim.CumulVar(routing.Start(k)).SetRange(*t.shift)
        time_dim.CumulVar(routing.End(k)).SetRange(*t.shift)
        if t.break_:
            interval = solver.FixedDurationIntervalVar(
                t.break_.earliest, t.break_.latest, t.break_.seconds, False, f"break {k}"
            )
            time_dim.SetBreakIntervalsOfVehicle([interval], k, by_index)
    for j, v in enumerate(s.visits):
        index = manager.NodeToIndex(2 * n + j)
        time_dim.CumulVar(index).SetRange(*v.window)
        allowed = [k for k, t in enumerate(s.technicians) if v.skills <= t.skills]
        # -1 is 'not performed', so a visit nobody can do is simply dropped.
        routing.VehicleVar(index).SetValues([-1, *allowed])
        routing.AddDisjunction([index], PENALTY[v.priority])
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(limit * 1000))
    solution = routing.SolveWithParameters(params)
    routes, served = [], set()
    if solution is not None:
        breaks = {}
        intervals = solution.IntervalVarContainer()
        for i in range(intervals.Size()):
            element = intervals.Element(i)
            if element.PerformedValue():
                breaks[int(element.Var().Name().split()[-1])] = element.StartValue()
        for k, t in enumerate(s.technicians):
            index, stops = routing.Start(k), []
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node >= 2 * n:
                    stops.append(
                        {
                            "visit": s.visits[node - 2 * n].id,
                            "start": clock(solution.Min(time_dim.CumulVar(index))),
                        }
                    )
                    served.add(node - 2 * n)
                index = solution.Value(routing.NextVar(index))
            if stops:
                entry = {"technician": t.id, "stops": stops}
                if k in breaks and t.break_:
                    entry["break"] = clock(breaks[k])
                routes.append(entry)
    return {
        "routes": routes,
        "unassigned": [
            {"visit": v.id, "reason": "left out"} for j, v in enumerate(s.visits) if j not in served
        ],
    }


PRIZE = {1: 10**7, 2: 10**6, 3: 10**5, 4: 10**4}
PYVRP_MAX_VISITS = 500  # one distance matrix per skill set: ~1.2 GB at 100 x 1,000


def pyvrp_direct(data: dict, limit: float) -> dict | None:
    """PyVRP: optional clients with prizes by priority, a vehicle type per technician, skills as
    one matrix profile per skill set (unreachable visits cost `FORBIDDEN`). Breaks cannot be
    expressed, so its plans break the break rule wherever a technician with a break works."""
    s = parse(data)
    n, m = len(s.technicians), len(s.visits)
    if m > PYVRP_MAX_VISITS:
        return None
    base = _matrix(s).astype(np.int64)  # rows: starts, ends, visits
    forbidden = 10**9
    sets = sorted({frozenset(t.skills) for t in s.technicians}, key=sorted)
    matrices = []
    for skills in sets:
        matrix = base.copy()
        for j, v in enumerate(s.visits):
            if not v.skills <= skills:
                matrix[:, 2 * n + j] = forbidden
        np.fill_diagonal(matrix, 0)
        matrices.append(matrix)
    points = [t.start for t in s.technicians] + [t.end for t in s.technicians]
    points += [v.location for v in s.visits]
    locations = [pyvrp.Location(x=lon, y=lat) for lat, lon in points]
    depots = [pyvrp.Depot(i) for i in range(2 * n)]
    clients = [
        pyvrp.Client(
            2 * n + j,
            service_duration=v.seconds,
            tw_early=v.window[0],
            tw_late=v.window[1],
            prize=PRIZE[v.priority],
            required=False,
        )
        for j, v in enumerate(s.visits)
    ]
    types = [
        pyvrp.VehicleType(
            1,
            start_depot=k,
            end_depot=n + k,
            tw_early=t.shift[0],
            tw_late=t.shift[1],
            profile=sets.index(frozenset(t.skills)),
        )
        for k, t in enumerate(s.technicians)
    ]
    problem = pyvrp.ProblemData(locations, clients, depots, types, matrices, matrices)
    with warnings.catch_warnings():
        # PyVRP warns when its penalties reach their bound on days it cannot fit: expected here.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(problem, stop=pyvrp.stop.MaxRuntime(limit), seed=1, display=False)
    routes, served = [], set()
    for route in result.best.routes():
        tech = s.technicians[route.vehicle_type()]
        stops = []
        for activity in route.schedule():
            if activity.is_client():
                j = activity.idx
                stops.append({"visit": s.visits[j].id, "start": clock(activity.start_time)})
                served.add(j)
        if stops:
            routes.append({"technician": tech.id, "stops": stops})
    return {
        "routes": routes,
        "unassigned": [
            {"visit": v.id, "reason": "left out"} for j, v in enumerate(s.visits) if j not in served
        ],
    }


def describe(report) -> str:
    p = report.planned
    return (
        f"P1 {p[1]:4d} P2 {p[2]:4d} P3 {p[3]:4d} P4 {p[4]:4d} travel "
        f"{report.travel_seconds / 3600:7.1f} h"
        f"{'' if report.ok else f' INVALID ({len(report.violations)} violations)'}"
    )


def _versus(data: dict, limit: float) -> tuple[str, str]:
    """Ours against the best valid plan of pyvroom and OR-Tools on one day: ("win" | "tie" |
    "loss", a line saying each one's score)."""
    ours = checker.check(data, solve_scenario(data, time_limit=limit))
    theirs = {}
    for name, run in (("pyvroom", vroom_direct), ("or-tools", ortools_direct)):
        report = checker.check(data, run(data, limit), reasons=False)
        if report.ok:
            theirs[name] = report
    line = f"ours {describe(ours)}" + "".join(
        f"; {name} {describe(r)}" for name, r in theirs.items()
    )
    if not ours.ok:
        return "loss", line
    best = max((r.score for r in theirs.values()), default=None)
    # Travel within a second of each other is a tie: the same routes, rounded differently.
    if best is None or ours.score[:5] > best[:5]:
        return "win", line
    if ours.score[:5] == best[:5]:
        if abs(ours.score[5] - best[5]) <= 1:
            return "tie", line
        return ("win" if ours.score[5] > best[5] else "loss"), line
    return "loss", line


def many_days(sizes: str, limits: str, seeds: int) -> None:
    """The wins, ties and losses table over `seeds` days of varied mix per size and limit."""
    table = []
    for size in sizes.split(","):
        techs, visits = (int(x) for x in size.split("x"))
        for limit in (float(x) for x in limits.split(",")):
            tally = {"win": 0, "tie": 0, "loss": 0}
            for k in range(seeds):
                data = generate.day(
                    techs, visits, seed=techs * 1000 + visits + k, mix=generate.mix(k)
                )
                outcome, line = _versus(data, limit)
                tally[outcome] += 1
                if outcome == "loss":
                    print(f"  loss {size} {limit:g} s seed {k}: {line}", flush=True)
            table.append((size, limit, tally))
            print(f"{size} at {limit:g} s: {tally}", flush=True)
    print("\n| size | limit | wins | ties | losses |\n|---|---|---|---|---|")
    for size, limit, tally in table:
        print(f"| {size} | {limit:g} s | {tally['win']} | {tally['tie']} | {tally['loss']} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10x60,40x300,100x1000")
    parser.add_argument("--limits", default="5,10,30")
    parser.add_argument(
        "--no-breaks", action="store_true", help="drop the breaks, which PyVRP cannot express"
    )
    parser.add_argument(
        "--seeds", type=int, default=0, help="days per size, each of its own mix (see above)"
    )
    args = parser.parse_args()
    if args.seeds:
        many_days(args.sizes, args.limits, args.seeds)
        return
    for size in args.sizes.split(","):
        techs, visits = (int(x) for x in size.split("x"))
        data = generate.day(techs, visits, seed=techs * 1000 + visits)
        if args.no_breaks:
            for tech in data["technicians"]:
                tech.pop("break", None)
        for limit in (float(x) for x in args.limits.split(",")):
            print(f"\n{techs} technicians x {visits} visits, {limit:g} s", flush=True)
            scores = {}
            for name, run in (
                ("ours", lambda d, t: solve_scenario(d, time_limit=t)),
                ("pyvroom", vroom_direct),
                ("or-tools", ortools_direct),
                ("pyvrp", pyvrp_direct),
            ):
                started = time.monotonic()
                plan = run(data, limit)
                seconds = time.monotonic() - started
                if plan is None:
                    print(f"  {name:9s} not run at this size", flush=True)
                    continue
                # The libraries run directly give no rule for what they leave out.
                report = checker.check(data, plan, reasons=name == "ours")
                scores[name] = report.score if report.ok else None
                print(f"  {name:9s} {describe(report)}  ({seconds:5.1f} s)", flush=True)
            valid = {k: v for k, v in scores.items() if v is not None}
            best = max(valid, key=valid.get) if valid else "none"
            ours_ok = scores["ours"] is not None and all(
                scores["ours"] >= v for v in valid.values()
            )
            print(f"  best: {best}; ours at least as good as the others: {ours_ok}")
    data = generate.day(100, 1000, seed=7)
    started = time.monotonic()
    first = solve_scenario(data, time_limit=1)
    print(
        f"\nfirst feasible plan for 100 x 1,000: {time.monotonic() - started:.1f} s, "
        f"valid: {checker.check(data, first).ok}, peak memory "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


if __name__ == "__main__":
    main()
