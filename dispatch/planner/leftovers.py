"""What the engine does with the visits VROOM left out: each gets, in order of priority, the
time that lower-priority work took on a day it fits, and every one still left out is given the
rule that stops it (technician, skill, certification, shift, window, break, capacity).

VROOM's priority sum is not lexicographic, so it may leave a P1 out while P4 work fills the
hours the P1 could have used; this pass makes "capacity" true: every technician who can do the
visit is busy with work of the same or higher priority. A promised visit (`keep`) ranks above
every priority and is never displaced. The checker verifies each rule on its own arithmetic.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from itertools import pairwise

from .scenario import Scenario, clock

# Seconds to spare on each drive of an inserted visit: the checker's travel arithmetic is its
# own and may differ from the matrix by a rounding second per leg.
MARGIN = 30


@dataclass
class Route:
    """One technician's day being repaired: (start, job) in time order, the break's start."""

    vehicle: int
    stops: list[tuple[int, int]] = field(default_factory=list)
    break_at: int | None = None


def rank(scenario: Scenario, job: int) -> int:
    visit = scenario.visits[job]
    return 0 if visit.keep else visit.priority


class Day:
    """The scenario's times and travel as plain integers, for quick gap arithmetic."""

    def __init__(self, scenario: Scenario, matrix) -> None:
        self.scenario = scenario
        self.n = len(scenario.technicians)
        self.m = matrix.tolist()

    def able(self, job: int) -> list[int]:
        """Vehicles that may do a job: its pin, and every skill certified."""
        visit = self.scenario.visits[job]
        return [
            k
            for k, t in enumerate(self.scenario.technicians)
            if (visit.technician is None or t.id == visit.technician) and visit.skills <= t.skills
        ]

    def fit(self, route: Route, job: int, keep_rank: int | None = None, margin: int = MARGIN):
        """Where a job fits in a route: (start, break start or None, the stops it replaces), or
        None. With `keep_rank`, stops ranked lower (a larger rank) may give up their time."""
        tech = self.scenario.technicians[route.vehicle]
        k = route.vehicle
        kept = [
            (s, j)
            for s, j in route.stops
            if keep_rank is None or rank(self.scenario, j) <= keep_rank
        ]
        points = [(tech.shift[0], tech.shift[0], k, None)]
        points += [(s, s + self.scenario.visits[j].seconds, 2 * self.n + j, s) for s, j in kept]
        points.append((tech.shift[1], tech.shift[1], self.n + k, None))
        brk = tech.break_
        visit = self.scenario.visits[job]
        lo, hi, dur = visit.window[0], visit.window[1], visit.seconds
        for a, b in pairwise(points):
            # Cheap refusals first: most gaps of a full day are too short or out of the window.
            if b[0] - a[1] < dur or lo > b[0] - dur or hi < a[1]:
                continue
            if route.break_at is not None:
                b0, b1 = route.break_at, route.break_at + brk.seconds  # type: ignore[union-attr]
                span = (b0, b1) if a[1] <= b0 and b1 <= b[0] else None
                placed = self._between(a[1], a[2], b[0], b[2], job, span, None, margin)
            elif brk is not None and len(points) == 2:
                placed = self._between(a[1], a[2], b[0], b[2], job, None, brk, margin)
            else:
                placed = self._between(a[1], a[2], b[0], b[2], job, None, None, margin)
            if placed is not None:
                lo_stop = a[3] if a[3] is not None else -1
                hi_stop = b[3] if b[3] is not None else 10**9
                replaced = [
                    (s, j) for s, j in route.stops if lo_stop < s < hi_stop and (s, j) not in kept
                ]
                return placed[0], placed[1], replaced
        return None

    def _between(self, prev_end, here, next_start, there, job, span, free_break, margin):
        """(start, break start) of the job in one gap, or None. `span` is a break already
        placed in the gap; `free_break` one still to place (a technician's empty day)."""
        visit = self.scenario.visits[job]
        lo, hi = visit.window
        where = 2 * self.n + job
        go, back = self.m[here][where] + margin, self.m[where][there] + margin
        dur = visit.seconds
        options: list[tuple[int, int | None, bool]] = []
        if span is not None:
            b0, b1 = span
            s = max(lo, prev_end + go)
            options.append((s, None, s + dur <= b0 and (b0 - s - dur) + (next_start - b1) >= back))
            s = max(lo, b1, b1 + go - (b0 - prev_end))
            options.append((s, None, s + dur + back <= next_start))
        elif free_break is not None:
            length = free_break.seconds
            b = max(free_break.earliest, prev_end)
            s = max(lo, b + length, prev_end + go + length)
            options.append((s, b, b <= free_break.latest and s + dur + back <= next_start))
            s = max(lo, prev_end + go)
            b = max(free_break.earliest, s + dur)
            options.append(
                (
                    s,
                    b,
                    b <= free_break.latest
                    and b + length <= next_start
                    and next_start - s - dur - length >= back,
                )
            )
        else:
            s = max(lo, prev_end + go)
            options.append((s, None, s + dur + back <= next_start))
        return next(((s, b) for s, b, ok in options if ok and s <= hi), None)


