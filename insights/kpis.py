"""The managers' figures, each defined once here: one function per figure, whose docstring says
exactly what it counts, computed by SQL aggregates over a period and the page's filters.

Every figure has a twin that returns the rows it counts (`*_rows`), so the page's links list
exactly what a number was made of, by the same conditions. A period is [start, end) in UTC;
weeks start on Monday in the company's time zone.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat

from billing.models import ChargeLine, Invoice, InvoiceLine, Quote
from contracts.models import ServiceContract
from contracts.selectors import with_hours_left
from customers.models import Customer
from dispatch.selectors import company_tz
from technicians.models import Technician, WorkingHours
from tickets import selectors as ticket_selectors
from tickets.models import Ticket, Visit

from .models import TicketSummary, VisitSummary

REPEAT_DAYS = 30
TOP = 10
ZERO_TIME = datetime.timedelta(0)
DONE_VISITS = (Visit.Status.COMPLETED, Visit.Status.CANNOT_COMPLETE)
# Backlog ages: (key, from days, to days); None is open-ended.
AGES = (("day", 0, 1), ("days3", 1, 3), ("week", 3, 7), ("month", 7, 30), ("older", 30, None))


@dataclass(frozen=True)
class Scope:
    """The period and the filters every figure is computed over; empty filters narrow nothing.
    `area` is a technician's area (Technician.region)."""

    start: datetime.datetime
    end: datetime.datetime
    area: str = ""
    technician: Technician | None = None
    customer: Customer | None = None
    contract: ServiceContract | None = None
    kind: str = ""
    category: str = ""


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, and the share in percent (None of nothing)."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


# --- the filters, as conditions on each kind of row ------------------------------------------


def _ticket_q(scope: Scope, to_ticket: str = "") -> Q:
    """The filters that belong to the ticket, reached from a row through `to_ticket`."""
    p = f"{to_ticket}__" if to_ticket else ""
    q = Q()
    if scope.customer is not None:
        q &= Q(**{f"{p}customer": scope.customer})
    if scope.contract is not None:
        q &= Q(**{f"{p}contract": scope.contract})
    if scope.kind:
        q &= Q(**{f"{p}kind": scope.kind})
    if scope.category:
        # A ticket for an appliance not registered yet names its model instead.
        q &= Q(**{f"{p}appliance__model__category": scope.category}) | Q(
            **{f"{p}appliance__isnull": True, f"{p}appliance_model__category": scope.category}
        )
    return q


def _worked_q(scope: Scope, ticket_ref: str) -> Q:
    """A ticket-level row matches the technician and area filters when the ticket had a visit
    (not cancelled) by that technician, or by one of that area."""
    if scope.technician is None and not scope.area:
        return Q()
    visits = Visit.objects.filter(ticket=OuterRef(ticket_ref)).exclude(
        status=Visit.Status.CANCELLED
    )
    if scope.technician is not None:
        visits = visits.filter(technician=scope.technician)
    if scope.area:
        visits = visits.filter(technician__region=scope.area)
    return Q(Exists(visits))


def _tickets(scope: Scope) -> QuerySet[Ticket]:
    return Ticket.objects.filter(_ticket_q(scope), _worked_q(scope, "pk"))


def _ticket_summary_q(scope: Scope) -> Q:
    """The filters that belong to the ticket, on a ticket's or a visit's summary (the fields
    of insights.TicketFilters, the ticket's copied beside each summary row)."""
    q = Q()
    if scope.customer is not None:
        q &= Q(customer=scope.customer)
    if scope.contract is not None:
        q &= Q(contract=scope.contract)
    if scope.kind:
        q &= Q(kind=scope.kind)
    if scope.category:
        q &= Q(category=scope.category)
    return q


def _ticket_summaries(scope: Scope) -> QuerySet[TicketSummary]:
    """The tickets' summaries of _tickets: the ticket's filters, and the technician's and
    area's through the ticket's visits."""
    return TicketSummary.objects.filter(_ticket_summary_q(scope), _worked_q(scope, "ticket_id"))


def _visit_q(scope: Scope) -> Q:
    q = _ticket_q(scope, "ticket")
    if scope.technician is not None:
        q &= Q(technician=scope.technician)
    if scope.area:
        q &= Q(technician__region=scope.area)
    return q


