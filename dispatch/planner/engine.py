"""The day planner's engine: VROOM (pyvroom) on a NumPy travel-time matrix.

VROOM was chosen for its native support of what a field-service day needs (skills, time windows,
breaks, per-job priorities, vehicle shifts) and its speed; docs/planner.md has the measurements.
Lexicographic priorities (every P1 before any P2, ...) are approximated by VROOM's priority sum
with weights far apart, and the checker scores the result lexicographically. Visits under way
(today re-planned) are not VROOM's to place: they are set aside and put back first on their
technicians' routes.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
import threading
import time
from collections.abc import Callable, Iterator
from itertools import pairwise

import vroom

from dispatch.travel import StraightLineTravel

from . import leftovers
from .scenario import Scenario, Technician, clock, parse

# VROOM maximises the sum of priorities (0-100) of assigned jobs, then the number assigned, then
# minimises cost. No one weighting is lexicographic (every P1 before any P2), and VROOM stops
# once its search converges, so the budget goes to a portfolio of starts, run one after the
# other until the time is up, and the best plan by the lexicographic objective wins.
GENTLE = {1: 4, 2: 3, 3: 2, 4: 1}  # often fits the most work in all
STEEP = {1: 100, 2: 25, 3: 6, 4: 1}  # protects P1 and P2
STEEPER = {1: 100, 2: 10, 3: 1, 4: 0}  # P4 still planned where it fits: more assigned wins next
BALANCED = {1: 60, 2: 30, 3: 10, 4: 3}
# Measured on generated days (docs/planner.md): up to a few hundred visits VROOM's deepest
# search (exploration level 5) converges within seconds and is the best single start. On big
# days it cannot finish in the budget and a cut-off deep search is far worse than a shallow one
# that finishes (100 x 1,000 at 5 s: 113 P1 planned at level 0 against 90 at level 5), so big
# days climb from level 0.
STARTS = ((GENTLE, 5), (STEEP, 5), (BALANCED, 2), (STEEPER, 3), (STEEP, 1), (BALANCED, 0))
BIG_DAY_STARTS = ((STEEPER, 0), (STEEP, 1), (STEEPER, 2), (BALANCED, 3), (GENTLE, 5))
BIG_DAY = 500  # visits
# Small days converge in about a second; the rest of the budget goes to restarts with random
# weightings from the same family (10 x 60 with breaks at 10 s: 3 P4 visits planned instead of
# 1 and 13.8 h of travel instead of 15.2), until the budget is spent or this many restarts in a
# row brought nothing better (tiny days, where every start finds the same plan).
MAX_FRUITLESS_RESTARTS = 100
SEED = 1  # restarts are random but repeatable
MIN_START_SECONDS = 0.2
PINNED_SKILL_BASE = 1_000_000  # a private skill per technician pins visits to them
# A promised visit weighs as much as VROOM allows, whatever the start. A visit under way would
# tie with it, so it never reaches VROOM (_set_aside).
KEEP_WEIGHT = 100


def _matrix(scenario: Scenario):
    points = [t.start for t in scenario.technicians] + [t.end for t in scenario.technicians]
    points += [v.location for v in scenario.visits]
    return StraightLineTravel(scenario.speed_kmh, scenario.road_factor).matrix(points)


def _build_input(scenario: Scenario, matrix, weights: dict[int, int]) -> vroom.Input:
    n_tech = len(scenario.technicians)
    skill_ids: dict[str, int] = {}

    def sid(name: str) -> int:
        return skill_ids.setdefault(name, len(skill_ids) + 1)

    problem = vroom.Input()
    problem.set_durations_matrix("car", matrix)
    for i, tech in enumerate(scenario.technicians):
        breaks = []
        if tech.break_ is not None:
            breaks.append(
                vroom.Break(
                    1,
                    [vroom.TimeWindow(tech.break_.earliest, tech.break_.latest)],
                    service=tech.break_.seconds,
                )
            )
        problem.add_vehicle(
            vroom.Vehicle(
                i + 1,
                start=i,
                end=n_tech + i,
                skills={sid(s) for s in tech.skills} | {PINNED_SKILL_BASE + i},
                time_window=vroom.TimeWindow(*tech.shift),
                breaks=breaks,
            )
        )
    index = {t.id: i for i, t in enumerate(scenario.technicians)}
    jobs = []
    for j, visit in enumerate(scenario.visits):
        skills = {sid(s) for s in visit.skills}
        if visit.technician is not None:
            # A visit pinned to a technician who is not in the scenario can go to nobody.
            skills.add(PINNED_SKILL_BASE + index.get(visit.technician, 10**6))
        jobs.append(
            vroom.Job(
                j + 1,
                location=2 * n_tech + j,
                default_service=visit.seconds,
                skills=skills,
                priority=KEEP_WEIGHT if visit.keep else weights[visit.priority],
                time_windows=[vroom.TimeWindow(*visit.window)],
            )
        )
    if jobs:
        problem.add_job(jobs)
    return problem


def _solve_with_progress(
    problem: vroom.Input,
    time_limit: float,
    progress: Callable[[float], None] | None,
    exploration_level: int = 5,
):
    """Run VROOM in a thread (it releases no progress of its own) and report elapsed time."""
    result: dict = {}

    def run() -> None:
        try:
            result["solution"] = problem.solve(
                exploration_level=exploration_level,
                nb_threads=2,
                timeout=datetime.timedelta(seconds=max(0.1, time_limit)),
            )
        except Exception as exc:  # noqa: BLE001 - re-raised in the caller's thread
            result["error"] = exc

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.25)
        if progress is not None:
            progress(min(0.95, (time.monotonic() - started) / max(time_limit, 0.1)))
    if "error" in result:
        raise result["error"]
    return result["solution"]


def _routes(scenario: Scenario, solution: dict) -> list[dict]:
    routes = []
    for route in solution.get("routes", []):
        tech = scenario.technicians[route["vehicle"] - 1]
        entry: dict = {"technician": tech.id, "stops": []}
        for step in route["steps"]:
            begins = step["arrival"] + step.get("waiting_time", 0)
            if step["type"] == "job":
                entry["stops"].append(
                    {
                        "visit": scenario.visits[step["id"] - 1].id,
                        "start": clock(begins + step.get("setup", 0)),
                        "_job": step["id"] - 1,
                    }
                )
            elif step["type"] == "break":
                entry["break"] = clock(begins)
        if entry["stops"]:
            entry["_vehicle"] = route["vehicle"] - 1
            routes.append(entry)
    return routes


def _score(scenario: Scenario, routes: list[dict], matrix) -> tuple[int, ...]:
    """Promised visits kept, planned P1..P4, then less travel: larger is better (the
    checker's order)."""
    n_tech = len(scenario.technicians)
    planned = {1: 0, 2: 0, 3: 0, 4: 0}
    kept = 0
    travel = 0
    for route in routes:
        k = route["_vehicle"]
        points = [k] + [2 * n_tech + s["_job"] for s in route["stops"]] + [n_tech + k]
        travel += int(sum(matrix[a][b] for a, b in pairwise(points)))
        for stop in route["stops"]:
            planned[scenario.visits[stop["_job"]].priority] += 1
            kept += scenario.visits[stop["_job"]].keep
    return (kept, planned[1], planned[2], planned[3], planned[4], -travel)


def _starts(
    portfolio: tuple[tuple[dict[int, int], int], ...], restart_level: int
) -> Iterator[tuple[dict[int, int], int]]:
    """The fixed portfolio, then random weightings: each priority worth more than the next."""
    yield from portfolio
    rng = random.Random(SEED)
    while True:
        p1 = rng.randint(20, 100)
        p2 = rng.randint(max(1, p1 // 12), max(2, p1 // 2))
        p3 = rng.randint(1, max(1, p2 // 2))
        p4 = rng.randint(0, max(0, p3 // 2))
        yield {1: p1, 2: p2, 3: p3, 4: p4}, restart_level


def _seconds(text: str) -> int:
    hours, minutes, secs = (int(x) for x in text.split(":"))
    return hours * 3600 + minutes * 60 + secs


def _fill(scenario: Scenario, matrix, best_routes: list[dict]) -> tuple[list[dict], list[dict]]:
    """The best plan with the left-out work given the time lower priorities took (see
    leftovers), in the documented shape, each visit still left out with its rule."""
    day = leftovers.Day(scenario, matrix)
    routes = {
        r["_vehicle"]: leftovers.Route(
            r["_vehicle"],
            [(_seconds(s["start"]), s["_job"]) for s in r["stops"]],
            _seconds(r["break"]) if "break" in r else None,
        )
        for r in best_routes
    }
    served = {j for r in routes.values() for _, j in r.stops}
    still = leftovers.fill(day, routes, [j for j in range(len(scenario.visits)) if j not in served])
    plan = []
    for k in sorted(routes):
        route = routes[k]
        if not route.stops:
            continue
        entry: dict = {
            "technician": scenario.technicians[k].id,
            "stops": [{"visit": scenario.visits[j].id, "start": clock(s)} for s, j in route.stops],
        }
        if route.break_at is not None:
            entry["break"] = clock(route.break_at)
        plan.append(entry)
    unassigned = [{"visit": scenario.visits[j].id, **leftovers.reason(day, j)} for j in still]
    return plan, unassigned


@dataclasses.dataclass
class _Aside:
    """The visits under way, taken out of VROOM's input: what VROOM plans (`rest`, the
    technicians starting where and when their visit under way ends) and how to put them back."""

    rest: Scenario
    jobs: list[int]  # rest's visit j is the scenario's visit jobs[j]
    vehicles: list[int]  # rest's technician k is the scenario's technician vehicles[k]
    started: dict[int, int]  # the scenario's technician -> the visit under way with them


def _set_aside(scenario: Scenario) -> _Aside:
    """VROOM weighs a visit under way like any promised one (KEEP_WEIGHT, its cap), so where
    only one of the two fits (a booked visit at the same address, at no travel) it may drop
    the visit under way. It never sees them: each technician on site sets off from that site
    when the visit ends (never before their shift, which starts at now), and one whose visit
    runs to the end of the shift is not in VROOM's input at all."""
    index = {t.id: k for k, t in enumerate(scenario.technicians)}
    started: dict[int, int] = {}
    for j, visit in enumerate(scenario.visits):
        k = index.get(visit.technician)
        if (
            visit.started
            and k is not None
            and (k not in started or visit.window[0] < scenario.visits[started[k]].window[0])
        ):
            started[k] = j
    techs: list[Technician] = []
    vehicles: list[int] = []
    for k, tech in enumerate(scenario.technicians):
        rest = tech
        if k in started:
            visit = scenario.visits[started[k]]
            free = max(visit.window[0] + visit.seconds, tech.shift[0])
            if free >= tech.shift[1]:
                continue  # nothing else fits in the shift
            brk = tech.break_
            if brk is not None and brk.latest < free:
                brk = dataclasses.replace(brk, earliest=free, latest=free)
            elif brk is not None and brk.earliest < free:
                brk = dataclasses.replace(brk, earliest=free)
            rest = dataclasses.replace(
                tech, start=visit.location, shift=(free, tech.shift[1]), break_=brk
            )
        techs.append(rest)
        vehicles.append(k)
    aside = set(started.values())
    jobs = [j for j in range(len(scenario.visits)) if j not in aside]
    rest = dataclasses.replace(
        scenario, technicians=techs, visits=[scenario.visits[j] for j in jobs]
    )
    return _Aside(rest, jobs, vehicles, started)


def _put_back(scenario: Scenario, aside: _Aside, routes: list[dict]) -> list[dict]:
    """VROOM's routes of `aside.rest` in the scenario's numbering, each visit under way first
    on its technician's route, where it is; a technician with nothing else takes the break
    once it is done."""
    by_vehicle: dict[int, dict] = {}
    for route in routes:
        k = aside.vehicles[route["_vehicle"]]
        stops = [{**stop, "_job": aside.jobs[stop["_job"]]} for stop in route["stops"]]
        by_vehicle[k] = {**route, "_vehicle": k, "stops": stops}
    for k, j in aside.started.items():
        visit, tech = scenario.visits[j], scenario.technicians[k]
        first = {"visit": visit.id, "start": clock(visit.window[0]), "_job": j}
        if k in by_vehicle:
            by_vehicle[k]["stops"].insert(0, first)
            continue
        entry: dict = {"technician": tech.id, "stops": [first], "_vehicle": k}
        if tech.break_ is not None:
            done = visit.window[0] + visit.seconds
            entry["break"] = clock(max(tech.break_.earliest, done))
        by_vehicle[k] = entry
    return [by_vehicle[k] for k in sorted(by_vehicle)]


def solve(
    scenario: Scenario, *, time_limit: float = 10.0, progress: Callable[[float], None] | None = None
) -> dict:
    """Plan a parsed scenario; returns the plan in the documented JSON shape. Visits under
    way are set aside (see _set_aside) and put back at the head of their routes."""
    started = time.monotonic()
    matrix = _matrix(scenario)
    aside = _set_aside(scenario)
    best_routes = _portfolio(aside.rest, time_limit, progress, started)
    routes, unassigned = _fill(
        _from_now(scenario, aside), matrix, _put_back(scenario, aside, best_routes)
    )
    if progress is not None:
        progress(1.0)
    return {
        "routes": routes,
        "unassigned": unassigned,
        "solve_seconds": round(time.monotonic() - started, 3),
    }


def _from_now(scenario: Scenario, aside: _Aside) -> Scenario:
    """The scenario with each technician on site starting their day at the visit under way,
    so that filling the gaps puts nothing before it."""
    techs = list(scenario.technicians)
    for k, j in aside.started.items():
        opens = max(techs[k].shift[0], scenario.visits[j].window[0])
        techs[k] = dataclasses.replace(techs[k], shift=(opens, max(opens, techs[k].shift[1])))
    return dataclasses.replace(scenario, technicians=techs)


def _portfolio(
    scenario: Scenario,
    time_limit: float,
    progress: Callable[[float], None] | None,
    started: float,
) -> list[dict]:
    """The best routes VROOM finds in the budget, over the portfolio of starts."""
    matrix = _matrix(scenario)
    best_routes: list[dict] = []
    best_score = None
    if scenario.visits and scenario.technicians:
        big_day = len(scenario.visits) >= BIG_DAY
        portfolio = BIG_DAY_STARTS if big_day else STARTS
        fruitless = 0
        for n, (weights, level) in enumerate(_starts(portfolio, 2 if big_day else 5)):
            offset = time.monotonic() - started
            left = time_limit - offset
            if (n and left < MIN_START_SECONDS) or fruitless >= MAX_FRUITLESS_RESTARTS:
                break

            def report(fraction: float, offset: float = offset, left: float = left) -> None:
                if progress is not None:
                    progress(min(0.95, (offset + fraction * left) / time_limit))

            solution = _solve_with_progress(
                _build_input(scenario, matrix, weights), left, report, level
            ).to_dict()
            routes = _routes(scenario, solution)
            score = _score(scenario, routes, matrix)
            if best_score is None or score > best_score:
                best_routes, best_score = routes, score
                fruitless = 0
            elif n >= len(portfolio):
                fruitless += 1
    return best_routes


def solve_scenario(
    data: dict, *, time_limit: float = 10.0, progress: Callable[[float], None] | None = None
) -> dict:
    """Parse and plan a scenario dict (the format `manage.py plan_scenario` reads)."""
    return solve(parse(data), time_limit=time_limit, progress=progress)
