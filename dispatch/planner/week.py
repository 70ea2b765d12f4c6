"""The planner for a week at a time (`fieldservice-scenario/2`): every technician-day is one
VROOM vehicle, its shift and break on a clock that runs through the week (day i's times are
offset by i x 24 h), its time off as fixed breaks; a visit allowed on several days has one time
window per day, so VROOM chooses the day as it chooses the technician.

The objective is the day planner's (promised visits, then P1, P2, P3, P4) and then fewer
overdue maintenance visits (planned after their due day, or left out), then less travel. VROOM
sums priorities and knows nothing of due days, so, as for a day, the budget goes to a portfolio
of starts scored lexicographically; one start in two offers the maintenance visits only their
days up to the due day where they have any. The first start is VROOM's shallowest search, so a
first feasible plan comes early (`on_plan` hears of each better plan as it is found).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise

import vroom

from dispatch.travel import StraightLineTravel

from . import engine, leftovers
from .scenario import DAY, Scenario, Visit, WeekScenario, WeekVisit, clock, parse_week

BREAK_ID = 1
OFF_ID_BASE = 100  # time off blocks are breaks with ids from here
PINNED_SKILL_BASE = 1_000_000
NOBODY = PINNED_SKILL_BASE - 1  # a pin to a technician not in the scenario: nobody has it
# The first start must be quick on a big week (40 technicians x 7 days x 1,200 visits): VROOM's
# exploration level 0 with the steep weighting, then deeper ones while the budget lasts.
STARTS = (
    (engine.STEEPER, 0, False),
    (engine.STEEP, 0, True),
    (engine.STEEP, 1, False),
    (engine.BALANCED, 2, True),
    (engine.GENTLE, 3, False),
    (engine.STEEP, 5, True),
)
# The first start stops here even when the search has not converged, so that a big week has a
# first feasible plan early (40 x 1,200 x 7 days: about 4 s of VROOM to converge at level 0 on
# an idle machine, several times that on a loaded one), and later starts improve on it.
FIRST_PLAN_SECONDS = 5.0
LAST_START_SHARE = 0.15  # no new start with less than this share of the budget left


def _points(week: WeekScenario) -> tuple[list, dict]:
    """Every distinct location (homes, visits) once, and its index in the matrix."""
    index: dict[tuple[float, float], int] = {}
    for wt in week.technicians:
        index.setdefault(wt.tech.start, len(index))
        index.setdefault(wt.tech.end, len(index))
    for wv in week.visits:
        index.setdefault(wv.visit.location, len(index))
    return list(index), index


def _allowed_days(wv: WeekVisit, on_time_only: bool) -> dict[int, tuple[int, int]]:
    if on_time_only and wv.due is not None:
        early = {d: w for d, w in wv.days.items() if d <= wv.due}
        if early:
            return early
    return wv.days


def _build(
    week: WeekScenario, matrix, index: dict, weights: dict[int, int], on_time_only: bool
) -> vroom.Input:
    skill_ids: dict[str, int] = {}

    def sid(name: str) -> int:
        return skill_ids.setdefault(name, len(skill_ids) + 1)

    tech_ids = {
        tid: n for n, tid in enumerate(dict.fromkeys(wt.tech.id for wt in week.technicians))
    }
    problem = vroom.Input()
    problem.set_durations_matrix("car", matrix)
    for k, wt in enumerate(week.technicians):
        tech, offset = wt.tech, wt.day * DAY
        breaks = []
        if tech.break_ is not None:
            window = vroom.TimeWindow(offset + tech.break_.earliest, offset + tech.break_.latest)
            breaks.append(vroom.Break(BREAK_ID, [window], service=tech.break_.seconds))
        for n, (a, b) in enumerate(wt.off):
            window = vroom.TimeWindow(offset + a, offset + a)
            breaks.append(vroom.Break(OFF_ID_BASE + n, [window], service=b - a))
        problem.add_vehicle(
            vroom.Vehicle(
                k + 1,
                start=index[tech.start],
                end=index[tech.end],
                skills={sid(s) for s in tech.skills} | {PINNED_SKILL_BASE + tech_ids[tech.id]},
                time_window=vroom.TimeWindow(offset + tech.shift[0], offset + tech.shift[1]),
                breaks=breaks,
            )
        )
    jobs = []
    for j, wv in enumerate(week.visits):
        visit = wv.visit
        skills = {sid(s) for s in visit.skills}
        if visit.technician is not None:
            pin = tech_ids.get(visit.technician)
            skills.add(NOBODY if pin is None else PINNED_SKILL_BASE + pin)
        windows = [
            vroom.TimeWindow(d * DAY + a, d * DAY + b)
            for d, (a, b) in sorted(_allowed_days(wv, on_time_only).items())
        ]
        jobs.append(
            vroom.Job(
                j + 1,
                location=index[visit.location],
                default_service=visit.seconds,
                skills=skills,
                priority=engine.KEEP_WEIGHT if visit.keep else weights[visit.priority],
                time_windows=windows,
            )
        )
    if jobs:
        problem.add_job(jobs)
    return problem


def _routes(week: WeekScenario, solution: dict) -> list[dict]:
    """VROOM's routes as [{"_vehicle", "_stops": [(start, job)], "_break": start | None}] on the
    week's clock."""
    routes = []
    for route in solution.get("routes", []):
        stops, brk = [], None
        for step in route["steps"]:
            begins = step["arrival"] + step.get("waiting_time", 0) + step.get("setup", 0)
            if step["type"] == "job":
                stops.append((begins, step["id"] - 1))
            elif step["type"] == "break" and step["id"] == BREAK_ID:
                brk = begins
        if stops:
            routes.append({"_vehicle": route["vehicle"] - 1, "_stops": stops, "_break": brk})
    return routes