def _in(field: str, scope: Scope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lt": scope.end})


def _weekly(
    rows: Sequence[Mapping[str, Any]], part: str, whole: str
) -> list[tuple[datetime.date, Share]]:
    return [(r["week"], Share(r[part], r[whole])) for r in rows if r["week"] is not None]


# --- first-time fix and repeat visits ---------------------------------------------------------
# Counted on insights.VisitSummary, one row per visit made with its follow-ups decided when
# a visit of its ticket or appliance changed: a year's figures read one table, where reading
# the follow-ups from the visits joined the year's visits to the tickets twice.


def _summary_q(scope: Scope, *, area: bool = True) -> Q:
    """The page's filters on a visit's summary (its ticket's fields copied beside it); the
    area's too unless `area` is False (a caller that reads the technicians' area itself)."""
    q = _ticket_summary_q(scope)
    if scope.technician is not None:
        q &= Q(technician=scope.technician)
    if scope.area and area:
        q &= Q(area=scope.area)
    return q


def _first_summaries(scope: Scope) -> QuerySet[VisitSummary]:
    return VisitSummary.objects.filter(
        _in("ended_at", scope), _summary_q(scope), status__in=DONE_VISITS, is_first=True
    )


def first_visits(scope: Scope) -> QuerySet[Visit]:
    """The first visit of each ticket that ended (completed or could not complete) in the
    period, each annotated `first_time_fix`: its outcome was "fixed" and no other visit (not
    cancelled) came after it for the same ticket, nor within 30 days of its end for the same
    appliance under another ticket."""
    return Visit.objects.filter(pk__in=_first_summaries(scope).values("visit")).annotate(
        first_time_fix=F("insight_summary__first_time_fix")
    )


def first_time_fix(scope: Scope) -> tuple[Share, list[tuple[datetime.date, Share]]]:
    """First-time fix rate: of the tickets whose first visit ended in the period (see
    first_visits), the share fixed on that visit with no follow-up; overall and by week of
    the visit's end."""
    rows = list(
        _first_summaries(scope)
        .values(week=F("ended_week"))
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(first_time_fix=True)))
        .order_by("week")
    )
    total = Share(sum(r["part"] for r in rows), sum(r["whole"] for r in rows))
    return total, _weekly(rows, "part", "whole")


def _fixed_summaries(scope: Scope) -> QuerySet[VisitSummary]:
    return VisitSummary.objects.filter(
        _in("ended_at", scope),
        _summary_q(scope),
        status=Visit.Status.COMPLETED,
        outcome=Visit.Outcome.FIXED,
        appliance__isnull=False,
    )


def fixed_visits(scope: Scope) -> QuerySet[Visit]:
    """Visits completed "fixed" that ended in the period, on a registered appliance, each
    annotated `repeat`: another visit (not cancelled) to the same appliance started within 30
    days after it ended."""
    return Visit.objects.filter(pk__in=_fixed_summaries(scope).values("visit")).annotate(
        repeat=F("insight_summary__came_back")
    )


def _top_repeats(
    fixed: QuerySet[VisitSummary], key: str, label: Any, *, distinct: bool = False
) -> list[dict]:
    """The TOP groups of `fixed` by their repeats, most first (then by label), each with its
    fixed visits and repeats. Two steps, both read through an index: the repeats (a few in a
    hundred fixes) by group, then all the fixes of the TOP groups only, where one pass counted
    the fixes of every group."""
    parts = sorted(
        fixed.filter(came_back=True)
        .values(key=F(key))
        .annotate(label=label, part=Count("pk", distinct=distinct))
        .order_by(),
        key=lambda r: (-r["part"], r["label"] or ""),
    )[:TOP]
    keys = [r["key"] for r in parts]
    top = Q(**{f"{key}__in": [k for k in keys if k is not None]})
    if None in keys:
        top |= Q(**{f"{key}__isnull": True})
    wholes = dict(
        fixed.filter(top)
        .values(key=F(key))
        .annotate(whole=Count("pk", distinct=distinct))
        .order_by()
        .values_list("key", "whole")
    )
    return [
        {**r, "whole": wholes.get(r["key"], 0), "share": Share(r["part"], wholes.get(r["key"], 0))}
        for r in parts
    ]


