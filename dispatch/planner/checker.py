"""An independent plan checker: verifies every scenario rule and scores a plan.

It shares no code with the engine (its own parsing of the plan, its own travel arithmetic in
plain Python), so an engine bug cannot hide behind the same bug here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

EARTH_RADIUS_KM = 6371.0088


def _secs(text: str) -> int:
    parts = [int(p) for p in str(text).split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)


def _travel(a, b, speed_kmh: float, road_factor: float) -> int:
    lat1, lon1, lat2, lon2 = (math.radians(float(x)) for x in (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
    return round(km * road_factor / speed_kmh * 3600)


@dataclass
class Report:
    violations: list[str] = field(default_factory=list)
    planned: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    travel_seconds: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def score(self) -> tuple[int, int, int, int, int]:
        """Larger is better: planned P1..P4, then less travel."""
        return (
            self.planned[1],
            self.planned[2],
            self.planned[3],
            self.planned[4],
            -self.travel_seconds,
        )


def check(scenario: dict, plan: dict) -> Report:
    """Check a plan against the scenario it answers."""
    report = Report()
    bad = report.violations.append
    speed = float(scenario["travel"]["speed_kmh"])
    factor = float(scenario["travel"]["road_factor"])
    techs = {t["id"]: t for t in scenario.get("technicians", [])}
    visits = {v["id"]: v for v in scenario.get("visits", [])}
    seen: dict = {}

    for item in plan.get("unassigned", []):
        vid = item.get("visit")
        if vid not in visits:
            bad(f"unassigned visit {vid!r} is not in the scenario")
        seen[vid] = seen.get(vid, 0) + 1
        if not str(item.get("reason", "")).strip():
            bad(f"unassigned visit {vid!r} has no reason")

    used_techs: set = set()
    for route in plan.get("routes", []):
        tid = route.get("technician")
        tech = techs.get(tid)
        if tech is None:
            bad(f"route of unknown technician {tid!r}")
            continue
        if tid in used_techs:
            bad(f"technician {tid!r} has two routes")
        used_techs.add(tid)
        _check_route(tech, route, visits, seen, speed, factor, report)

    for vid in visits:
        if seen.get(vid, 0) == 0:
            bad(f"visit {vid!r} is neither planned nor left out with a reason")
        elif seen[vid] > 1:
            bad(f"visit {vid!r} appears {seen[vid]} times")
    return report


def _check_route(tech, route, visits, seen, speed, factor, report: Report) -> None:
    bad = report.violations.append
    tid = tech["id"]
    shift_start, shift_end = _secs(tech["shift"][0]), _secs(tech["shift"][1])
    skills = set(tech.get("skills", []))
    # Activities in time order: (start, end, location); the depot legs bracket them.
    activities = [(shift_start, shift_start, tech["start"])]
    for stop in route.get("stops", []):
        vid = stop.get("visit")
        visit = visits.get(vid)
        if visit is None:
            bad(f"route of {tid!r} has unknown visit {vid!r}")
            continue
        seen[vid] = seen.get(vid, 0) + 1
        begins = _secs(stop["start"])
        ends = begins + int(visit["minutes"]) * 60
        lo, hi = _secs(visit["window"][0]), _secs(visit["window"][1])
        if not lo <= begins <= hi:
            bad(f"visit {vid!r} starts {stop['start']} outside its window {visit['window']}")
        missing = set(visit.get("skills", [])) - skills
        if missing:
            bad(f"visit {vid!r} needs {sorted(missing)} that technician {tid!r} lacks")
        if visit.get("technician") is not None and visit["technician"] != tid:
            bad(f"visit {vid!r} is pinned to {visit['technician']!r}, not {tid!r}")
        report.planned[int(visit["priority"])] += 1
        activities.append((begins, ends, visit["location"]))
    activities.append((shift_end, shift_end, tech["end"]))

    has_visits = len(activities) > 2
    break_span = _break_span(tech, route, has_visits, bad)

    break_placed = break_span is None
    for (_, prev_end, here), (next_start, _, there) in pairwise(activities):
        leg = _travel(here, there, speed, factor)
        if has_visits:
            report.travel_seconds += leg
        gap_needed = leg
        if break_span is not None and not break_placed:
            b0, b1 = break_span
            length = b1 - b0
            # The break fits this gap if the drive fits around it: before, after, or split
            # (pulling over to rest is not driving either).
            if prev_end <= b0 and b1 <= next_start and (b0 - prev_end) + (next_start - b1) >= leg:
                break_placed = True
                gap_needed = leg + length
        if next_start - prev_end < gap_needed and has_visits:
            bad(
                f"technician {tid!r} cannot drive from one stop to the next in time "
                f"(needs {gap_needed} s, has {next_start - prev_end} s)"
            )
    if not break_placed and has_visits:
        bad(f"technician {tid!r}'s break overlaps work or driving")


def _break_span(tech, route, has_visits, bad):
    """The route's break as (start, end) seconds, or None; reports a missing, unknown or
    mistimed break."""
    tid = tech["id"]
    brk = tech.get("break")
    break_at = route.get("break")
    if brk and has_visits and break_at is None:
        bad(f"technician {tid!r} has visits but takes no break")
    if break_at is not None and not brk:
        bad(f"technician {tid!r} takes a break they do not have")
    if not (brk and break_at is not None):
        return None
    b = _secs(break_at)
    if not _secs(brk["earliest"]) <= b <= _secs(brk["latest"]):
        bad(
            f"technician {tid!r} starts the break at {break_at}, outside "
            f"{brk['earliest']}-{brk['latest']}"
        )
    return (b, b + int(brk["minutes"]) * 60)
