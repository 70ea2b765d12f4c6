"""What a plan changes against the schedule now: visits added, moved and left out, the
promised windows it breaks (each customer named), and the totals before and after (visits per
priority, travel time and distance)."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from technicians.models import Technician
from tickets.models import Visit

from ..selectors import technician_colour
from ..travel import travel_source
from .day import company_tz, hhmm


def _route_totals(routes: dict[int, list[tuple[int, str]]], scenario: dict) -> dict:
    """Travel seconds and km over routes {technician: [(visit, start HH:MM[:SS]), ...]}."""
    source = travel_source()
    homes = {t["id"]: tuple(t["start"]) for t in scenario["technicians"]}
    where = {v["id"]: tuple(v["location"]) for v in scenario["visits"]}
    seconds, km = 0, 0.0
    for tech, stops in routes.items():
        points = [homes[tech]] + [where[v] for v, _start in sorted(stops, key=lambda s: s[1])]
        points.append(homes[tech])
        for a, b in pairwise(points):
            seconds += source.seconds(a, b)
            km += source.km(a, b)
    return {"travel_seconds": seconds, "travel_km": round(km, 1)}


def _map_routes(
    routes: dict[int, list[tuple[int, str]]], scenario: dict, names: dict[int, str]
) -> list[dict]:
    """Routes {technician: [(visit, start), ...]} as the preview's map draws them: from home
    through the stops in time order and back (the day map's shape, in the technician's colour)."""
    homes = {t["id"]: t for t in scenario["technicians"]}
    where = {v["id"]: list(v["location"]) for v in scenario["visits"]}
    drawn = []
    for tech, stops in routes.items():
        if tech not in homes or not stops:
            continue
        visits = [v for v, _start in sorted(stops, key=lambda s: s[1])]
        start = list(homes[tech]["start"])
        end = list(homes[tech].get("end") or start)
        drawn.append(
            {
                "technician": tech,
                "name": names.get(tech, ""),
                "colour": technician_colour(tech),
                "visits": visits,
                "points": [start, *(where[v] for v in visits), end],
            }
        )
    return sorted(drawn, key=lambda r: (r["name"], r["technician"]))


def _map(before: dict, after: dict, scenario: dict, names: dict, current: dict) -> dict:
    """The preview's map: the routes now and with the plan, and the visits they pass."""
    where = {v["id"]: list(v["location"]) for v in scenario["visits"]}
    return {
        "before": _map_routes(before, scenario, names),
        "after": _map_routes(after, scenario, names),
        "visits": [
            {
                "visit": vid,
                "number": visit.ticket.number,
                "customer": str(visit.ticket.customer),
                "priority": visit.ticket.priority,
                "at": where[vid],
            }
            for vid, visit in sorted(current.items())
            if vid in where
        ],
    }


def reason_text(item: dict, names: dict[int, str]) -> str:
    """The engine's reason for leaving a visit out, in the reader's language."""
    rule, skills = item.get("rule"), ", ".join(item.get("skills", []))
    if rule == "technician" and item.get("technician") is not None:
        name = names.get(item["technician"]) or str(
            Technician.objects.select_related("user").filter(pk=item["technician"]).first()
        )
        text = _("it stays with %(name)s, who is not working then") % {"name": name}
    elif rule == "technician":
        text = _("no technician works in the hours left that day")
    elif rule == "skill":
        text = _("no technician has the skills: %(skills)s") % {"skills": skills}
    elif rule == "certification":
        text = _("no technician has a certification valid that day for: %(skills)s") % {
            "skills": skills
        }
    elif rule == "shift":
        text = _(
            "%(minutes)s minutes of work and the drive do not fit in the shift of any "
            "technician who can do it"
        ) % {"minutes": item.get("minutes", "?")}
    elif rule == "window":
        text = _(
            "window %(window)s cannot be served within the shift of any technician who can do it"
        ) % {"window": item.get("window", "")}
    elif rule == "break":
        text = _(
            "within window %(window)s it would overlap the break of every technician who can do it"
        ) % {"window": item.get("window", "")}
    elif rule == "capacity":
        text = _(
            "not enough time left: every technician who can do it is busy with work of the "
            "same or higher priority"
        )
    else:
        text = str(item.get("reason", ""))
    return text


