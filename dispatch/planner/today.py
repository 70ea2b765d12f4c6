"""Today as it actually stands, for fitting an emergency in (now.py) and re-planning the rest
of the day (rest_of_day.py): the day plan's scenario from now, with the visits under way in it.

Completed and cancelled visits are out. A visit en route or on site is in the scenario as
`started`: kept on its technician, first, at now, for the time it still holds them (at least
STARTED_MINUTES when it runs late). Each technician sets off from where they are: the site of
the visit under way or of the last one finished today, else home; and not before now.
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fieldservice import texts
from fieldservice.errors import InvalidInput
from technicians.models import Technician
from tickets.models import Visit

from ..travel import travel_source
from .day import _day_bounds, _under_way, build_scenario, company_tz, hhmm, plan_from
from .scenario import clock, seconds
from .services import apply_routes

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A visit on site past its planned end still holds its technician this long from now.
STARTED_MINUTES = 15
FINISHED = (Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE)


def today_scenario(*, now: datetime.datetime) -> tuple[dict, dict[str, int]]:
    """Today's scenario from the actual state at `now`, and the versions of its visits."""
    tz = company_tz()
    today = now.astimezone(tz).date()
    scenario, versions = build_scenario(day=today, now=now)
    opens = plan_from(now, tz)
    scenario["now"] = hhmm(opens, tz)
    techs = {t["id"]: t for t in scenario["technicians"]}
    source = travel_source()
    busy = _under_way(today, tz)
    for tech_id, visit in busy.items():
        entry = techs.get(tech_id)
        site = visit.ticket.site
        if entry is None or not site.is_placed:
            continue
        location = [site.latitude, site.longitude]
        entry["start"] = location
        entry["shift"][0] = scenario["now"]
        shift_end = seconds(entry["shift"][1], "shift")
        held_until = max(visit.planned_end or opens, opens + _minutes(STARTED_MINUTES))
        minutes = math.ceil((held_until - opens).total_seconds() / 60)
        # What is left of the shift after the drive home caps the time it still holds them.
        home = source.seconds(tuple(location), tuple(entry["end"])) + 120
        room = (shift_end - seconds(scenario["now"], "now") - home) // 60
        minutes = max(1, min(minutes, room))
        brk = entry.get("break")
        done = seconds(scenario["now"], "now") + minutes * 60
        if brk and done > seconds(brk["latest"], "break"):
            # Still at work when the break was due: it begins once the visit is done.
            brk["earliest"] = brk["latest"] = clock(done)[:5]
        scenario["visits"].append(
            {
                "id": visit.pk,
                "location": location,
                "minutes": minutes,
                "skills": [],
                "priority": visit.ticket.priority,
                "technician": tech_id,
                "window": [scenario["now"]] * 2,
                "keep": True,
                "started": True,
            }
        )
        versions[str(visit.pk)] = visit.version
    for tech_id, site in _last_finished(today, now, set(techs) - set(busy), tz).items():
        techs[tech_id]["start"] = [site.latitude, site.longitude]
    return scenario, versions