def repeats_by_model(scope: Scope) -> list[dict]:
    """Repeat visits within 30 days per appliance model: for the ten models with the most,
    the fixed visits of the period (fixed_visits), how many were followed by another visit to
    the same appliance within 30 days, and the share. Keys: key (model id), label, whole,
    part, share."""
    label = Concat(
        "appliance_model__manufacturer",
        Value(" "),
        "appliance_model__model_number",
        output_field=CharField(),
    )
    return _top_repeats(_fixed_summaries(scope), "appliance_model", label)


def repeats_by_code(scope: Scope) -> list[dict]:
    """Repeat visits within 30 days per error code: as repeats_by_model, grouped by each
    catalog error code the visit's ticket matched (a ticket with two codes counts under both);
    codes are grouped by their text, whatever model they belong to."""
    # The code annotated once and filtered on: filtering on the relation and then grouping by
    # it joined the tickets' codes twice (every pair of a ticket's codes, then DISTINCT).
    coded = (
        _fixed_summaries(scope)
        .annotate(code=F("ticket__error_codes__code"))
        .filter(code__isnull=False)
    )
    return _top_repeats(coded, "code", F("code"), distinct=True)


# --- SLA, time to repair ----------------------------------------------------------------------
# Counted on insights.TicketSummary, one narrow row per ticket kept with its status and clocks
# (and whether a visit of it was completed or set out): a year's figures read it instead of the
# wide tickets' table and their visits.


def sla_tickets(scope: Scope, now: datetime.datetime) -> QuerySet[Ticket]:
    """Tickets opened in the period and not cancelled, each annotated with the state of its
    two clocks: `response_met` / `response_missed` (first public reply or scheduled visit by
    response_due_at; missed once late, or unanswered past due at `now`), and
    `resolution_met` / `resolution_missed` likewise with resolved_at and sla_due_at. A clock
    still running before its due time is neither."""
    return (
        _tickets(scope)
        .filter(_in("created_at", scope))
        .exclude(status=Ticket.Status.CANCELLED)
        .annotate(
            response_met=Q(responded_at__lte=F("response_due_at")),
            response_missed=Q(responded_at__gt=F("response_due_at"))
            | Q(responded_at__isnull=True, response_due_at__lt=now),
            resolution_met=Q(resolved_at__lte=F("sla_due_at")),
            resolution_missed=Q(resolved_at__gt=F("sla_due_at"))
            | Q(resolved_at__isnull=True, sla_due_at__lt=now),
        )
    )


@dataclass(frozen=True)
class SlaFigures:
    response: Share
    resolution: Share
    weekly: list[tuple[datetime.date, Share, Share]]


def sla_compliance(scope: Scope, now: datetime.datetime) -> SlaFigures:
    """SLA compliance for response and resolution: of the tickets opened in the period whose
    clock is decided (met, or missed: see sla_tickets), the share met; overall and by week
    opened."""
    response_met = Q(responded_at__lte=F("response_due_at"))
    response_missed = Q(responded_at__gt=F("response_due_at")) | Q(
        responded_at__isnull=True, response_due_at__lt=now
    )
    resolution_met = Q(resolved_at__lte=F("resolution_due_at"))
    resolution_missed = Q(resolved_at__gt=F("resolution_due_at")) | Q(
        resolved_at__isnull=True, resolution_due_at__lt=now
    )
    rows = list(
        _ticket_summaries(scope)
        .filter(_in("opened_at", scope))
        .exclude(status=Ticket.Status.CANCELLED)
        .values(week=F("opened_week"))
        .annotate(
            r_met=Count("pk", filter=response_met),
            r_all=Count("pk", filter=response_met | response_missed),
            s_met=Count("pk", filter=resolution_met),
            s_all=Count("pk", filter=resolution_met | resolution_missed),
        )
        .order_by("week")
    )
    return SlaFigures(
        response=Share(sum(r["r_met"] for r in rows), sum(r["r_all"] for r in rows)),
        resolution=Share(sum(r["s_met"] for r in rows), sum(r["s_all"] for r in rows)),
        weekly=[
            (r["week"], Share(r["r_met"], r["r_all"]), Share(r["s_met"], r["s_all"])) for r in rows
        ],
    )


