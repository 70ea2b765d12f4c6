"""An independent plan checker: verifies every scenario rule and scores a plan.

It shares no code with the engine (its own parsing of the plan, its own travel arithmetic in
plain Python), so an engine bug cannot hide behind the same bug here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise

EARTH_RADIUS_KM = 6371.0088
# A reason is refuted only by a counterexample with this many seconds to spare on each drive,
# so that a rounding second between the engine's matrix and this arithmetic refutes nothing.
SLACK = 60
RULES = ("technician", "skill", "certification", "shift", "window", "break", "capacity")


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
    kept: int = 0  # promised visits planned

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def score(self) -> tuple[int, int, int, int, int, int]:
        """Larger is better: promised visits kept, planned P1..P4, then less travel."""
        return (
            self.kept,
            self.planned[1],
            self.planned[2],
            self.planned[3],
            self.planned[4],
            -self.travel_seconds,
        )


def check(scenario: dict, plan: dict, *, reasons: bool = True) -> Report:
    """Check a plan against the scenario it answers. With `reasons`, every visit left out
    must name the rule that stops it (`rule`), and the rule must hold; promised visits
    (`keep`) must be planned."""
    report = Report()
    bad = report.violations.append
    speed = float(scenario["travel"]["speed_kmh"])
    factor = float(scenario["travel"]["road_factor"])
    techs = {t["id"]: t for t in scenario.get("technicians", [])}
    visits = {v["id"]: v for v in scenario.get("visits", [])}
    # Today re-planned: nothing may be planned before now.
    now = _secs(scenario["now"]) if scenario.get("now") else None
    seen: dict = {}

    for item in plan.get("unassigned", []):
        vid = item.get("visit")
        if vid not in visits:
            bad(f"unassigned visit {vid!r} is not in the scenario")
        elif visits[vid].get("started"):
            bad(f"visit {vid!r} is under way but left out")
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
        _check_route(tech, route, visits, seen, speed, factor, report, now)

    for vid in visits:
        if seen.get(vid, 0) == 0:
            bad(f"visit {vid!r} is neither planned nor left out with a reason")
        elif seen[vid] > 1:
            bad(f"visit {vid!r} appears {seen[vid]} times")
    if reasons:
        _check_reasons(scenario, plan, bad)
    return report


def _check_route(tech, route, visits, seen, speed, factor, report: Report, now=None) -> None:
    bad = report.violations.append
    tid = tech["id"]
    shift_start, shift_end = _secs(tech["shift"][0]), _secs(tech["shift"][1])
    skills = set(tech.get("skills", []))
    # Activities in time order: (start, end, location); the depot legs bracket them.
    activities = [(shift_start, shift_start, tech["start"])]
    for position, stop in enumerate(route.get("stops", [])):
        vid = stop.get("visit")
        visit = visits.get(vid)
        if visit is None:
            bad(f"route of {tid!r} has unknown visit {vid!r}")
            continue
        seen[vid] = seen.get(vid, 0) + 1
        begins = _secs(stop["start"])
        _check_start(tid, vid, visit, position, begins, shift_start, now, bad)
        ends = begins + int(visit["minutes"]) * 60
        lo, hi = _secs(visit["window"][0]), _secs(visit["window"][1])
        if not lo <= begins <= hi:
            bad(f"visit {vid!r} starts {stop['start']} outside its window {visit['window']}")
        _check_taker(vid, visit, tid, skills, report, bad)
        activities.append((begins, ends, visit["location"]))
    has_visits = len(activities) > 1
    break_span = _break_span(tech, route, has_visits, bad)
    day_end = shift_end
    stops = route.get("stops", [])
    if stops and visits.get(stops[-1].get("visit"), {}).get("started"):
        # A route that ends with the visit under way plans nothing after it: when that visit,
        # the break after it and the drive home run past the shift, the overtime is a fact,
        # not the plan's doing.
        _, last_end, last_at = activities[-1]
        after = break_span[1] - break_span[0] if break_span and break_span[0] >= last_end else 0
        day_end = max(shift_end, last_end + after + _travel(last_at, tech["end"], speed, factor))
    activities.append((day_end, day_end, tech["end"]))

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


def _check_taker(vid, visit: dict, tid, skills: set, report, bad) -> None:
    """The rules of who takes a visit (its skills, its pinned technician), and the visit
    counted as planned in `report` (a day's Report or a WeekReport): both checkers share them."""
    missing = set(visit.get("skills", [])) - skills
    if missing:
        bad(f"visit {vid!r} needs {sorted(missing)} that technician {tid!r} lacks")
    if visit.get("technician") is not None and visit["technician"] != tid:
        bad(f"visit {vid!r} is pinned to {visit['technician']!r}, not {tid!r}")
    report.planned[int(visit["priority"])] += 1
    report.kept += bool(visit.get("keep"))


def _check_start(tid, vid, visit, position, begins, shift_start, now, bad) -> None:
    """A visit under way (`started`) stays first on its technician's route, where it is; no
    stop begins before the technician's actual start (the shift's start) or before now."""
    if visit.get("started"):
        if visit.get("technician") != tid:
            bad(f"visit {vid!r} is under way with {visit.get('technician')!r}, not {tid!r}")
        if position != 0:
            bad(f"visit {vid!r} is under way but is not first on {tid!r}'s route")
        if begins != _secs(visit["window"][0]):
            bad(
                f"visit {vid!r} is under way but was moved to {begins // 60 // 60:02d}:"
                f"{begins // 60 % 60:02d}"
            )
    if begins < shift_start:
        bad(f"visit {vid!r} starts before technician {tid!r}'s actual start")
    if now is not None and begins < now:
        bad(f"visit {vid!r} starts before now")


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


def _check_reasons(scenario: dict, plan: dict, bad) -> None:
    """Each visit left out is left out for the rule it names; promised visits are planned."""
    day = _Day(scenario)
    for item in plan.get("unassigned", []):
        visit = day.visits.get(item.get("visit"))
        if visit is None:
            continue
        vid, rule = visit["id"], item.get("rule")
        if visit.get("keep"):
            bad(f"visit {vid!r} has a promised window but is left out")
        if rule not in RULES:
            bad(f"unassigned visit {vid!r} names no rule that stops it ({rule!r})")
            continue
        refuted = day.refute(visit, rule, plan)
        if refuted:
            bad(f"visit {vid!r} is left out for {rule!r}, but {refuted}")


class _Day:
    """The scenario's technicians, visits and routes, to test a claim about one visit."""

    def __init__(self, scenario: dict) -> None:
        self.speed = float(scenario["travel"]["speed_kmh"])
        self.factor = float(scenario["travel"]["road_factor"])
        self.techs = {t["id"]: t for t in scenario.get("technicians", [])}
        self.visits = {v["id"]: v for v in scenario.get("visits", [])}

    def _rank(self, visit: dict) -> int:
        return 0 if visit.get("keep") else int(visit["priority"])

    def refute(self, visit: dict, rule: str, plan: dict) -> str:
        """Why the claim `rule` about a left-out visit is false, or "" when it holds."""
        pinned = visit.get("technician")
        allowed = [t for t in self.techs.values() if pinned is None or t["id"] == pinned]
        needs = set(visit.get("skills", []))
        able = [t for t in allowed if needs <= set(t.get("skills", []))]
        if rule in ("technician", "skill", "certification"):
            return self._refute_staffing(rule, allowed, able, needs)
        if not able:
            return "no technician may take it with the skills it needs"
        for tech in able:
            refuted = self._refute_timing(visit, rule, tech, plan)
            if refuted:
                return refuted
        return ""

    def _refute_staffing(self, rule: str, allowed: list, able: list, needs: set) -> str:
        if rule == "technician":
            return f"technician {allowed[0]['id']!r} may take it" if allowed else ""
        if able:
            return f"technician {able[0]['id']!r} has every skill it needs"
        papers = [
            t for t in allowed if needs <= set(t.get("skills", [])) | set(t.get("uncertified", []))
        ]
        if rule == "skill" and papers:
            return f"technician {papers[0]['id']!r} has the skills, uncertified"
        if rule == "certification" and not papers:
            return "no technician has the skills, certified or not"
        return "" if allowed else "no technician may take it at all"

    def _refute_timing(self, visit: dict, rule: str, tech: dict, plan: dict) -> str:
        start, end = _secs(tech["shift"][0]), _secs(tech["shift"][1])
        go = self._leg(tech["start"], visit["location"]) + SLACK
        back = self._leg(visit["location"], tech["end"]) + SLACK
        alone = [(start, start, tech["start"]), (end, end, tech["end"])]
        route = next((r for r in plan.get("routes", []) if r.get("technician") == tech["id"]), None)
        refutations = {
            "shift": (
                lambda: start + go + int(visit["minutes"]) * 60 + back <= end,
                "it fits in the shift of",
            ),
            "window": (
                lambda: self._gap_fit(visit, alone, None, None),
                "its window fits in the shift of",
            ),
            "break": (
                lambda: self._gap_fit(visit, alone, None, tech.get("break")),
                "it fits beside the break of",
            ),
            "capacity": (
                lambda: self._fits_route(visit, tech, route),
                "it fits in time that is free or taken by lower-priority work on the day of",
            ),
        }
        holds, words = refutations[rule]
        return f"{words} technician {tech['id']!r}" if holds() else ""

    def _leg(self, a, b) -> int:
        return _travel(a, b, self.speed, self.factor)

    def _fits_route(self, visit: dict, tech: dict, route: dict | None) -> bool:
        """Whether the visit fits the technician's route once every stop ranked below it
        (lower priority; a promised visit ranks above all) is taken away."""
        start, end = _secs(tech["shift"][0]), _secs(tech["shift"][1])
        rank = self._rank(visit)
        stays = []
        for stop in (route or {}).get("stops", []):
            other = self.visits.get(stop.get("visit"))
            if other is not None and self._rank(other) <= rank:
                begins = _secs(stop["start"])
                stays.append((begins, begins + int(other["minutes"]) * 60, other["location"]))
        timeline = [(start, start, tech["start"]), *sorted(stays), (end, end, tech["end"])]
        brk = tech.get("break")
        placed = None
        if route is not None and route.get("break") is not None and brk:
            b = _secs(route["break"])
            placed = (b, b + int(brk["minutes"]) * 60)
        free = brk if placed is None and not stays else None
        return self._gap_fit(visit, timeline, placed, free)

    def _gap_fit(self, visit: dict, timeline, placed, free) -> bool:
        """Whether the visit fits between two neighbours of the timeline [(start, end,
        location)], around a break already `placed` (start, end) or one still to place."""
        lo, hi = _secs(visit["window"][0]), _secs(visit["window"][1])
        minutes = int(visit["minutes"]) * 60
        for (_, prev_end, here), (next_start, _, there) in pairwise(timeline):
            go = self._leg(here, visit["location"]) + SLACK
            back = self._leg(visit["location"], there) + SLACK
            if placed is not None and prev_end <= placed[0] and placed[1] <= next_start:
                b0, b1 = placed
                s = max(lo, prev_end + go)
                if s <= hi and s + minutes <= b0 and (b0 - s - minutes) + (next_start - b1) >= back:
                    return True
                s = max(lo, b1, b1 + go - (b0 - prev_end))
                if s <= hi and s + minutes + back <= next_start:
                    return True
                continue
            if free:
                length = int(free["minutes"]) * 60
                earliest, latest = _secs(free["earliest"]), _secs(free["latest"])
                b = max(earliest, prev_end)
                s = max(lo, b + length, prev_end + go + length)
                if b <= latest and s <= hi and s + minutes + back <= next_start:
                    return True
                s = max(lo, prev_end + go)
                b = max(earliest, s + minutes)
                if (
                    s <= hi
                    and b <= latest
                    and b + length <= next_start
                    and next_start - s - minutes - length >= back
                ):
                    return True
                continue
            s = max(lo, prev_end + go)
            if s <= hi and s + minutes + back <= next_start:
                return True
        return False