def _minutes(n: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def _last_finished(today: datetime.date, now: datetime.datetime, tech_ids: set, tz: ZoneInfo):
    """The site of each technician's last visit finished today (placed on the map)."""
    day_start, _end = _day_bounds(today, tz)
    finished = (
        Visit.objects.filter(
            technician__in=tech_ids,
            status__in=FINISHED,
            actual_end__gte=day_start,
            actual_end__lte=now,
        )
        .select_related("ticket__site")
        .order_by("actual_end", "pk")
    )
    return {v.technician_id: v.ticket.site for v in finished if v.ticket.site.is_placed}


def current_routes(scenario: dict) -> dict[int, list[tuple[int, int]]]:
    """Each technician's day as it stands: [(visit, start in seconds after midnight)], in
    order; a visit under way at now, where the scenario has it."""
    tz = company_tz()
    ids = [v["id"] for v in scenario["visits"]]
    started = {v["id"]: v for v in scenario["visits"] if v.get("started")}
    techs = {t["id"] for t in scenario["technicians"]}
    routes: dict[int, list[tuple[int, int]]] = {t: [] for t in techs}
    for visit in Visit.objects.filter(pk__in=ids, status__in=Visit.BUSY_STATUSES).order_by(
        "planned_start", "pk"
    ):
        if visit.technician_id not in techs:
            continue
        if visit.pk in started:
            start = seconds(started[visit.pk]["window"][0], "start")
        else:
            start = seconds(hhmm(visit.planned_start, tz), "start")
        routes[visit.technician_id].append((visit.pk, start))
    for stops in routes.values():
        stops.sort(key=lambda s: (s[1], s[0]))
    return routes


def routes_of(plan: dict) -> dict[int, list[tuple[int, int]]]:
    """A plan's routes as {technician: [(visit, start seconds)]}, in order."""
    return {
        int(r["technician"]): sorted(
            ((int(s["visit"]), seconds(s["start"], "start")) for s in r["stops"]),
            key=lambda s: (s[1], s[0]),
        )
        for r in plan.get("routes", [])
    }


def changed_routes(
    scenario: dict,
    before: dict[int, list[tuple[int, int]]],
    after: dict[int, list[tuple[int, int]]],
) -> list[dict]:
    """Only the routes a proposal changes, each stop with its old and new start and whether
    the window promised to its customer moves; and the stops that leave the route."""
    changed = sorted(t for t in set(before) | set(after) if before.get(t, []) != after.get(t, []))
    if not changed:
        return []
    entries = {v["id"]: v for v in scenario["visits"]}
    ids = {v for t in changed for v, _s in before.get(t, []) + after.get(t, [])}
    visits = {
        v.pk: v
        for v in Visit.objects.filter(pk__in=ids).select_related(
            "ticket__customer", "ticket__site", "technician__user"
        )
    }
    names = {t.pk: str(t) for t in Technician.objects.filter(pk__in=changed).select_related("user")}
    was = {v: (t, s) for t, stops in before.items() for v, s in stops}
    now_on = {v: t for t, stops in after.items() for v, _s in stops}
    result = []
    for tech in changed:
        stops = []
        for vid, start in after.get(tech, []):
            visit, entry = visits[vid], entries.get(vid, {})
            old = was.get(vid)
            promised = entry.get("promised")
            new = _hhmm(start)
            stops.append(
                {
                    "visit": vid,
                    "ticket": visit.ticket.number,
                    "priority": visit.ticket.priority,
                    "customer": str(visit.ticket.customer),
                    "address": str(visit.ticket.site),
                    "started": bool(entry.get("started")),
                    "old": _hhmm(old[1]) if old else "",
                    "old_technician": names.get(old[0], str(visits[vid].technician or ""))
                    if old and old[0] != tech
                    else "",
                    "new": new,
                    "moves": old is None or old != (tech, start),
                    "promised": "-".join(promised) if promised else "",
                    "window_moves": bool(promised) and not promised[0] <= new <= promised[1],
                }
            )
        leaving = [
            {
                "visit": vid,
                "ticket": visits[vid].ticket.number,
                "customer": str(visits[vid].ticket.customer),
                "old": _hhmm(start),
                "to": names.get(now_on[vid], "") if vid in now_on else "",
            }
            for vid, start in before.get(tech, [])
            if now_on.get(vid) != tech
        ]
        result.append(
            {"technician": tech, "name": names.get(tech, ""), "stops": stops, "leaving": leaving}
        )
    return result


def _hhmm(total: int) -> str:
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}"


def stale_message(n: int) -> str:
    return ngettext(
        "%(n)d visit changed since this proposal was made; nothing was applied. "
        "Make the proposal again.",
        "%(n)d visits changed since this proposal was made; nothing was applied. "
        "Make the proposal again.",
        n,
    ) % {"n": n}


def no_reason() -> str:
    return _("Say why the day changes: the reason goes into each ticket's history.")


def apply_proposal(*, token: str, salt: str, max_age: int, reason: str, by: User | None) -> dict:
    """Apply a signed proposal of today's routes (a fit-in or a re-plan of the rest of today)
    in one transaction, or nothing if any visit it touches changed since it was made. The
    reason is required and goes into each moved visit's ticket history; customers are told only
    when their promised window moves, technicians of every change. Returns the proposal."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(no_reason(), field="reason")
    texts.ensure_length(reason, limit=texts.REASON, field="reason")
    try:
        proposal = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidInput(
            _("This proposal is too old to apply: make it again."), field="token"
        ) from None
    except signing.BadSignature:
        raise InvalidInput(_("This proposal is not valid: make it again."), field="token") from None
    with transaction.atomic():
        apply_routes(
            day=datetime.date.fromisoformat(proposal["day"]),
            plan=proposal["plan"],
            scenario=proposal["scenario"],
            versions=proposal["versions"],
            by=by,
            reason=reason,
            left_out_reason=lambda text: f"{reason}: {text}",
            stale_message=stale_message,
            quiet_within_window=True,
        )
    return proposal
