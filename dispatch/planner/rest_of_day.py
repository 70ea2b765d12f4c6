"""Re-plan the rest of today from the actual state (completed, running late, cancelled).

Today's scenario from now (today.py), planned by the day plan's engine with every promised
window kept. A promise it cannot keep is opened to the rest of the day in a second round and
listed with the reason the first round gave. A route whose order does not change keeps its
planned times wherever they still work (pushed later only where they must), so that only the
routes that really change are proposed; the checker verifies the whole plan.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fieldservice.errors import PlanInvalid
from technicians.models import Technician
from tickets.models import Visit

from ..models import PlanRun
from .checker import check
from .day import LAST_MINUTE
from .engine import solve_scenario
from .now import TodayRoutes
from .preview import reason_text
from .scenario import clock
from .services import start_run
from .today import (
    apply_proposal,
    changed_routes,
    current_routes,
    routes_of,
    today_scenario,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SALT = "dispatch.planner.rest_of_day"
MAX_AGE = 15 * 60
TIME_LIMIT = 3.0  # seconds of each round: the dispatcher watches the run's progress


def request_rest_of_day(*, by: User | None) -> PlanRun:
    """Queue a re-plan of the rest of today for a planning worker, handed out once committed
    as a day plan is; its page shows the progress, then the routes that change."""
    with transaction.atomic():
        run = PlanRun.objects.create(
            kind=PlanRun.Kind.REST_OF_DAY,
            day=timezone.localdate(),
            time_limit=TIME_LIMIT,
            requested_by=by if by and by.is_authenticated else None,
        )
        transaction.on_commit(functools.partial(start_run, run.pk))
    run.refresh_from_db()  # the hand-out has run unless an outer transaction is still open
    return run


def propose_rest_of_day(
    *,
    now: datetime.datetime | None = None,
    time_limit: float = TIME_LIMIT,
    progress: Callable[[float], None] | None = None,
) -> dict:
    """The rest of today planned again: the changed routes, the promises that cannot be kept
    (and why), the visits left unplanned, and the signed token `apply_rest_of_day` takes.
    Plain values only: a planning worker stores it as its run's preview."""
    now = now or timezone.now()
    data, versions = today_scenario(now=now)
    # The first round is most of the work; a second one, for promises it cannot keep, the rest.
    first_round = None if progress is None else (lambda f: progress(0.7 * f))
    plan = solve_scenario(data, time_limit=time_limit, progress=first_round)
    waiting = {v["id"] for v in data["visits"] if v.get("keep") and not v.get("started")}
    unkept = {u["visit"]: u for u in plan["unassigned"] if u["visit"] in waiting}
    if unkept:
        for entry in data["visits"]:
            if entry["id"] in unkept:
                entry["window"] = [data["now"], LAST_MINUTE]
                entry.pop("keep", None)
        second_round = None if progress is None else (lambda f: progress(0.7 + 0.3 * f))
        plan = solve_scenario(data, time_limit=time_limit, progress=second_round)
    _keep_times(data, plan)
    violations = check(data, plan).violations
    if violations:
        raise PlanInvalid(
            _("The planner produced an invalid plan: %(v)s") % {"v": "; ".join(violations[:3])}
        )
    before = current_routes(data)
    after = {t: [] for t in before} | routes_of(plan)
    routes = changed_routes(data, before, after)
    changed = {r["technician"] for r in routes}
    names = {
        t.pk: str(t)
        for t in Technician.objects.filter(
            pk__in=[t["id"] for t in data["technicians"]]
        ).select_related("user")
    }
    visits = {
        v.pk: v
        for v in Visit.objects.filter(pk__in=[v["id"] for v in data["visits"]]).select_related(
            "ticket__customer"
        )
    }
    planned_at = {v: s for stops in after.values() for v, s in stops}
    promises = []
    for vid, first in unkept.items():
        entry = next(v for v in data["visits"] if v["id"] == vid)
        promises.append(
            {
                "ticket": visits[vid].ticket.number,
                "customer": str(visits[vid].ticket.customer),
                "promised": "-".join(entry["promised"]),
                "new": clock(planned_at[vid])[:5] if vid in planned_at else "",
                "reason": reason_text(first, names),
            }
        )
    left_out = [
        {
            "ticket": visits[int(u["visit"])].ticket.number,
            "customer": str(visits[int(u["visit"])].ticket.customer),
            "unschedules": visits[int(u["visit"])].status == Visit.Status.SCHEDULED,
            "reason": reason_text(u, names),
        }
        for u in plan["unassigned"]
    ]
    dropped = [u for u in plan["unassigned"] if visits[int(u["visit"])].status != "unassigned"]
    touched = {str(v) for r in routes for s in r["stops"] for v in [s["visit"]]}
    touched |= {str(v["visit"]) for r in routes for v in r["leaving"]}
    touched |= {str(u["visit"]) for u in dropped}
    proposal = {
        "day": data["date"],
        "plan": {
            "routes": [r for r in plan["routes"] if int(r["technician"]) in changed],
            "unassigned": dropped,
        },
        "scenario": {
            "visits": [
                {k: v for k, v in entry.items() if k in ("id", "started", "promised")}
                for entry in data["visits"]
                if str(entry["id"]) in touched
            ]
        },
        "versions": {pk: versions[pk] for pk in sorted(touched)},
    }
    return {
        "routes": routes,
        "promises": promises,
        "left_out": left_out,
        "now": data["now"],
        "changes": bool(routes or dropped),
        "token": signing.dumps(proposal, salt=SALT, compress=True),
    }


def _keep_times(data: dict, plan: dict) -> None:
    """Each route at the times already planned wherever they still work: pushed later only
    where the drive, the break or the shift needs it, and only where that breaks no promise
    the engine kept. The route is left as the engine planned it otherwise."""
    today = TodayRoutes(data)
    before = current_routes(data)
    planned = {today.index[v]: s for stops in before.values() for v, s in stops if v in today.index}
    vehicles = {t.id: k for k, t in enumerate(today.scenario.technicians)}
    for route in plan["routes"]:
        k = vehicles[route["technician"]]
        seq = [today.index[s["visit"]] for s in route["stops"]]
        line = today.timeline(k, seq, planned)
        if line is None:
            continue
        kept = all(
            today.hard[j][0] <= s <= today.hard[j][1] and _in(data["visits"][j], s)
            for j, s in line.stops
        )
        if kept:
            route["stops"] = [
                {"visit": today.scenario.visits[j].id, "start": clock(s)} for j, s in line.stops
            ]
            route.pop("break", None)
            if line.break_at is not None:
                route["break"] = clock(line.break_at)


def _in(entry: dict, start: int) -> bool:
    """Whether a start is inside the window the scenario gives the visit."""
    lo, hi = (int(x[:2]) * 3600 + int(x[3:5]) * 60 for x in entry["window"])
    return lo <= start <= hi


def apply_rest_of_day(
    *, token: str, reason: str, by: User | None, run: PlanRun | None = None
) -> None:
    """Apply a re-plan of the rest of today in one transaction, or nothing if any visit it
    touches changed since; the reason goes into each ticket's history, and the run it was
    proposed by (if given) is marked applied."""
    with transaction.atomic():
        apply_proposal(token=token, salt=SALT, max_age=MAX_AGE, reason=reason, by=by)
        if run is not None:
            PlanRun.objects.filter(
                pk=run.pk, kind=PlanRun.Kind.REST_OF_DAY, status=PlanRun.Status.READY
            ).update(status=PlanRun.Status.APPLIED)
