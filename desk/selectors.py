"""Reads of the desk's pages: the ticket list, filtered, searched and sorted, and its rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Value, When
from django.utils import timezone

from customers.models import Customer
from dispatch.selectors import company_tz
from technicians.models import Technician
from tickets import selectors as ticket_selectors
from tickets import sla
from tickets.models import MaintenanceOccurrence, Ticket, Visit
from tickets.selectors import search_tickets, tickets_for

from .models import SavedFilter

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PAGE_SIZE = 50
OPEN = "open"  # the status filter's "any open status"
# Sort keys the list offers, each with its columns; "-key" sorts the other way. The primary
# key last, so that equal values keep one order from page to page.
SORTS = {
    "number": ("pk",),
    "opened": ("created_at", "pk"),
    "priority": ("priority", "sla_due_at", "pk"),
    "sla_due": ("sla_due_at", "pk"),
    "status": ("status_rank", "sla_due_at", "pk"),
}
DEFAULT_SORT = "sla_due"


@dataclass(frozen=True)
class TicketFilters:
    """What the ticket list is narrowed by; empty values narrow nothing."""

    q: str = ""
    status: str = ""
    priority: int | None = None
    tier: int | None = None
    coverage: str = ""
    sla: str = ""
    customer: Customer | None = None
    technician: Technician | None = None
    code: str = ""
    channel: str = ""
    maintenance: str = ""  # MAINTENANCE_DUE or MAINTENANCE_OVERDUE
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    sort: str = DEFAULT_SORT


def ticket_list(
    *, user: User, filters: TicketFilters, now: datetime.datetime | None = None
) -> QuerySet[Ticket]:
    """The tickets `user` may see (tickets.selectors.tickets_for: every ticket for dispatchers)
    that match `filters`, sorted, each with its `sla_state` (tickets.sla: "breached",
    "at_risk", "fine", "" when closed), its `staffed_visits` (the visits with a technician,
    technicians loaded) and its `requester` (the organization's contact who asked): three
    queries for a page whatever its rows, and one to count."""
    now = now or timezone.now()
    qs = tickets_for(user).select_related("appliance_model")
    qs = _narrowed(search_tickets(qs, q=filters.q), filters, now)
    staffed = Visit.objects.filter(technician__isnull=False).select_related("technician__user")
    qs = qs.annotate(sla_state=sla.sla_state_annotation(now)).prefetch_related(
        Prefetch("visits", queryset=staffed.order_by("pk"), to_attr="staffed_visits"),
        "requested_by__contacts",  # Ticket.requester, the contact who asked, for every row
    )
    return _sorted(qs, filters.sort or DEFAULT_SORT)


def _narrowed(
    qs: QuerySet[Ticket], filters: TicketFilters, now: datetime.datetime
) -> QuerySet[Ticket]:
    equal = {
        "priority": filters.priority,
        "tier": filters.tier,
        "coverage": filters.coverage,
        "channel": filters.channel,
        "customer": filters.customer,
    }
    qs = qs.filter(**{field: value for field, value in equal.items() if value not in (None, "")})
    if filters.status == OPEN:
        qs = qs.filter(status__in=Ticket.OPEN_STATUSES)
    elif filters.status:
        qs = qs.filter(status=filters.status)
    if filters.sla:
        qs = qs.filter(sla.sla_state_conditions(now)[filters.sla])
    if filters.technician is not None:
        qs = qs.filter(
            Exists(Visit.objects.filter(ticket=OuterRef("pk"), technician=filters.technician))
        )
    if filters.code:
        # The catalog codes the ticket matched; codes typed but unknown are found by search.
        matched = Ticket.error_codes.through.objects.filter(
            ticket_id=OuterRef("pk"), errorcode__code__iexact=filters.code
        )
        qs = qs.filter(Exists(matched))
    if filters.maintenance:
        qs = qs.filter(Exists(_maintenance(filters.maintenance, now).filter(ticket=OuterRef("pk"))))
    if filters.opened_from is not None:
        qs = qs.filter(created_at__gte=_local_midnight(filters.opened_from))
    if filters.opened_to is not None:
        qs = qs.filter(
            created_at__lt=_local_midnight(filters.opened_to + datetime.timedelta(days=1))
        )
    return qs


MAINTENANCE_DUE = "due"
MAINTENANCE_OVERDUE = "overdue"


def _maintenance(which: str, now: datetime.datetime) -> QuerySet[MaintenanceOccurrence]:
    """Preventive visits due (window open now or within 14 days) or overdue (not done by
    their latest day, or done after it)."""
    today = now.astimezone(company_tz()).date()
    if which == MAINTENANCE_OVERDUE:
        late = ticket_selectors.maintenance_overdue(today=today)
        return late | ticket_selectors.maintenance_done_late()
    return ticket_selectors.maintenance_upcoming(today=today)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=company_tz())


def _sorted(qs: QuerySet[Ticket], sort: str) -> QuerySet[Ticket]:
    descending = sort.startswith("-")
    columns = SORTS[sort.removeprefix("-")]
    if "status_rank" in columns:
        # The lifecycle's order (new first, cancelled last), not the alphabet's.
        ranks = [When(status=s, then=Value(n)) for n, s in enumerate(Ticket.Status.values)]
        qs = qs.annotate(status_rank=Case(*ranks, output_field=IntegerField()))
    return qs.order_by(*(f"-{c}" if descending else c for c in columns))


def technician_names(ticket: Ticket) -> list[str]:
    """The technicians of a ticket from ticket_list, each once, in the order of their visits."""
    names: list[str] = []
    for visit in getattr(ticket, "staffed_visits", []):
        name = str(visit.technician)
        if name not in names:
            names.append(name)
    return names


def saved_filters(*, user: User) -> QuerySet[SavedFilter]:
    """The user's own saved filters, by name."""
    return SavedFilter.objects.filter(user=user)
