"""Reads of the managers' page: every figure of insights.kpis for one scope, the charts' data
(what the browser draws, already aggregated), and the rows each figure counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tickets.models import Ticket, Visit

from . import imports, kpis
from .models import ImportRun

AGE_LABELS = {
    "day": lambda: _("Under a day"),
    "days3": lambda: _("1 to 3 days"),
    "week": lambda: _("3 to 7 days"),
    "month": lambda: _("7 to 30 days"),
    "older": lambda: _("Over 30 days"),
}


@dataclass(frozen=True)
class Figures:
    first_time_fix: kpis.Share
    first_time_fix_weekly: list[tuple[datetime.date, kpis.Share]]
    repeats_by_model: list[dict]
    repeats_by_code: list[dict]
    sla: kpis.SlaFigures
    mean_time_to_repair: kpis.MeanTime
    utilization: list[kpis.Utilization]
    travel_per_visit: kpis.MeanTime
    remote_fixes: kpis.Share
    backlog: list[tuple[str, str, int]]  # key, label, count
    quotes: kpis.QuoteFigures
    revenue_by_kind: list[dict]
    revenue_by_technician: list[dict]
    hour_banks_low: list


def figures(scope: kpis.Scope, *, now: datetime.datetime, today: datetime.date) -> Figures:
    """Every figure of the page, a fixed number of queries whatever the rows."""
    with transaction.atomic():
        without_jit()
        return _figures(scope, now=now, today=today)


def without_jit() -> None:
    """PostgreSQL's JIT compiles each of these aggregates anew (about 0.4 s a query over a
    year of visits, more than the query itself): off for the rest of the caller's
    transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _figures(scope: kpis.Scope, *, now: datetime.datetime, today: datetime.date) -> Figures:
    ftf, ftf_weekly = kpis.first_time_fix(scope)
    kinds = dict(Ticket.Kind.choices)
    by_kind = [
        {**r, "label": kinds.get(r["key"], _("No ticket"))} for r in kpis.revenue_by_kind(scope)
    ]
    by_tech = [
        {**r, "label": r["label"] or _("No visit")} for r in kpis.revenue_by_technician(scope)
    ]
    return Figures(
        first_time_fix=ftf,
        first_time_fix_weekly=ftf_weekly,
        repeats_by_model=kpis.repeats_by_model(scope),
        repeats_by_code=kpis.repeats_by_code(scope),
        sla=kpis.sla_compliance(scope, now),
        mean_time_to_repair=kpis.mean_time_to_repair(scope),
        utilization=utilization_rows(scope),
        travel_per_visit=kpis.travel_per_visit(scope),
        remote_fixes=kpis.remote_fixes(scope),
        backlog=[(k, AGE_LABELS[k](), n) for k, n in kpis.backlog_by_age(scope, now)],
        quotes=kpis.quotes_accepted(scope),
        revenue_by_kind=by_kind,
        revenue_by_technician=by_tech,
        hour_banks_low=list(kpis.hour_banks_low(scope, today)),
    )


@dataclass(frozen=True)
class OrganizationFigures:
    """The figures a client organization's administrator sees about the service it has: no
    technician, no money of the contractor's."""

    first_time_fix: kpis.Share
    first_time_fix_weekly: list[tuple[datetime.date, kpis.Share]]
    sla: kpis.SlaFigures
    mean_time_to_repair: kpis.MeanTime
    visits: kpis.VisitCounts
    backlog: list[tuple[str, str, int]]  # key, label, count
    hour_banks: list


def organization_figures(
    scope: kpis.Scope, *, now: datetime.datetime, today: datetime.date
) -> OrganizationFigures:
    """The organization's figures for a scope narrowed to it (scope.customer), a fixed number
    of queries whatever the rows."""
    if scope.customer is None:
        raise ValueError("an organization's figures need the organization")
    with transaction.atomic():
        without_jit()
        ftf, ftf_weekly = kpis.first_time_fix(scope)
        return OrganizationFigures(
            first_time_fix=ftf,
            first_time_fix_weekly=ftf_weekly,
            sla=kpis.sla_compliance(scope, now),
            mean_time_to_repair=kpis.mean_time_to_repair(scope),
            visits=kpis.visits_made(scope),
            backlog=[(k, AGE_LABELS[k](), n) for k, n in kpis.backlog_by_age(scope, now)],
            hour_banks=list(kpis.hour_banks(scope, today)),
        )


