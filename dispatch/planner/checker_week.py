"""The independent checker of a week's plan (`fieldservice-scenario/2`): every visit on a day it
may go on, inside its window that day, within that day's shift of that technician, clear of
the break and of the time off, no two stops overlapping (with the drive between), the skills
and the pinned technician, promised visits planned; then the score.

Like checker.py it shares no code with the engine: its own reading of the files, and the
travel arithmetic and time parsing of checker.py, not of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from .checker import _check_taker, _secs, _travel


@dataclass
class WeekReport:
    violations: list[str] = field(default_factory=list)
    planned: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0, 4: 0})
    travel_seconds: int = 0
    kept: int = 0
    overdue: int = 0  # maintenance visits planned after their due day, or left out

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def score(self) -> tuple[int, ...]:
        """Larger is better: promised visits kept, P1..P4 planned, fewer overdue, less travel."""
        p = self.planned
        return (self.kept, p[1], p[2], p[3], p[4], -self.overdue, -self.travel_seconds)


def check(scenario: dict, plan: dict) -> WeekReport:
    report = WeekReport()
    bad = report.violations.append
    speed = float(scenario["travel"]["speed_kmh"])
    factor = float(scenario["travel"]["road_factor"])
    shifts = {
        (t["id"], d["date"]): t for d in scenario.get("days", []) for t in d.get("technicians", [])
    }
    visits = {v["id"]: v for v in scenario.get("visits", [])}
    seen: dict = {}
    day_of: dict = {}

    _check_unassigned(plan, visits, shifts, seen, bad)

    routes_seen: set = set()
    for route in plan.get("routes", []):
        key = (route.get("technician"), route.get("date"))
        tech = shifts.get(key)
        if tech is None:
            bad(f"technician {key[0]!r} does not work on {key[1]!r}")
            continue
        if key in routes_seen:
            bad(f"technician {key[0]!r} has two routes on {key[1]}")
        routes_seen.add(key)
        for stop in route.get("stops", []):
            vid = stop.get("visit")
            if vid in visits:
                seen[vid] = seen.get(vid, 0) + 1
                day_of[vid] = key[1]
        _check_day(tech, key[1], route, visits, speed, factor, report)

    for vid, visit in visits.items():
        if seen.get(vid, 0) == 0:
            bad(f"visit {vid!r} is neither planned nor left out with a reason")
        elif seen[vid] > 1:
            bad(f"visit {vid!r} appears {seen[vid]} times")
        due = visit.get("due")
        if due is not None and (vid not in day_of or day_of[vid] > due):
            report.overdue += 1
    return report


def _check_unassigned(plan: dict, visits: dict, shifts: dict, seen: dict, bad) -> None:
    """Each visit left out is one of the scenario's, with its reason, not a promised one, and
    a claim that nobody could take it holds."""
    for item in plan.get("unassigned", []):
        vid = item.get("visit")
        if vid not in visits:
            bad(f"unassigned visit {vid!r} is not in the scenario")
            continue
        seen[vid] = seen.get(vid, 0) + 1
        if not str(item.get("rule") or item.get("reason") or "").strip():
            bad(f"unassigned visit {vid!r} has no reason")
        if visits[vid].get("keep"):
            bad(f"visit {vid!r} has a promised window but is left out")
        refuted = _refute_staffing(visits[vid], item.get("rule"), shifts)
        if refuted:
            bad(f"visit {vid!r} is left out for {item.get('rule')!r}, but {refuted}")


def _refute_staffing(visit: dict, rule: str | None, shifts: dict) -> str:
    """Why a claim that nobody can take the visit on its days is false, or "": `technician`
    (nobody who may take it works on one of its days), `skill` (nobody working then has its
    skills, even uncertified), `certification` (somebody has them, uncertified only)."""
    if rule not in ("technician", "skill", "certification"):
        return ""
    pinned = visit.get("technician")
    days = visit.get("days") or {}
    allowed = [t for (tid, date), t in shifts.items() if date in days and pinned in (None, tid)]
    needs = set(visit.get("skills", []))
    able = [t for t in allowed if needs <= set(t.get("skills", []))]
    papers = [
        t for t in allowed if needs <= set(t.get("skills", [])) | set(t.get("uncertified", []))
    ]
    if rule == "technician" and allowed:
        return f"technician {allowed[0]['id']!r} may take it on one of its days"
    if rule != "technician" and able:
        return f"technician {able[0]['id']!r} has every skill it needs on one of its days"
    if rule == "skill" and papers:
        return f"technician {papers[0]['id']!r} has the skills, uncertified"
    if rule == "certification" and not papers:
        return "no technician has the skills, certified or not"
    return ""


def _check_day(tech: dict, date: str, route: dict, visits: dict, speed, factor, report) -> None:
    bad = report.violations.append
    tid = tech["id"]
    shift_start, shift_end = _secs(tech["shift"][0]), _secs(tech["shift"][1])
    activities = [(shift_start, shift_start, tech["start"])]
    activities += _check_stops(tech, date, route, visits, report)
    activities.append((shift_end, shift_end, tech["end"]))
    if len(activities) <= 2:
        return
    if sorted(activities[1:-1]) != activities[1:-1]:
        bad(f"technician {tid!r}'s stops on {date} are not in time order")
        return

    pauses = _pauses(tech, date, route, bad)
    # Each pause sits in a gap between two activities; each gap holds its drive and pauses.
    placed = [False] * len(pauses)
    for (_, prev_end, here), (next_start, _, there) in pairwise(activities):
        leg = _travel(here, there, speed, factor)
        report.travel_seconds += leg
        needed = leg
        for n, (p0, p1, _kind) in enumerate(pauses):
            if prev_end <= p0 and p1 <= next_start:
                placed[n] = True
                needed += p1 - p0
        if next_start - prev_end < needed:
            bad(
                f"technician {tid!r} cannot drive from one stop to the next on {date} in time "
                f"(needs {needed} s, has {next_start - prev_end} s)"
            )
    for n, (_p0, _p1, kind) in enumerate(pauses):
        if not placed[n]:
            bad(f"technician {tid!r}'s {kind} on {date} overlaps work or lies outside the shift")


def _check_stops(tech: dict, date: str, route: dict, visits: dict, report) -> list[tuple]:
    """Each stop on one of its days, inside that day's window, with the skills and the
    technician it needs; the stops as (start, end, location)."""
    bad = report.violations.append
    tid = tech["id"]
    skills = set(tech.get("skills", []))
    activities = []
    for stop in route.get("stops", []):
        vid = stop.get("visit")
        visit = visits.get(vid)
        if visit is None:
            bad(f"route of {tid!r} on {date} has unknown visit {vid!r}")
            continue
        window = (visit.get("days") or {}).get(date)
        begins = _secs(stop["start"])
        ends = begins + int(visit["minutes"]) * 60
        if window is None:
            bad(f"visit {vid!r} is planned on {date}, not one of its days")
        elif not _secs(window[0]) <= begins <= _secs(window[1]):
            bad(f"visit {vid!r} starts {stop['start']} on {date}, outside its window {window}")
        _check_taker(vid, visit, tid, skills, report, bad)
        activities.append((begins, ends, visit["location"]))
    return activities


def _pauses(tech: dict, date: str, route: dict, bad) -> list[tuple[int, int, str]]:
    """The day's time off and its break (once, inside its window), as (start, end, kind)."""
    tid = tech["id"]
    pauses = [(_secs(a), _secs(b), "time off") for a, b in tech.get("off", [])]
    brk = tech.get("break")
    if brk and route.get("break") is None:
        bad(f"technician {tid!r} has visits on {date} but takes no break")
    elif route.get("break") is not None and not brk:
        bad(f"technician {tid!r} takes a break on {date} they do not have")
    elif brk:
        b = _secs(route["break"])
        if not _secs(brk["earliest"]) <= b <= _secs(brk["latest"]):
            bad(
                f"technician {tid!r} starts the break on {date} at {route['break']}, "
                "outside its window"
            )
        pauses.append((b, b + int(brk["minutes"]) * 60, "break"))
    return pauses