def repaired_tickets(scope: Scope) -> QuerySet[Ticket]:
    """Tickets resolved in the period (resolved_at) after at least one completed visit: the
    field repairs, not the remote fixes."""
    completed = Visit.objects.filter(ticket=OuterRef("pk"), status=Visit.Status.COMPLETED)
    return (
        _tickets(scope)
        .filter(_in("resolved_at", scope), Exists(completed))
        .exclude(status=Ticket.Status.CANCELLED)
    )


@dataclass(frozen=True)
class MeanTime:
    count: int
    mean: datetime.timedelta | None

    @property
    def hours(self) -> float | None:
        return None if self.mean is None else round(self.mean.total_seconds() / 3600, 1)

    @property
    def minutes(self) -> int | None:
        return None if self.mean is None else round(self.mean.total_seconds() / 60)


def mean_time_to_repair(scope: Scope) -> MeanTime:
    """Mean time to repair: over the tickets of repaired_tickets, the mean time from opening
    (created_at) to resolution (resolved_at), in wall-clock time (not business hours)."""
    found = (
        _ticket_summaries(scope)
        .filter(_in("resolved_at", scope), repaired=True)
        .exclude(status=Ticket.Status.CANCELLED)
        .aggregate(
            n=Count("pk"),
            mean=Avg(
                ExpressionWrapper(F("resolved_at") - F("opened_at"), output_field=DurationField())
            ),
        )
    )
    return MeanTime(found["n"], found["mean"])


@dataclass(frozen=True)
class VisitCounts:
    completed: int
    not_completed: int

    @property
    def total(self) -> int:
        return self.completed + self.not_completed


def visits_made(scope: Scope) -> VisitCounts:
    """Visits made: the visits that ended in the period (completed, or could not complete),
    with the filters of the visit and its ticket, counted by how they ended."""
    found = VisitSummary.objects.filter(
        _in("ended_at", scope), _summary_q(scope), status__in=DONE_VISITS
    ).aggregate(
        completed=Count("pk", filter=Q(status=Visit.Status.COMPLETED)),
        not_completed=Count("pk", filter=Q(status=Visit.Status.CANNOT_COMPLETE)),
    )
    return VisitCounts(**found)


# --- technicians' time ------------------------------------------------------------------------


