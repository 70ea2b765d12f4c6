"""The client report's reads: every figure and row of one organization over one period, in a
fixed number of queries whatever the rows. The period is [start, end) in UTC (local days of
the company, as on the managers' page); times in the rows are the site's local times."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from billing.models import Invoice
from billing.selectors import customer_invoices
from contracts.models import HourBankEntry, ServiceContract
from customers.models import Customer
from insights import kpis
from tickets.models import Ticket, Visit

BREACHES_SHOWN = 200  # the page lists the first breaches; the CSV has every ticket


@dataclass(frozen=True)
class Period:
    """Local days `first` to `last` (both included) and the UTC instants [start, end)."""

    first: datetime.date
    last: datetime.date
    start: datetime.datetime
    end: datetime.datetime


@dataclass(frozen=True)
class PriorityRow:
    priority: int
    label: str
    opened: int
    resolved: int
    open_at_end: int


@dataclass(frozen=True)
class Breach:
    """A ticket opened in the period that missed its response or resolution time."""

    ticket: Ticket
    opened: datetime.datetime
    response_missed: bool
    resolution_missed: bool
    response_due: datetime.datetime
    resolution_due: datetime.datetime


@dataclass(frozen=True)
class VisitRow:
    visit: Visit
    started: datetime.datetime
    site: str
    technician: str
    minutes: int | None


@dataclass(frozen=True)
class HourRow:
    contract: ServiceContract
    used: int
    left: int


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Invoice
    total: Decimal
    paid: bool | None  # None for a credit note: nothing to pay


@dataclass(frozen=True)
class ClientReport:
    organization: Customer
    period: Period
    opened: int
    resolved: int
    open_at_end: int
    by_priority: list[PriorityRow]
    response: kpis.Share
    resolution: kpis.Share
    breaches: list[Breach]
    breach_count: int
    visits: list[VisitRow]
    hours: list[HourRow]
    invoices: list[InvoiceRow]


def local_time(instant: datetime.datetime | None, tz: object) -> datetime.datetime | None:
    """`instant` as the wall clock read in the zone `tz` (a site's), without a zone: the
    page's and the PDF's date filters would otherwise move an aware time to the reader's."""
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(str(tz))).replace(tzinfo=None)


def _scope(organization: Customer, period: Period) -> kpis.Scope:
    return kpis.Scope(start=period.start, end=period.end, customer=organization)


def _conditions(period: Period) -> dict[str, Q]:
    """Opened in the period; resolved in it (and still resolved or closed); open at its end:
    opened before the end, not cancelled, and not resolved before the end. (A ticket has no
    time of cancellation, so one cancelled after the period's end is left out.)"""
    return {
        "opened": Q(created_at__gte=period.start, created_at__lt=period.end),
        "resolved": Q(
            resolved_at__gte=period.start,
            resolved_at__lt=period.end,
            status__in=Ticket.DONE_STATUSES,
        ),
        "open_at_end": Q(created_at__lt=period.end)
        & ~Q(status=Ticket.Status.CANCELLED)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=period.end)),
    }


def report_tickets(organization: Customer, period: Period) -> QuerySet[Ticket]:
    """The organization's tickets the period concerns (opened or resolved in it, or open at
    its end), oldest first, with their site."""
    c = _conditions(period)
    return (
        Ticket.objects.filter(customer=organization)
        .filter(c["opened"] | c["resolved"] | c["open_at_end"])
        .select_related("site")
        .order_by("created_at", "pk")
    )


def report_visits(organization: Customer, period: Period) -> QuerySet[Visit]:
    """The visits made for the organization (kpis.visits_worked: arrived on site in the
    period, not cancelled), in the order made, with their site and technician."""
    return (
        kpis.visits_worked(_scope(organization, period))
        .select_related("ticket__site", "technician__user")
        .order_by("actual_start", "pk")
    )