def _left_out(
    plan: dict, current: dict, priority: dict, promised: dict, broken: list, names: dict
) -> list:
    """The visits the plan leaves out, and (into `broken`) the promised ones it unschedules."""
    left_out = []
    for item in plan.get("unassigned", []):
        visit = current[int(item["visit"])]
        line = {
            "visit": visit.pk,
            "ticket": visit.ticket.number,
            "priority": priority[visit.pk],
            "customer": str(visit.ticket.customer),
            "reason": reason_text(item, names),
            "rule": item.get("rule", ""),
            "unschedules": visit.status == Visit.Status.SCHEDULED,
        }
        left_out.append(line)
        if line["unschedules"] and visit.pk in promised:
            broken.append({**line, "promised": "-".join(promised[visit.pk]), "rebook": True})
    return left_out


def _not_on_the_map(ids: list[int]) -> list[dict]:
    """The visits the scenario left out because their address has no coordinates yet."""
    reason = _("This address is not on the map yet: place it on the map first.")
    return [
        {
            "visit": visit.pk,
            "ticket": visit.ticket.number,
            "priority": visit.ticket.priority,
            "customer": str(visit.ticket.customer),
            "reason": reason,
            "rule": "not_on_the_map",
            "unschedules": False,
        }
        for visit in Visit.objects.filter(pk__in=ids)
        .select_related("ticket__customer")
        .order_by("ticket__priority", "pk")
    ]


def build_preview(scenario: dict, plan: dict) -> dict:
    """What the plan changes against the schedule now: added, moved, left out, totals."""
    tz = company_tz()
    ids = [v["id"] for v in scenario["visits"]]
    current = {
        v.pk: v
        for v in Visit.objects.filter(pk__in=ids).select_related(
            "ticket__site", "ticket__customer", "technician__user"
        )
    }
    priority = {v["id"]: v["priority"] for v in scenario["visits"]}
    promised = {v["id"]: v["promised"] for v in scenario["visits"] if "promised" in v}
    broken = []
    names = {
        t.pk: str(t)
        for t in Technician.objects.filter(
            pk__in=[t["id"] for t in scenario["technicians"]]
        ).select_related("user")
    }

    before: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for visit in current.values():
        if visit.status in Visit.BUSY_STATUSES and visit.technician_id in names:
            before[visit.technician_id].append((visit.pk, hhmm(visit.planned_start, tz)))
    after: dict[int, list[tuple[int, str]]] = defaultdict(list)
    added, moved, unchanged = [], [], 0
    for route in plan.get("routes", []):
        tech = int(route["technician"])
        for stop in route.get("stops", []):
            vid, start = int(stop["visit"]), stop["start"]
            after[tech].append((vid, start))
            visit = current[vid]
            line = {
                "visit": vid,
                "ticket": visit.ticket.number,
                "priority": priority[vid],
                "customer": str(visit.ticket.customer),
                "technician": names.get(tech, ""),
                "start": start[:5],
            }
            window = promised.get(vid)
            if window is not None and not window[0] <= start[:5] <= window[1]:
                broken.append({**line, "promised": "-".join(window), "rebook": False})
            if visit.status == Visit.Status.UNASSIGNED:
                added.append(line)
            elif visit.technician_id != tech or hhmm(visit.planned_start, tz) != start[:5]:
                line["was"] = (
                    f"{names.get(visit.technician_id, '?')} {hhmm(visit.planned_start, tz)}"
                )
                moved.append(line)
            else:
                unchanged += 1
    left_out = _left_out(plan, current, priority, promised, broken, names)
    left_out += _not_on_the_map(scenario.get("unplaced", []))

    held = [
        {"technician": str(tech), "visits": tech.held}
        for tech in Technician.objects.filter(pk__in=scenario.get("held", []))
        .select_related("user")
        .annotate(
            held=Count(
                "visits",
                filter=Q(
                    visits__status__in=Visit.BUSY_STATUSES,
                    visits__planned_start__date=scenario["date"],
                ),
            )
        )
        .order_by("user__first_name", "user__last_name", "pk")
    ]

    def per_priority(routes):
        counts = {str(p): 0 for p in (1, 2, 3, 4)}
        for stops in routes.values():
            for vid, _start in stops:
                counts[str(priority[vid])] += 1
        return counts

    return {
        "added": added,
        "moved": moved,
        "left_out": left_out,
        "broken_promises": broken,
        "held": held,
        "unchanged": unchanged,
        # Nothing to accept: no technician works in the hours left, or the plan keeps all.
        "nobody_works": not scenario["technicians"],
        "changes": bool(added or moved or any(x["unschedules"] for x in left_out)),
        "before": {"planned": per_priority(before), **_route_totals(before, scenario)},
        "after": {"planned": per_priority(after), **_route_totals(after, scenario)},
        "map": _map(before, after, scenario, names, current),
    }