def _weekday_counts(scope: Scope) -> list[int]:
    """How many of each weekday (Monday 0) the period holds, as local days."""
    tz = company_tz()
    first = scope.start.astimezone(tz).date()
    last = (scope.end - datetime.timedelta(microseconds=1)).astimezone(tz).date()
    days = (last - first).days + 1
    counts = [days // 7] * 7
    for extra in range(days % 7):
        counts[(first.weekday() + extra) % 7] += 1
    return counts


def _duration(a: str, b: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(a) - F(b), output_field=DurationField())


def visits_worked(scope: Scope) -> QuerySet[Visit]:
    """Visits (not cancelled) that arrived on site in the period (actual_start), with the
    filters of the visit and its ticket."""
    return Visit.objects.filter(_in("actual_start", scope), _visit_q(scope)).exclude(
        status=Visit.Status.CANCELLED
    )


@dataclass(frozen=True)
class Utilization:
    technician: Technician | None  # None for an area's row
    area: str
    shift: datetime.timedelta
    working: datetime.timedelta
    travelling: datetime.timedelta

    @property
    def idle(self) -> datetime.timedelta:
        return max(self.shift - self.working - self.travelling, ZERO_TIME)

    def share(self, part: datetime.timedelta) -> float | None:
        return round(100 * part / self.shift, 1) if self.shift else None

    @property
    def working_share(self) -> float | None:
        return self.share(self.working)

    @property
    def travelling_share(self) -> float | None:
        return self.share(self.travelling)

    @property
    def idle_share(self) -> float | None:
        return self.share(self.idle)


def utilization(scope: Scope, *, by_area: bool = False) -> list[Utilization]:
    """Technician utilization: for each active technician (of the area, or the one chosen),
    the shift time of the period (their weekly working hours less breaks, times the number of
    each weekday in the period; time off is not subtracted), the time working (on site:
    arrived to finished) and travelling (left for the site to arrived) on visits_worked, and
    the idle rest; shares of shift time. The customer, contract, kind and category filters
    narrow the visits counted, not the shift. `by_area` sums the same times by the
    technicians' area instead, one row an area."""
    counts = _weekday_counts(scope)
    per_day = ExpressionWrapper(
        F("ends_at")
        - F("starts_at")
        - Coalesce(_duration("break_ends_at", "break_starts_at"), Value(ZERO_TIME)),
        output_field=DurationField(),
    )
    techs = Technician.objects.filter(active=True).select_related("user")
    if scope.technician is not None:
        techs = techs.filter(pk=scope.technician.pk)
    if scope.area:
        techs = techs.filter(region=scope.area)
    # The technicians' own conditions on each row's technician (one join, where `in techs`
    # joined them twice).
    of_techs = Q(technician__active=True)
    if scope.technician is not None:
        of_techs &= Q(technician=scope.technician)
    if scope.area:
        of_techs &= Q(technician__region=scope.area)
    key = "technician__region" if by_area else "technician"
    # Three grouped queries merged by technician: one pass over the period's visits, where a
    # subquery per technician read them again for each one.
    hours = WorkingHours.objects.filter(of_techs).order_by()
    shifts: dict[Any, datetime.timedelta] = {}
    if by_area:
        # A few areas: summed by weekday, times the period's count of each here, rather than
        # multiplied once per row of working hours.
        for row in hours.values(key, "weekday").annotate(s=Sum(per_day)):
            shift = (row["s"] or ZERO_TIME) * counts[row["weekday"]]
            shifts[row[key]] = shifts.get(row[key], ZERO_TIME) + shift
    else:
        weekdays = Case(
            *[When(weekday=d, then=Value(n)) for d, n in enumerate(counts)], default=Value(0)
        )
        shifts = dict(
            hours.values(key)
            .annotate(s=Sum(ExpressionWrapper(per_day * weekdays, output_field=DurationField())))
            .values_list(key, "s")
        )
    # The times of visits_worked, read from their summaries (one row per visit made, with its
    # times on site and on the road); the area is the technicians' own, as for the shifts.
    times = {
        row[key]: row
        for row in VisitSummary.objects.filter(
            of_techs, _in("started_at", scope), _summary_q(scope, area=False)
        )
        .order_by()
        .values(key)
        .annotate(working=Sum("working"), travel=Sum("travelling"))
    }
    if by_area:
        return [
            Utilization(
                technician=None,
                area=area,
                shift=shift or ZERO_TIME,
                working=times.get(area, {}).get("working") or ZERO_TIME,
                travelling=times.get(area, {}).get("travel") or ZERO_TIME,
            )
            for area, shift in sorted(shifts.items())
        ]
    return [
        Utilization(
            technician=t,
            area=t.region,
            shift=shifts.get(t.pk) or ZERO_TIME,
            working=times.get(t.pk, {}).get("working") or ZERO_TIME,
            travelling=times.get(t.pk, {}).get("travel") or ZERO_TIME,
        )
        for t in techs
    ]


def travelled_visits(scope: Scope) -> QuerySet[Visit]:
    """Visits of visits_worked whose technician recorded leaving for the site (en_route_at)."""
    return visits_worked(scope).filter(en_route_at__isnull=False, actual_start__isnull=False)


def travel_per_visit(scope: Scope) -> MeanTime:
    """Travel per visit: the mean time from leaving for the site to arriving, over
    travelled_visits (no distance is recorded: time is what the day loses)."""
    # On the visits' summaries (a row per visit made, never a cancelled one), the area the
    # technician's own as in visits_worked.
    area = Q(technician__region=scope.area) if scope.area else Q()
    found = VisitSummary.objects.filter(
        _in("started_at", scope), _summary_q(scope, area=False), area, travelling__isnull=False
    ).aggregate(n=Count("pk"), mean=Avg("travelling"))
    return MeanTime(found["n"], found["mean"])


# --- the first line, the backlog, quotes ------------------------------------------------------


def resolved_tickets(scope: Scope) -> QuerySet[Ticket]:
    """Tickets resolved in the period (resolved_at) and still resolved or closed, with the
    filters of the ticket (not technician or area: a remote fix has no visit)."""
    return Ticket.objects.filter(
        _ticket_q(scope), _in("resolved_at", scope), status__in=Ticket.DONE_STATUSES
    )


def remote_fix_tickets(scope: Scope) -> QuerySet[Ticket]:
    """The remote fixes solved on the phone in the period, as tickets.selectors.remote_fixes
    defines them (no visit made since), with the ticket's filters."""
    return ticket_selectors.remote_fixes(scope.start, scope.end).filter(_ticket_q(scope))


def remote_fixes(scope: Scope) -> Share:
    """Remote fixes by the first line: of the tickets resolved in the period
    (resolved_tickets), how many were remote fixes (remote_fix_tickets)."""
    resolved = _in("resolved_at", scope)
    remote = _in("solved_remotely_at", scope) & Q(visited=False)
    found = TicketSummary.objects.filter(
        _ticket_summary_q(scope), resolved | remote, status__in=Ticket.DONE_STATUSES
    ).aggregate(whole=Count("pk", filter=resolved), part=Count("pk", filter=remote))
    return Share(found["part"], found["whole"])


def backlog_tickets(scope: Scope, now: datetime.datetime, age: str = "") -> QuerySet[Ticket]:
    """Tickets open at `now` (any open status), whatever the period; `age` one of AGES' keys
    narrows them to those opened that many days ago."""
    qs = _tickets(scope).filter(status__in=Ticket.OPEN_STATUSES)
    for key, low, high in AGES:
        if key == age:
            qs = qs.filter(created_at__lte=now - datetime.timedelta(days=low))
            if high is not None:
                qs = qs.filter(created_at__gt=now - datetime.timedelta(days=high))
    return qs


def backlog_by_age(scope: Scope, now: datetime.datetime) -> list[tuple[str, int]]:
    """Backlog by age: the open tickets at `now` (backlog_tickets) counted by age since
    opening: under a day, 1-3 days, 3-7 days, 7-30 days, over 30 days."""
    conditions = {}
    for key, low, high in AGES:
        q = Q(opened_at__lte=now - datetime.timedelta(days=low))
        if high is not None:
            q &= Q(opened_at__gt=now - datetime.timedelta(days=high))
        conditions[key] = Count("pk", filter=q)
    found = _ticket_summaries(scope).filter(status__in=Ticket.OPEN_STATUSES).aggregate(**conditions)
    return [(key, found[key]) for key, _low, _high in AGES]


def sent_quotes(scope: Scope) -> QuerySet[Quote]:
    """Quotes sent to the customer in the period (sent_at), with the filters of their
    ticket."""
    return Quote.objects.filter(
        _in("sent_at", scope), _ticket_q(scope, "ticket"), _worked_q(scope, "ticket_id")
    )


@dataclass(frozen=True)
class QuoteFigures:
    sent: int
    accepted: int
    declined: int
    expired: int

    @property
    def decided(self) -> Share:
        return Share(self.accepted, self.accepted + self.declined + self.expired)


def quotes_accepted(scope: Scope) -> QuoteFigures:
    """Quotes accepted: of the quotes sent in the period (sent_quotes), how many are now
    accepted, declined or expired; the share accepted of those decided (still waiting ones are
    left out)."""
    s = Quote.Status
    found = sent_quotes(scope).aggregate(
        sent=Count("pk"),
        accepted=Count("pk", filter=Q(status=s.ACCEPTED)),
        declined=Count("pk", filter=Q(status=s.DECLINED)),
        expired=Count("pk", filter=Q(status=s.EXPIRED)),
    )
    return QuoteFigures(**found)


# --- money ------------------------------------------------------------------------------------

MONEY = DecimalField(max_digits=16, decimal_places=2)


def invoiced_lines(scope: Scope) -> QuerySet[InvoiceLine]:
    """Lines of issued invoices and credit notes whose issue date falls in the period (local
    days), with the filters of the ticket the line's charge (or else its invoice) is for, and
    of the visit's technician; each annotated `revenue` (its net amount, negative on a credit
    note) and `cost`: a part line costs the part's catalog price times the quantity, a labour
    line its hours times FIELDSERVICE["INSIGHTS_LABOUR_COST_PER_HOUR"], other lines nothing."""
    tz = company_tz()
    first = scope.start.astimezone(tz).date()
    last = (scope.end - datetime.timedelta(microseconds=1)).astimezone(tz).date()
    rate = Decimal(settings.FIELDSERVICE["INSIGHTS_LABOUR_COST_PER_HOUR"])
    ticket = Q()
    if _ticket_q(scope):  # (an empty Q would swallow the other side of an "or")
        ticket = Q(charge__isnull=False) & _ticket_q(scope, "charge__ticket") | Q(
            charge__isnull=True
        ) & _ticket_q(scope, "invoice__ticket")
    if scope.customer is not None:
        ticket &= Q(invoice__customer=scope.customer)
    lines = InvoiceLine.objects.filter(
        ticket,
        invoice__status=Invoice.Status.ISSUED,
        invoice__issued_on__gte=first,
        invoice__issued_on__lte=last,
    )
    if scope.technician is not None:
        lines = lines.filter(charge__visit__technician=scope.technician)
    if scope.area:
        lines = lines.filter(charge__visit__technician__region=scope.area)
    sign = Case(When(invoice__kind=Invoice.Kind.CREDIT_NOTE, then=Value(-1)), default=Value(1))
    cost = Case(
        When(
            charge__kind=ChargeLine.Kind.PART,
            then=F("charge__part__unit_price") * F("quantity"),
        ),
        When(charge__kind=ChargeLine.Kind.LABOUR, then=F("quantity") * Value(rate)),
        default=Value(Decimal(0)),
        output_field=MONEY,
    )
    return lines.annotate(
        revenue=ExpressionWrapper(F("net_amount") * sign, output_field=MONEY),
        cost=ExpressionWrapper(cost * sign, output_field=MONEY),
    )


def _money_rows(lines: QuerySet[InvoiceLine], **key: Any) -> list[dict]:
    rows = (
        lines.values(currency=F("invoice__currency"), **key)
        .annotate(revenue_sum=Sum("revenue"), cost_sum=Sum("cost"))
        .order_by("-revenue_sum")
    )
    return [
        {
            **r,
            "revenue": r["revenue_sum"] or Decimal(0),
            "cost": r["cost_sum"] or Decimal(0),
            "margin": (r["revenue_sum"] or Decimal(0)) - (r["cost_sum"] or Decimal(0)),
        }
        for r in rows
    ]


def revenue_by_kind(scope: Scope) -> list[dict]:
    """Revenue and margin by job kind: invoiced_lines summed by the kind of their ticket and
    the invoice's currency; margin is revenue less cost. Keys: key (the kind, None for lines
    with no ticket), currency, revenue, cost, margin."""
    key = Coalesce(F("charge__ticket__kind"), F("invoice__ticket__kind"))
    return _money_rows(invoiced_lines(scope), key=key)


def revenue_by_technician(scope: Scope) -> list[dict]:
    """Revenue and margin by technician: invoiced_lines summed by the technician of the visit
    their charge was for, and the currency (key None: lines of no visit, such as a call-out
    fee billed on its own). Keys as revenue_by_kind, plus label (the technician's name)."""
    rows = _money_rows(invoiced_lines(scope), key=F("charge__visit__technician"))
    names = {
        t.pk: t.name
        for t in Technician.objects.select_related("user").filter(
            pk__in=[r["key"] for r in rows if r["key"] is not None]
        )
    }
    return [{**r, "label": names.get(r["key"], "")} for r in rows]


# --- hour banks -------------------------------------------------------------------------------


def hour_banks(scope: Scope, on: datetime.date) -> QuerySet[ServiceContract]:
    """Hour banks: contracts with a bank of prepaid hours, running on `on`, with the customer
    and contract filters; annotated `minutes_left` (what their whole ledger leaves), fewest
    left first."""
    contracts = ServiceContract.objects.filter(
        hour_bank=True, starts_on__lte=on, ends_on__gte=on
    ).select_related("customer")
    if scope.customer is not None:
        contracts = contracts.filter(customer=scope.customer)
    if scope.contract is not None:
        contracts = contracts.filter(pk=scope.contract.pk)
    return with_hours_left(contracts).order_by(F("minutes_left"), "number")


def hour_banks_low(scope: Scope, on: datetime.date) -> QuerySet[ServiceContract]:
    """Hour banks running low: the hour_banks whose minutes left are fewer than their warning
    threshold (low_balance_minutes), fewest left first."""
    return hour_banks(scope, on).filter(Q(minutes_left__lt=F("low_balance_minutes")))