def _score(week: WeekScenario, routes: list[dict], matrix, index: dict) -> tuple[int, ...]:
    """Promised visits kept, P1..P4 planned, fewer overdue, less travel: larger is better."""
    planned = {1: 0, 2: 0, 3: 0, 4: 0}
    kept = travel = 0
    placed: dict[int, int] = {}
    for route in routes:
        wt = week.technicians[route["_vehicle"]]
        points = [index[wt.tech.start]]
        points += [index[week.visits[j].visit.location] for _, j in route["_stops"]]
        points.append(index[wt.tech.end])
        travel += int(sum(matrix[a][b] for a, b in pairwise(points)))
        for _, j in route["_stops"]:
            visit = week.visits[j].visit
            planned[visit.priority] += 1
            kept += visit.keep
            placed[j] = wt.day
    overdue = sum(
        1
        for j, wv in enumerate(week.visits)
        if wv.due is not None and (j not in placed or placed[j] > wv.due)
    )
    return (kept, planned[1], planned[2], planned[3], planned[4], -overdue, -travel)


def _reason(week: WeekScenario, wv: WeekVisit) -> dict:
    """Why a visit is left out, from the staffing of the days it may go on: nobody working,
    nobody with the skills (or only uncertified), else every able technician's time is taken."""
    visit = wv.visit
    allowed = [
        wt.tech
        for wt in week.technicians
        if wt.day in wv.days and (visit.technician is None or wt.tech.id == visit.technician)
    ]
    entry: dict = {"skills": sorted(visit.skills), "minutes": visit.seconds // 60}
    if visit.technician is not None:
        entry["technician"] = visit.technician
    if not allowed:
        return {"rule": "technician", "reason": "nobody who may take it works then", **entry}
    if not any(visit.skills <= t.skills for t in allowed):
        if any(visit.skills <= t.skills | t.uncertified for t in allowed):
            return {"rule": "certification", "reason": "no valid certification", **entry}
        return {"rule": "skill", "reason": "nobody has the skills", **entry}
    return {"rule": "capacity", "reason": "every able technician is busy", **entry}


def _fill(week: WeekScenario, routes: list[dict]) -> list[dict]:
    """The day planner's last pass (leftovers.fill), day by day: each visit left out, most
    urgent first, goes where it fits on one of its days, or where only lower-priority work
    stands in the way (which is left out in turn and tried on its later days). Technician-days
    with time off are left as they are: the pass knows breaks, not blocks of time off."""
    by_vehicle = {r["_vehicle"]: r for r in routes}
    served = {j for r in routes for _, j in r["_stops"]}
    left = {j for j in range(len(week.visits)) if j not in served}
    for d in range(len(week.dates)):
        vehicles = [k for k, wt in enumerate(week.technicians) if wt.day == d and not wt.off]
        waiting = [j for j in left if d in week.visits[j].days]
        if not vehicles or not waiting:
            continue
        offset = d * DAY
        on_day = [j for k in vehicles if k in by_vehicle for _, j in by_vehicle[k]["_stops"]]
        jobs = on_day + waiting  # the day's visits, by local index
        local = {j: n for n, j in enumerate(jobs)}
        day = Scenario(
            week.dates[d],
            week.timezone,
            week.speed_kmh,
            week.road_factor,
            [week.technicians[k].tech for k in vehicles],
            [_on_day(week.visits[j], d) for j in jobs],
        )
        points = [t.start for t in day.technicians] + [t.end for t in day.technicians]
        points += [v.location for v in day.visits]
        matrix = StraightLineTravel(week.speed_kmh, week.road_factor).matrix(points)
        day_routes = {
            n: leftovers.Route(
                n,
                [(s - offset, local[j]) for s, j in by_vehicle[k]["_stops"]],
                None if by_vehicle[k]["_break"] is None else by_vehicle[k]["_break"] - offset,
            )
            for n, k in enumerate(vehicles)
            if k in by_vehicle
        }
        still = leftovers.fill(leftovers.Day(day, matrix), day_routes, [local[j] for j in waiting])
        for n, route in day_routes.items():
            k = vehicles[n]
            stops = [(s + offset, jobs[i]) for s, i in route.stops]
            brk = None if route.break_at is None else route.break_at + offset
            by_vehicle[k] = {"_vehicle": k, "_stops": stops, "_break": brk}
        left = (left - set(waiting)) | {jobs[i] for i in still}
    return [r for r in by_vehicle.values() if r["_stops"]]


def _on_day(wv: WeekVisit, d: int) -> Visit:
    """A week's visit as a visit of day `d`, with its window that day."""
    v = wv.visit
    return Visit(
        v.id, v.location, wv.days[d], v.seconds, v.skills, v.priority, v.technician, v.keep
    )


def _plan(week: WeekScenario, routes: list[dict], started: float) -> dict:
    """The plan in the documented shape: routes per technician and date, times of that day."""
    out = []
    for route in sorted(routes, key=lambda r: r["_vehicle"]):
        wt = week.technicians[route["_vehicle"]]
        offset = wt.day * DAY
        entry: dict = {
            "technician": wt.tech.id,
            "date": week.dates[wt.day],
            "stops": [
                {"visit": week.visits[j].visit.id, "start": clock(s - offset)}
                for s, j in route["_stops"]
            ],
        }
        if route["_break"] is not None:
            entry["break"] = clock(route["_break"] - offset)
        out.append(entry)
    served = {j for r in routes for _, j in r["_stops"]}
    unassigned = [
        {"visit": wv.visit.id, **_reason(week, wv)}
        for j, wv in enumerate(week.visits)
        if j not in served
    ]
    return {
        "routes": out,
        "unassigned": unassigned,
        "solve_seconds": round(time.monotonic() - started, 3),
    }


def solve(
    week: WeekScenario,
    *,
    time_limit: float = 30.0,
    progress: Callable[[float], None] | None = None,
    on_plan: Callable[[dict], None] | None = None,
) -> dict:
    """Plan a parsed week; `on_plan` hears of each better plan (the first one is the first
    feasible plan) with its `solve_seconds` so far."""
    started = time.monotonic()
    points, index = _points(week)
    matrix = StraightLineTravel(week.speed_kmh, week.road_factor).matrix(points)
    best: list[dict] = []
    best_score = None
    if week.visits and week.technicians:
        for n, (weights, level, on_time_only) in enumerate(STARTS):
            offset = time.monotonic() - started
            left = time_limit - offset
            if n and left < max(engine.MIN_START_SECONDS, LAST_START_SHARE * time_limit):
                break  # a start cut off early is worse than none, and overruns the budget
            if not n:
                left = min(left, FIRST_PLAN_SECONDS)

            def report(fraction: float, offset: float = offset, left: float = left) -> None:
                if progress is not None:
                    progress(min(0.95, (offset + fraction * left) / time_limit))

            problem = _build(week, matrix, index, weights, on_time_only)
            solution = engine._solve_with_progress(problem, left, report, level).to_dict()
            routes = _routes(week, solution)
            score = _score(week, routes, matrix, index)
            if best_score is None or score > best_score:
                best, best_score = routes, score
                if on_plan is not None:
                    on_plan(_plan(week, best, started))
    best = _fill(week, best)
    if progress is not None:
        progress(1.0)
    return _plan(week, best, started)


def solve_scenario(
    data: dict,
    *,
    time_limit: float = 30.0,
    progress: Callable[[float], None] | None = None,
    on_plan: Callable[[dict], None] | None = None,
) -> dict:
    """Parse and plan a `fieldservice-scenario/2` dict."""
    return solve(parse_week(data), time_limit=time_limit, progress=progress, on_plan=on_plan)