# A page lists this many technicians at most; without an area or technician chosen it lists
# the areas (the demo's 10,000 technicians would be a table nobody reads).
TECHNICIANS_LISTED = 50


def utilization_rows(scope: kpis.Scope) -> list[kpis.Utilization]:
    """The page's utilization: by area, or the first technicians of the one area chosen."""
    if scope.technician is None and not scope.area:
        return kpis.utilization(scope, by_area=True)
    return kpis.utilization(scope)[:TECHNICIANS_LISTED]


def charts(found: Figures) -> dict[str, Any]:
    """What each chart draws: labels and series of plain numbers, words already translated
    (the page passes it to the browser with json_script)."""
    sla_by_week = {week: (r, s) for week, r, s in found.sla.weekly}
    ftf_by_week = dict(found.first_time_fix_weekly)
    weeks = sorted(set(sla_by_week) | set(ftf_by_week))
    none = kpis.Share(0, 0)
    return {
        "trends": {
            "type": "line",
            "labels": [w.isoformat() for w in weeks],
            "series": [
                {
                    "label": _("First-time fix (%)"),
                    "data": [ftf_by_week.get(w, none).percent for w in weeks],
                },
                {
                    "label": _("Response in time (%)"),
                    "data": [sla_by_week.get(w, (none, none))[0].percent for w in weeks],
                },
                {
                    "label": _("Resolved in time (%)"),
                    "data": [sla_by_week.get(w, (none, none))[1].percent for w in weeks],
                },
            ],
        },
        "backlog": {
            "type": "bar",
            "labels": [label for _k, label, _n in found.backlog],
            "series": [{"label": _("Open tickets"), "data": [n for _k, _l, n in found.backlog]}],
        },
        "models": {
            "type": "bar",
            "horizontal": True,
            "labels": [r["label"] for r in found.repeats_by_model],
            "series": [
                {
                    "label": _("Repeat visits within 30 days"),
                    "data": [r["part"] for r in found.repeats_by_model],
                }
            ],
        },
        "utilization": {
            "type": "bar",
            "stacked": True,
            "horizontal": True,
            "labels": [u.technician.name if u.technician else u.area for u in found.utilization],
            "series": [
                {"label": _("Working (%)"), "data": [u.working_share for u in found.utilization]},
                {
                    "label": _("Travelling (%)"),
                    "data": [u.travelling_share for u in found.utilization],
                },
                {"label": _("Idle (%)"), "data": [u.idle_share for u in found.utilization]},
            ],
        },
        "revenue": {
            "type": "bar",
            "labels": [f"{r['label']} ({r['currency']})" for r in found.revenue_by_kind],
            "series": [
                {
                    "label": _("Revenue"),
                    "data": [float(r["revenue"]) for r in found.revenue_by_kind],
                },
                {"label": _("Margin"), "data": [float(r["margin"]) for r in found.revenue_by_kind]},
            ],
        },
    }


# The rows behind each figure: (what they are, the rows). `part` narrows to one side of a share
# or one group ("met"/"missed", "fixed"/"missed", a backlog age, a model's id, a code, a quote's
# status, a kind, a technician's id).
TICKETS, VISITS = "tickets", "visits"
Now = datetime.datetime


def _first_time_fix(scope: kpis.Scope, part: str, now: Now) -> tuple[str, QuerySet]:
    rows = kpis.first_visits(scope)
    if part in ("fixed", "missed"):
        rows = rows.filter(Q(first_time_fix=part == "fixed"))
    return VISITS, rows


def _repeats(scope: kpis.Scope, part: str, now: Now) -> tuple[str, QuerySet]:
    rows = kpis.fixed_visits(scope).filter(Q(repeat=True))
    if part.startswith("model-") and part[6:].isdigit():
        rows = rows.filter(ticket__appliance__model=int(part[6:]))
    elif part.startswith("code-"):
        rows = rows.filter(ticket__error_codes__code=part[5:]).distinct()
    return VISITS, rows


def _clock(clock: str) -> Callable[[kpis.Scope, str, Now], tuple[str, QuerySet]]:
    def rows(scope: kpis.Scope, part: str, now: Now) -> tuple[str, QuerySet]:
        found = kpis.sla_tickets(scope, now)
        if part in ("met", "missed"):
            found = found.filter(Q(**{f"{clock}_{part}": True}))
        return TICKETS, found

    return rows