def visit_rows(visits: QuerySet[Visit]) -> list[VisitRow]:
    """Each visit's local arrival, site, technician's first name and minutes on site (None
    while still there)."""
    rows = []
    for v in visits:
        site = v.ticket.site
        minutes = None
        if v.actual_end is not None and v.actual_start is not None:
            minutes = int((v.actual_end - v.actual_start).total_seconds() // 60)
        rows.append(
            VisitRow(
                visit=v,
                started=local_time(v.actual_start, site.timezone),  # type: ignore[arg-type]
                site=str(site),
                technician=v.technician.user.first_name if v.technician else "",
                minutes=minutes,
            )
        )
    return rows


def _ticket_counts(organization: Customer, period: Period) -> list[PriorityRow]:
    c = _conditions(period)
    found = {
        r["priority"]: (r["opened"], r["resolved"], r["open_at_end"])
        for r in Ticket.objects.filter(customer=organization)
        .values("priority")
        .annotate(
            opened=Count("pk", filter=c["opened"]),
            resolved=Count("pk", filter=c["resolved"]),
            open_at_end=Count("pk", filter=c["open_at_end"]),
        )
        .order_by()
    }
    rows = []
    for p in Ticket.Priority:
        opened, resolved, open_at_end = found.get(p.value, (0, 0, 0))
        rows.append(PriorityRow(p.value, str(p.label), opened, resolved, open_at_end))
    return rows


def _breaches(
    organization: Customer, period: Period, now: datetime.datetime
) -> tuple[list[Breach], int]:
    missed = (
        kpis.sla_tickets(_scope(organization, period), now)
        .filter(Q(response_missed=True) | Q(resolution_missed=True))
        .select_related("site")
        .order_by("created_at", "pk")
    )
    rows = [
        Breach(
            ticket=t,
            opened=local_time(t.created_at, t.site.timezone),  # type: ignore[arg-type]
            response_missed=bool(t.response_missed),  # type: ignore[attr-defined]
            resolution_missed=bool(t.resolution_missed),  # type: ignore[attr-defined]
            response_due=local_time(t.response_due_at, t.site.timezone),  # type: ignore[arg-type]
            resolution_due=local_time(t.sla_due_at, t.site.timezone),  # type: ignore[arg-type]
        )
        for t in missed[:BREACHES_SHOWN]
    ]
    count = len(rows) if len(rows) < BREACHES_SHOWN else missed.count()
    return rows, count


def _hours(organization: Customer, period: Period) -> list[HourRow]:
    """Each hour bank that ran in the period: minutes drawn by visits in it, and the balance
    at its last day."""
    in_period = Q(hour_entries__on__gte=period.first, hour_entries__on__lte=period.last)
    contracts = (
        ServiceContract.objects.filter(
            customer=organization,
            hour_bank=True,
            starts_on__lte=period.last,
            ends_on__gte=period.first,
        )
        .annotate(
            drawn=Coalesce(
                Sum(
                    "hour_entries__minutes",
                    filter=in_period & Q(hour_entries__kind=HourBankEntry.Kind.DRAW),
                ),
                0,
            ),
            balance=Coalesce(
                Sum("hour_entries__minutes", filter=Q(hour_entries__on__lte=period.last)), 0
            ),
        )
        .order_by("number")
    )
    return [HourRow(contract=c, used=-c.drawn, left=c.balance) for c in contracts]


def _invoices(organization: Customer, period: Period) -> list[InvoiceRow]:
    issued = (
        customer_invoices(organization)
        .filter(issued_on__gte=period.first, issued_on__lte=period.last)
        .order_by("issued_on", "pk")
    )
    return [
        InvoiceRow(
            invoice=i,
            total=i.amount_due,
            paid=None if i.kind == Invoice.Kind.CREDIT_NOTE else i.balance <= 0,
        )
        for i in issued
    ]


def client_report(
    *, organization: Customer, period: Period, now: datetime.datetime
) -> ClientReport:
    """Everything the report shows of `organization` over `period` (SLA clocks decided at
    `now`, as kpis.sla_tickets says)."""
    by_priority = _ticket_counts(organization, period)
    sla = kpis.sla_compliance(_scope(organization, period), now)
    breaches, breach_count = _breaches(organization, period, now)
    return ClientReport(
        organization=organization,
        period=period,
        opened=sum(r.opened for r in by_priority),
        resolved=sum(r.resolved for r in by_priority),
        open_at_end=sum(r.open_at_end for r in by_priority),
        by_priority=by_priority,
        response=sla.response,
        resolution=sla.resolution,
        breaches=breaches,
        breach_count=breach_count,
        visits=visit_rows(report_visits(organization, period)),
        hours=_hours(organization, period),
        invoices=_invoices(organization, period),
    )