def _one_day(scenario: dict, plan: dict, date: str) -> tuple[dict, dict]:
    """A week's scenario and plan seen as one of its days (`fieldservice-scenario/1`): that
    day's technicians, the visits that may go on it, and the routes of that date."""
    day = next(d for d in scenario["days"] if d["date"] == date)
    visits = [
        {**{k: v for k, v in visit.items() if k not in ("days", "due")}, "window": window}
        for visit in scenario["visits"]
        for on, window in visit["days"].items()
        if on == date
    ]
    routes = [r for r in plan.get("routes", []) if r.get("date") == date]
    return (
        {**scenario, "date": date, "technicians": day["technicians"], "visits": visits},
        {"routes": routes, "unassigned": []},
    )


def build_week_preview(scenario: dict, plan: dict) -> dict:
    """What a plan of several days changes, per day (added, moved, totals), and for the whole
    range (left out, promises broken, technicians held), with the overdue maintenance visits
    (planned after their due day, or left out)."""
    days = []
    broken: list = []
    for day in scenario["days"]:
        one = build_preview(*_one_day(scenario, plan, day["date"]))
        broken += one["broken_promises"]
        days.append(
            {
                "date": day["date"],
                "technicians": len(day["technicians"]),
                **{k: one[k] for k in ("added", "moved", "unchanged", "before", "after")},
            }
        )
    ids = [v["id"] for v in scenario["visits"]]
    current = {v.pk: v for v in Visit.objects.filter(pk__in=ids).select_related("ticket__customer")}
    priority = {v["id"]: v["priority"] for v in scenario["visits"]}
    promised = {v["id"]: v["promised"] for v in scenario["visits"] if "promised" in v}
    names = {
        t.pk: str(t)
        for t in Technician.objects.filter(
            pk__in={t["id"] for d in scenario["days"] for t in d["technicians"]}
        ).select_related("user")
    }
    left_out = _left_out(plan, current, priority, promised, broken, names)
    left_out += _not_on_the_map(scenario.get("unplaced", []))
    planned_on = {s["visit"]: r["date"] for r in plan.get("routes", []) for s in r["stops"]}
    overdue = sum(
        1
        for v in scenario["visits"]
        if "due" in v and (v["id"] not in planned_on or planned_on[v["id"]] > v["due"])
    )
    first, last = scenario["days"][0]["date"], scenario["days"][-1]["date"]
    held = [
        {"technician": str(tech), "visits": tech.held}
        for tech in Technician.objects.filter(pk__in=scenario.get("held", []))
        .select_related("user")
        .annotate(
            held=Count(
                "visits",
                filter=Q(
                    visits__status__in=Visit.BUSY_STATUSES,
                    visits__planned_start__date__gte=first,
                    visits__planned_start__date__lte=last,
                ),
            )
        )
        .order_by("user__first_name", "user__last_name", "pk")
    ]
    return {
        "days": days,
        "left_out": left_out,
        "broken_promises": broken,
        "held": held,
        "overdue": overdue,
        "nobody_works": not any(d["technicians"] for d in scenario["days"]),
        "changes": bool(
            any(d["added"] or d["moved"] for d in days) or any(x["unschedules"] for x in left_out)
        ),
    }