def _utilization(scope: kpis.Scope, part: str, now: Now) -> tuple[str, QuerySet]:
    rows = kpis.visits_worked(scope)
    if part.isdigit():
        rows = rows.filter(technician=int(part))
    return VISITS, rows


def _quotes(scope: kpis.Scope, part: str, now: Now) -> tuple[str, QuerySet]:
    quoted = kpis.sent_quotes(scope)
    if part:
        quoted = quoted.filter(status=part)
    return TICKETS, Ticket.objects.filter(pk__in=quoted.values("ticket"))


def _revenue(scope: kpis.Scope, part: str, now: Now) -> tuple[str, QuerySet]:
    lines = kpis.invoiced_lines(scope)
    if part.isdigit():
        lines = lines.filter(charge__visit__technician=int(part))
    elif part in Ticket.Kind.values:
        lines = lines.filter(
            Q(charge__ticket__kind=part) | Q(charge__isnull=True, invoice__ticket__kind=part)
        )
    return TICKETS, Ticket.objects.filter(
        Q(pk__in=lines.values("charge__ticket")) | Q(pk__in=lines.values("invoice__ticket"))
    )


FIGURES = {
    "first_time_fix": _first_time_fix,
    "repeats": _repeats,
    "sla_response": _clock("response"),
    "sla_resolution": _clock("resolution"),
    "repair": lambda scope, part, now: (TICKETS, kpis.repaired_tickets(scope)),
    "utilization": _utilization,
    "travel": lambda scope, part, now: (VISITS, kpis.travelled_visits(scope)),
    "remote": lambda scope, part, now: (TICKETS, kpis.remote_fix_tickets(scope)),
    "resolved": lambda scope, part, now: (TICKETS, kpis.resolved_tickets(scope)),
    "backlog": lambda scope, part, now: (TICKETS, kpis.backlog_tickets(scope, now, part)),
    "quotes": _quotes,
    "revenue": _revenue,
}


def counted(
    figure: str, scope: kpis.Scope, *, part: str, now: datetime.datetime
) -> tuple[str, QuerySet]:
    """The tickets or visits `figure` counts, by the same conditions as the figure, narrowed
    by `part`; KeyError for an unknown figure."""
    return FIGURES[figure](scope, part, now)


def listed(kind: str, rows: QuerySet, *, limit: int) -> list:
    """The first `limit` rows to list, with what their lines show."""
    if kind == VISITS:
        return list(
            Visit.objects.filter(pk__in=rows.values("pk"))
            .select_related("ticket__customer", "technician__user", "ticket__appliance__model")
            .order_by("-actual_end", "-pk")[:limit]
        )
    return list(
        Ticket.objects.filter(pk__in=rows.values("pk"))
        .select_related("customer", "appliance__model")
        .order_by("-created_at", "-pk")[:limit]
    )


def headline(
    scope: kpis.Scope, *, now: datetime.datetime, today: datetime.date
) -> dict[str, float | int | None]:
    """The weekly summary's figures, as plain numbers (None where there was nothing to count):
    shares in percent, the mean time to repair in hours, counts."""
    ftf, _weekly = kpis.first_time_fix(scope)
    sla = kpis.sla_compliance(scope, now)
    return {
        "first_time_fix": ftf.percent,
        "response": sla.response.percent,
        "resolution": sla.resolution.percent,
        "repair_hours": kpis.mean_time_to_repair(scope).hours,
        "remote_fixes": kpis.remote_fixes(scope).percent,
        "quotes_accepted": kpis.quotes_accepted(scope).decided.percent,
        "backlog": sum(n for _key, n in kpis.backlog_by_age(scope, now)),
        "hour_banks_low": kpis.hour_banks_low(scope, today).count(),
    }


def import_state(run: ImportRun) -> dict[str, Any]:
    """What the import's page shows: rows written of all, its percentage, and once it is done
    what it wrote (an Imported)."""
    total = run.total
    if run.status == ImportRun.Status.DONE:
        done = total
    elif run.status == ImportRun.Status.RUNNING:
        done = min(imports.progress(run.pk), total)
    else:
        done = 0
    result = imports.Imported.from_json(run.result) if run.result else None
    return {
        "rows_done": done,
        "rows_total": total,
        "percent": int(done * 100 / total) if total else 0,
        "done": result,
    }
