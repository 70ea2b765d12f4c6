"""Fit an emergency (P1) in now, with the least disruption to today's routes.

Today's scenario from the actual state (today.py); each technician's route as it stands. The
emergency is tried in every position of the route of every technician who may take it (after
the visit under way, which never moves); the visits after it are pushed later as the drive,
the shift, the break and their hard windows allow, never earlier than they are planned. The
cheapest insertion wins: first the fewest promised windows it moves, then the extra driving
plus how long the emergency waits. A short repair pass then moves a visit whose promise the
insertion broke to another technician's route, where that breaks nothing. Only the changed
routes are proposed; the independent checker verifies them before they are offered.

The proposal travels to the page and back signed (django.core.signing), with the versions of
every visit it touches: `apply_fit_in` refuses it, nothing changed, if any of them changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import InvalidInput, PlanInvalid, TransitionNotAllowed
from tickets.models import Ticket, Visit

from .checker import check
from .day import LAST_MINUTE
from .engine import _matrix
from .leftovers import Day
from .scenario import Scenario, clock, parse, seconds
from .today import (
    apply_proposal,
    changed_routes,
    current_routes,
    routes_of,
    today_scenario,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MARGIN = 30  # seconds to spare on each drive that changes (the checker's arithmetic is its own)
SALT = "dispatch.planner.fit_in"
MAX_AGE = 15 * 60  # a proposal older than this is made again


@dataclass
class Timeline:
    stops: list[tuple[int, int]]  # (job, start seconds)
    break_at: int | None
    travel: int
    broken: int  # promised windows it leaves


class TodayRoutes:
    """The parsed scenario with each visit's hard window and the window promised, if any."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.scenario: Scenario = parse(data)
        self.matrix = _matrix(self.scenario)
        self.day = Day(self.scenario, self.matrix)
        self.m = self.day.m
        self.n = len(self.scenario.technicians)
        self.now = seconds(data["now"], "now")
        last = seconds(LAST_MINUTE, "last")
        self.index = {v.id: j for j, v in enumerate(self.scenario.visits)}
        self.hard: list[tuple[int, int]] = []
        self.promised: list[tuple[int, int] | None] = []
        for entry, visit in zip(data["visits"], self.scenario.visits, strict=True):
            if "promised" in entry and visit.keep:
                # A booked visit's promise can move (the customer is told); only the day
                # bounds it. A waiting visit's window (the emergency's own) holds.
                self.hard.append((self.now, last))
                lo, hi = (seconds(x, "promised") for x in entry["promised"])
                self.promised.append((lo, hi))
            else:
                self.hard.append(visit.window)
                self.promised.append(None)

    def timeline(self, k: int, seq: list[int], planned: dict[int, int]) -> Timeline | None:
        """Vehicle k doing `seq` in order, each job no earlier than planned (when it is), or
        None when the drive, a hard window, the break or the shift cannot allow it."""
        tech = self.scenario.technicians[k]
        brk = tech.break_
        t, here, travel = tech.shift[0], k, 0
        break_at = None
        taken = brk is None or not seq
        stops, broken = [], 0
        for j in seq:
            visit = self.scenario.visits[j]
            where = 2 * self.n + j
            leg = self.m[here][where]
            lo, hi = self.hard[j]
            s = self._start(t, leg, lo, planned.get(j))
            if not taken and s + visit.seconds > brk.latest:  # type: ignore[union-attr]
                b = max(t, brk.earliest)  # type: ignore[union-attr]
                if b > brk.latest:  # type: ignore[union-attr]
                    return None
                break_at, taken = b, True
                s = max(s, self._start(b + brk.seconds, leg, lo, None))  # type: ignore[union-attr]
            if s > hi:
                return None
            promise = self.promised[j]
            broken += promise is not None and not promise[0] <= s <= promise[1]
            stops.append((j, s))
            travel += leg
            t, here = s + visit.seconds, where
        if not taken:
            b = max(t, brk.earliest)  # type: ignore[union-attr]
            if b > brk.latest:  # type: ignore[union-attr]
                return None
            break_at, t = b, b + brk.seconds  # type: ignore[union-attr]
        leg = self.m[here][self.n + k]
        if seq and t + leg + (MARGIN if leg else 0) > tech.shift[1]:
            return None
        return Timeline(stops, break_at, travel + leg, broken)

    @staticmethod
    def _start(t: int, leg: int, lo: int, planned: int | None) -> int:
        """Where a job can start after `t` and the drive: where it is planned if that still
        works, else as early as it can, with a margin, on the whole minute."""
        if planned is not None and planned >= t + leg and planned >= lo:
            return planned
        earliest = max(t + leg + (MARGIN if leg else 0), lo)
        return -(-earliest // 60) * 60


def _cost(today: TodayRoutes, line: Timeline, before: Timeline | None, job: int) -> tuple:
    waits = next(s for j, s in line.stops if j == job) - today.now
    extra = line.travel - (before.travel if before else 0)
    return (line.broken - (before.broken if before else 0), extra + waits)


def propose_fit_in(*, visit: Visit, now: datetime.datetime | None = None) -> dict:
    """The cheapest way to fit `visit` (an unassigned P1 visit) into today now: the changed
    routes, each moved visit with its old and new start and whether its promise moves; and
    the signed token that `apply_fit_in` takes."""
    now = now or timezone.now()
    if visit.status != Visit.Status.UNASSIGNED:
        raise TransitionNotAllowed(
            _("Only a visit waiting in the queue can be fitted in; this one is %(status)s.")
            % {"status": visit.get_status_display()}
        )
    if visit.ticket.priority != Ticket.Priority.P1:
        raise InvalidInput(_("Only an emergency (P1) visit can be fitted in now."))
    data, versions = today_scenario(now=now)
    today = TodayRoutes(data)
    job = today.index.get(visit.pk)
    if job is None:
        raise InvalidInput(
            _(
                "This visit cannot be planned today: its address is not on the map, its "
                "window is on another day or its ticket is not open."
            )
        )
    before_routes = current_routes(data)
    vehicles = {t.id: k for k, t in enumerate(today.scenario.technicians)}
    seqs = {
        vehicles[t]: [today.index[v] for v, _s in stops if v in today.index]
        for t, stops in before_routes.items()
    }
    planned = {today.index[v]: s for stops in before_routes.values() for v, s in stops}
    started = {today.index[v["id"]] for v in data["visits"] if v.get("started")}
    now_lines = {k: today.timeline(k, seq, planned) for k, seq in seqs.items()}

    candidates = []
    for k in today.day.able(job):
        seq = seqs.get(k, [])
        first = sum(1 for j in seq[:1] if j in started)
        for position in range(first, len(seq) + 1):
            line = today.timeline(k, [*seq[:position], job, *seq[position:]], planned)
            if line is not None:
                candidates.append((_cost(today, line, now_lines.get(k), job), k, line))
    candidates.sort(key=lambda c: (c[0], c[1]))
    for _cost_key, k, line in candidates:
        lines = {k: line}
        _repair(today, lines, seqs, planned, now_lines, started, job)
        plan = _plan(today, lines)
        scenario = _sub_scenario(data, today, lines)
        if check(scenario, plan).ok:
            break
    else:
        raise PlanInvalid(
            _("Nobody who can do this visit can fit it in today: every route is full.")
        )
    touched = {str(today.scenario.visits[j].id) for ln in lines.values() for j, _s in ln.stops}
    after = dict(before_routes)
    after.update(routes_of(plan))
    proposal = {
        "visit": visit.pk,
        "day": data["date"],
        "plan": plan,
        "scenario": scenario,
        "versions": {pk: versions[pk] for pk in sorted(touched | {str(visit.pk)})},
    }
    return {
        "routes": changed_routes(data, before_routes, after),
        "token": signing.dumps(proposal, salt=SALT, compress=True),
        "now": data["now"],
    }


def _repair(today, lines, seqs, planned, now_lines, started, job) -> None:
    """Move each visit whose promise the insertion broke to another route that keeps it."""
    (k,) = lines
    for j, s in list(lines[k].stops):
        promise = today.promised[j]
        if j in (job,) or j in started or promise is None or promise[0] <= s <= promise[1]:
            continue
        if today.hard[j][0] == today.hard[j][1]:
            continue  # pinned to its time
        rest = [x for x, _s in lines[k].stops if x != j]
        shorter = today.timeline(k, rest, planned)
        if shorter is None or shorter.broken >= lines[k].broken:
            continue
        best = None
        for other in today.day.able(j):
            if other == k or other in lines:
                continue
            seq = seqs.get(other, [])
            first = sum(1 for x in seq[:1] if x in started)
            base = now_lines.get(other)
            for position in range(first, len(seq) + 1):
                line = today.timeline(other, [*seq[:position], j, *seq[position:]], planned)
                if line is None or line.broken > (base.broken if base else 0):
                    continue
                extra = line.travel - (base.travel if base else 0)
                if best is None or extra < best[0]:
                    best = (extra, other, line)
        if best is not None:
            lines[k] = shorter
            lines[best[1]] = best[2]
            return  # a second changed route at most: the least disruption


def _plan(today: TodayRoutes, lines: dict[int, Timeline]) -> dict:
    routes = []
    for k, line in sorted(lines.items()):
        entry: dict = {
            "technician": today.scenario.technicians[k].id,
            "stops": [
                {"visit": today.scenario.visits[j].id, "start": clock(s)} for j, s in line.stops
            ],
        }
        if line.break_at is not None:
            entry["break"] = clock(line.break_at)
        routes.append(entry)
    return {"routes": routes, "unassigned": []}


def _sub_scenario(data: dict, today: TodayRoutes, lines: dict[int, Timeline]) -> dict:
    """The scenario of the changed routes alone, each promise that may move as a soft one:
    what the checker verifies (and apply_routes reads: under way, promised)."""
    techs = {today.scenario.technicians[k].id for k in lines}
    ids = {today.scenario.visits[j].id for line in lines.values() for j, _s in line.stops}
    visits = []
    for original in data["visits"]:
        if original["id"] not in ids:
            continue
        entry = dict(original)
        j = today.index[entry["id"]]
        if today.promised[j] is not None:
            entry["window"] = [clock(x)[:5] for x in today.hard[j]]
            entry.pop("keep", None)
        visits.append(entry)
    return {
        **{k: v for k, v in data.items() if k not in ("technicians", "visits")},
        "technicians": [t for t in data["technicians"] if t["id"] in techs],
        "visits": visits,
    }


def apply_fit_in(*, token: str, reason: str, by: User | None) -> int:
    """Apply a fit-in proposal in one transaction: the visits move, the customers whose
    window moves and the technicians whose route changes are told, the reason is in each
    ticket's history. Refused, nothing changed, when any visit changed since the proposal.
    Returns the emergency visit's id."""
    proposal = apply_proposal(token=token, salt=SALT, max_age=MAX_AGE, reason=reason, by=by)
    return int(proposal["visit"])