def fill(day: Day, routes: dict[int, Route], left_out: list[int]) -> list[int]:
    """Insert left-out jobs, most urgent first, where they fit or where only lower-ranked work
    stands in the way (which is then left out in turn). Returns the jobs still left out."""
    scenario = day.scenario
    waiting = [(rank(scenario, j), j) for j in left_out]
    heapq.heapify(waiting)
    still: list[int] = []
    while waiting:
        _, job = heapq.heappop(waiting)
        able = day.able(job)
        placed = None
        for keep_rank in (None, rank(scenario, job)):
            for k in able:
                route = routes.setdefault(k, Route(k))
                if keep_rank is not None and not any(
                    rank(scenario, j) > keep_rank for _, j in route.stops
                ):
                    continue  # nothing lower-ranked to give up its time
                found = day.fit(route, job, keep_rank)
                if found is not None:
                    placed = (route, found)
                    break
            if placed is not None:
                break
        if placed is None:
            still.append(job)
            continue
        route, (start, break_at, replaced) = placed
        route.stops = sorted([x for x in route.stops if x not in replaced] + [(start, job)])
        if break_at is not None:
            route.break_at = break_at
        for _, j in replaced:
            heapq.heappush(waiting, (rank(scenario, j), j))
    return still


def reason(day: Day, job: int) -> dict:
    """The rule that keeps a job off the plan, in words a dispatcher can act on."""
    return _staffing(day, job) or _timing(day, job)


def _staffing(day: Day, job: int) -> dict | None:
    """Nobody may take the job: nobody works, its technician is away, or nobody has the
    skills (or holds the certification they need that day). None when someone may."""
    scenario = day.scenario
    visit = scenario.visits[job]
    if not scenario.technicians:
        return {"rule": "technician", "reason": "no technician works in the hours left that day"}
    techs = [
        t for t in scenario.technicians if visit.technician is None or t.id == visit.technician
    ]
    if not techs:
        return {
            "rule": "technician",
            "reason": f"it is kept on technician {visit.technician}, who is not working then",
            "technician": visit.technician,
        }
    if any(visit.skills <= t.skills for t in techs):
        return None
    uncertified = [t for t in techs if visit.skills <= t.skills | t.uncertified]
    if uncertified:
        missing = sorted(set().union(*(visit.skills - t.skills for t in uncertified)))
        return {
            "rule": "certification",
            "reason": "no technician has a certification valid that day for: " + ", ".join(missing),
            "skills": missing,
        }
    have = set().union(*(t.skills for t in techs))
    missing = sorted(visit.skills - have) or sorted(visit.skills)
    return {
        "rule": "skill",
        "reason": "no technician has the skills: " + ", ".join(missing),
        "skills": missing,
    }


def _timing(day: Day, job: int) -> dict:
    """Someone may take the job: the shift, the window, the break or the work already
    planned (of the same or higher priority, once `fill` has run) stops it."""
    scenario = day.scenario
    visit = scenario.visits[job]
    able = day.able(job)
    n = day.n
    where = 2 * n + job
    window = f"{clock(visit.window[0])[:5]}-{clock(visit.window[1])[:5]}"

    def fits_shift(k: int) -> bool:
        shift = scenario.technicians[k].shift
        return shift[0] + day.m[k][where] + visit.seconds + day.m[where][n + k] <= shift[1]

    if not any(fits_shift(k) for k in able):
        return {
            "rule": "shift",
            "reason": f"{visit.seconds // 60} minutes of work and the drive do not fit in the "
            "shift of any technician who can do it",
            "minutes": visit.seconds // 60,
        }
    if all(day._between(*_day_gap(day, k), job, None, None, 0) is None for k in able):
        return {
            "rule": "window",
            "reason": f"window {window} cannot be served within the shift of any technician "
            "who can do it",
            "window": window,
        }
    if all(day.fit(Route(k), job, margin=0) is None for k in able):
        return {
            "rule": "break",
            "reason": f"within window {window} it would overlap the break of every technician "
            "who can do it",
            "window": window,
        }
    return {
        "rule": "capacity",
        "reason": "not enough time left: every technician who can do it is busy with work of "
        "the same or higher priority",
    }


def _day_gap(day: Day, k: int) -> tuple[int, int, int, int]:
    """A technician's whole shift as one gap, from the start point to the end point."""
    shift = day.scenario.technicians[k].shift
    return shift[0], k, shift[1], day.n + k
