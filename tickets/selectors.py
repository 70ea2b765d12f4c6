"""Reads on tickets and visits that more than one caller needs, scoped by who asks."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from catalog.models import Article
from catalog.selectors import CodeMatch, match_codes
from customers.models import Appliance, ApplianceModel, Customer
from fieldservice import localformat, roles
from fieldservice.dbrouter import replica_reads
from technicians.models import Skill, Technician

from .coverage import CoverageDecision, decide_coverage
from .models import (
    MaintenanceOccurrence,
    Message,
    MessageAttachment,
    Ticket,
    TicketEvent,
    Visit,
    VisitBooking,
)
from .sla import calendar_for, response_due, sla_due
from .transitions import REOPENABLE, VISIT_STARTED, ticket_can

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Assessment:
    """What the app tells an agent before a ticket is saved."""

    codes: CodeMatch
    coverage: CoverageDecision
    sla_due_at: datetime.datetime
    response_due_at: datetime.datetime
    skills: list[Skill]


def assess_ticket(
    *,
    customer: Customer,
    appliance: Appliance | None,
    appliance_model: ApplianceModel | None,
    codes: list[str],
    priority: int,
    at: datetime.datetime,
) -> Assessment:
    """Match codes, decide coverage and SLA due time, and list the skills the job needs."""
    model = appliance.model if appliance is not None else appliance_model
    matched = match_codes(codes, model)
    site_tz = appliance.site.timezone if appliance is not None else None
    local_day = at.astimezone(site_tz).date() if site_tz else at.date()
    coverage = decide_coverage(customer=customer, appliance=appliance, on=local_day)
    calendar = calendar_for(coverage.contract)
    due = sla_due(opened_at=at, priority=priority, contract=coverage.contract, calendar=calendar)
    respond_by = response_due(
        opened_at=at, priority=priority, contract=coverage.contract, calendar=calendar
    )
    skills: dict[int, Skill] = {}
    for code in matched.matched:
        for skill in code.skills.all():
            skills[skill.pk] = skill
    # An appliance the desk has not matched yet has its described category, and no model.
    category = appliance.category if appliance is not None else getattr(model, "category", "")
    if category:
        for skill in Skill.objects.filter(appliance_category=category):
            skills[skill.pk] = skill
    return Assessment(matched, coverage, due, respond_by, list(skills.values()))


def tickets_for(user: User) -> QuerySet[Ticket]:
    """The tickets a user may see: all for dispatchers, their organization's for its contacts
    (a requester's own requests only), the ones behind their visits for technicians, none
    otherwise."""
    return roles.scoped(
        Ticket.objects.select_related("customer", "site", "appliance__model", "requested_by"),
        user,
        technician="visits__technician",
        customer="customer",
        requester="requested_by",
        distinct=True,
    )


# The words of what an agent types, as PostgreSQL's parser splits text into words: letters and
# digits, no underscores or punctuation (so nothing typed can be tsquery syntax).
_WORD = re.compile(r"[^\W_]+")
SEARCH_WORDS = 10  # more words than this only narrow a search that is already narrow


def search_words(q: str) -> list[str]:
    """The words of a search, lower-cased, at most SEARCH_WORDS of them."""
    return [word.lower() for word in _WORD.findall(q)][:SEARCH_WORDS]


def search_tickets(qs: QuerySet[Ticket], *, q: str) -> QuerySet[Ticket]:
    """The tickets of `qs` whose search text (tickets.services.search) has every word of `q`,
    each also as the start of a longer word ("bian" finds Bianchi, "12" T-000123), so results
    follow what the agent types. PostgreSQL reads its full-text index (GIN on the stored
    to_tsvector('simple', search_text)); SQLite matches the text plainly."""
    words = search_words(q)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        # The stored vector of migration tickets 0005 (a column Django does not know of),
        # against the words each as a prefix; the words are letters and digits only.
        query = " & ".join(f"{word}:*" for word in words)
        matches = RawSQL(
            "tickets_ticket.search_vector @@ to_tsquery('simple'::regconfig, %s)",
            (query,),
            output_field=BooleanField(),
        )
        return qs.filter(matches)
    for word in words:
        qs = qs.filter(search_text__icontains=word)
    return qs


def visits_for(user: User) -> QuerySet[Visit]:
    """The visits a user may see, scoped like tickets_for; a technician sees those they lead
    and those they help on (crew_visits)."""
    visits = Visit.objects.select_related(
        "ticket__customer",
        "ticket__site",
        "ticket__appliance__model",
        "ticket__requested_by",
        "technician__user",
    )
    scoped = roles.scoped(
        visits,
        user,
        technician="technician",
        customer="ticket__customer",
        requester="ticket__requested_by",
    )
    if (
        roles.has_role(user, roles.TECHNICIAN)
        and not roles.has_role(user, roles.DISPATCHER)
        and hasattr(user, "technician")
    ):
        return scoped | visits.filter(pk__in=helped_visit_ids(user.technician))
    return scoped


def helped_visit_ids(technician: Technician) -> QuerySet[VisitBooking, Any]:
    """The visits the technician is booked on as a helper (a subquery of their ids)."""
    return VisitBooking.objects.filter(technician=technician, role=VisitBooking.Role.HELPER).values(
        "visit"
    )


# What the ticket page offers, in the order it shows them (tickets.services has one function
# for each: change_priority, change_kind, create_visit, cancel_ticket, resolve_ticket,
# close_ticket, reopen_ticket).
ACTIONS = ("priority", "kind", "add_visit", "resolve", "close", "reopen", "cancel")


def allowed_actions(ticket: Ticket, user: User) -> list[str]:
    """The actions the ticket's state allows this user, in ACTIONS order: none for anyone
    outside the dispatchers (superusers act as dispatchers)."""
    if not roles.has_role(user, roles.DISPATCHER):
        return []
    status = ticket.status
    allowed = {
        "priority": ticket.is_open,
        "kind": ticket.is_open,
        "add_visit": ticket.is_open,
        "resolve": ticket_can(status, Ticket.Status.RESOLVED),
        "close": ticket_can(status, Ticket.Status.CLOSED),
        "reopen": status in REOPENABLE,
        "cancel": ticket_can(status, Ticket.Status.CANCELLED),
    }
    return [action for action in ACTIONS if allowed[action]]


def ticket_number_pk(number: str) -> int | None:
    """The primary key in a ticket number (T-000123 -> 123), None when it is not one."""
    digits = number.strip().upper().removeprefix("T-")
    ok = digits.isascii() and digits.isdigit() and len(digits) <= 12
    return int(digits) if ok else None


def visible_ticket(user: User, number: str) -> Ticket | None:
    """The ticket a URL names by its number as people write it (T-000123, t-123, or the bare
    number), with its customer, if the user may see it."""
    pk = ticket_number_pk(number)
    if pk is None:
        return None
    return tickets_for(user).select_related("customer").filter(pk=pk).first()


def ticket_for_page(user: User, number: str) -> Ticket | None:
    """The ticket with this number if the user may see it, with everything its page shows
    (codes with their catalog meaning, skills, visits with their technicians) in a fixed
    number of queries however many visits it has."""
    pk = ticket_number_pk(number)
    if pk is None:
        return None
    return (
        tickets_for(user)
        .select_related("contract", "appliance_model", "created_by")
        .prefetch_related(
            "error_codes",
            "required_skills",
            Prefetch(
                "visits",
                queryset=Visit.objects.select_related("technician__user").order_by("pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def _remote_fix_tickets() -> QuerySet[Ticket]:
    """Tickets that are remote fixes: solved on the phone, still resolved or closed, and no
    visit made or under way since (resolve_remotely refuses one before, so any is later: the
    ticket was reopened and fixed on site)."""
    started = Visit.objects.filter(ticket=OuterRef("pk"), status__in=VISIT_STARTED)
    return Ticket.objects.filter(
        resolved_remotely_at__isnull=False, status__in=Ticket.DONE_STATUSES
    ).filter(~Exists(started))


@replica_reads
def remote_fixes(since: datetime.datetime, until: datetime.datetime) -> QuerySet[Ticket]:
    """The remote fixes solved on the phone in [since, until), with what the insights list
    shows of each; `.count()` is the figure. A report's read: from the replica, if any."""
    return (
        _remote_fix_tickets()
        .filter(resolved_remotely_at__gte=since, resolved_remotely_at__lt=until)
        .select_related("customer", "solved_with")
        .order_by("resolved_remotely_at", "pk")
    )


def is_remote_fix(ticket: Ticket) -> bool:
    return _remote_fix_tickets().filter(pk=ticket.pk).exists()


def with_solved_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """The articles, each annotated `solved_count`: how many remote fixes it was used for.
    One subquery in the same query, however many articles."""
    counts = (
        _remote_fix_tickets()
        .filter(solved_with=OuterRef("pk"))
        .order_by()
        .values("solved_with")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return articles.annotate(
        solved_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


@dataclass(frozen=True)
class HistoryLine:
    """One line of a ticket's history as a person reads it: names and local times, not ids."""

    at: datetime.datetime
    by: str
    what: str
    change: str
    reason: str


def history_lines(ticket: Ticket) -> list[HistoryLine]:
    """The ticket's history, oldest first, each change in words: a technician by name, a
    planned start or a due time on the site's clock, a status by its label. One query for the
    events and one for the technicians they name, however long the history."""
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("by").order_by("pk"))
    named = {
        int(value)
        for event in events
        if event.kind in (TicketEvent.Kind.ASSIGNED, TicketEvent.Kind.UNASSIGNED)
        for value in (event.from_value, event.to_value)
        if value.isdigit()
    }
    names = {t.pk: str(t) for t in Technician.objects.filter(pk__in=named).select_related("user")}
    tz = ZoneInfo(str(ticket.site.timezone))
    return [
        HistoryLine(
            at=event.at,
            by=str(event.by or ""),
            what=str(event.get_kind_display()),
            change=_change_in_words(event, names, tz),
            reason=event.reason,
        )
        for event in events
    ]


def _change_in_words(event: TicketEvent, names: dict[int, str], tz: ZoneInfo) -> str:
    def value(raw: str) -> str:
        if event.kind in (TicketEvent.Kind.ASSIGNED, TicketEvent.Kind.UNASSIGNED):
            return names.get(int(raw), "?") if raw.isdigit() else str(_("the queue"))
        if event.kind in (TicketEvent.Kind.STATUS, TicketEvent.Kind.OPENED) and raw:
            return str(Ticket.Status(raw).label) if raw in Ticket.Status.values else raw
        if event.kind == TicketEvent.Kind.VISIT and raw in Visit.Status.values:
            return str(Visit.Status(raw).label)
        if event.kind == TicketEvent.Kind.KIND and raw in Ticket.Kind.values:
            return str(Ticket.Kind(raw).label)
        if event.kind == TicketEvent.Kind.REMOTE_FIX and raw in Ticket.Resolution.values:
            return str(Ticket.Resolution(raw).label)
        return _local_time(raw, tz) or raw

    if event.kind == TicketEvent.Kind.VISIT_CREATED:  # its value is the new visit's id
        return str(_("a follow-up of an earlier visit")) if event.data.get("follow_up_of") else ""
    if not (event.from_value or event.to_value):
        return ""
    change = f"{value(event.from_value)} → {value(event.to_value)}"
    if event.kind == TicketEvent.Kind.RESPONDED:  # a moment, not a change from one to another
        change = value(event.to_value)
    start = _local_time(str(event.data.get("planned_start") or ""), tz)
    if start:
        return f"{change}, {start}"
    due = _local_time(str(event.data.get("resolution_due_to") or ""), tz)
    if due:
        return _("%(change)s, resolution due %(due)s") % {"change": change, "due": due}
    return change


def _local_time(raw: str, tz: ZoneInfo) -> str:
    """An ISO date-time as "Thu 3 Dec 08:00" on the given clock; "" for anything else."""
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return localformat.moment(moment, "day_time", tz=tz)


def thread_for(ticket: Ticket, *, include_internal: bool) -> QuerySet[Message]:
    """A ticket's conversation, oldest first, with authors and files: internal notes only for
    staff (`include_internal`), never on a customer's page."""
    messages = ticket.messages.select_related("author").prefetch_related("attachments")
    if not include_internal:
        messages = messages.filter(visibility=Message.Visibility.PUBLIC)
    return messages


def first_public_reply_at(ticket: Ticket) -> datetime.datetime | None:
    """When staff first answered the customer in the thread (the SLA's response), if yet."""
    return (
        ticket.messages.filter(visibility=Message.Visibility.PUBLIC, author__isnull=False)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def attachments_for(user: User) -> QuerySet[MessageAttachment]:
    """The files a user may download: all for dispatchers, public ones of their own tickets
    for customers, none otherwise."""
    attachments = MessageAttachment.objects.select_related("message__ticket")
    if roles.has_role(user, roles.DISPATCHER):
        return attachments
    return roles.scoped(
        attachments.filter(message__visibility=Message.Visibility.PUBLIC),
        user,
        customer="message__ticket__customer",
        requester="message__ticket__requested_by",
    )


def tier_queue(*, tier: int) -> QuerySet[Ticket]:
    """The open tickets at a support tier: those nobody holds first, then by SLA due time
    (earliest, so overdue, first)."""
    return (
        Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES, tier=tier)
        .select_related("customer", "site", "appliance__model", "appliance_model", "held_by")
        .prefetch_related("error_codes")
        .alias(held=ExpressionWrapper(Q(held_by__isnull=False), output_field=BooleanField()))
        .order_by("held", "sla_due_at", "pk")
    )


def tier_counts() -> dict[int, dict[str, int]]:
    """Per tier, its open tickets and how many of them nobody holds, in one query."""
    counts = {tier: {"open": 0, "unheld": 0} for tier in Ticket.Tier.values}
    for row in (
        Ticket.objects.filter(status__in=Ticket.OPEN_STATUSES)
        .values("tier")
        .annotate(open=Count("pk"), unheld=Count("pk", filter=Q(held_by__isnull=True)))
    ):
        counts[row["tier"]] = {"open": row["open"], "unheld": row["unheld"]}
    return counts


# Preventive maintenance ---------------------------------------------------------------------

UPCOMING_MAINTENANCE_DAYS = 14


def _occurrences() -> QuerySet[MaintenanceOccurrence]:
    return MaintenanceOccurrence.objects.select_related(
        "plan__contract", "plan__site__customer", "ticket", "visit__technician__user"
    )


def maintenance_upcoming(
    *, today: datetime.date, days: int = UPCOMING_MAINTENANCE_DAYS
) -> QuerySet[MaintenanceOccurrence]:
    """Maintenance still to do whose window is open now or opens within `days`, due first."""
    return (
        _occurrences()
        .filter(
            status__in=(MaintenanceOccurrence.Status.DUE, MaintenanceOccurrence.Status.SCHEDULED),
            earliest__lte=today + datetime.timedelta(days=days),
            latest__gte=today,
        )
        .order_by("due_on", "pk")
    )


def maintenance_overdue(*, today: datetime.date) -> QuerySet[MaintenanceOccurrence]:
    """Maintenance not done by its latest day (missed, its visit still waiting), oldest first."""
    return (
        _occurrences()
        .filter(status__in=MaintenanceOccurrence.OPEN_STATUSES, latest__lt=today)
        .order_by("latest", "pk")
    )


def maintenance_board(
    *, today: datetime.date, days: int = UPCOMING_MAINTENANCE_DAYS, limit: int = 50
) -> tuple[list[MaintenanceOccurrence], list[MaintenanceOccurrence]]:
    """(overdue, upcoming) as maintenance_overdue and maintenance_upcoming list them, at most
    `limit` of each, in one query (the day board shows both)."""
    rows = list(
        (maintenance_overdue(today=today) | maintenance_upcoming(today=today, days=days)).order_by(
            "latest", "pk"
        )[: 2 * limit]
    )
    overdue = [o for o in rows if o.latest < today][:limit]
    upcoming = sorted((o for o in rows if o.latest >= today), key=lambda o: (o.due_on, o.pk))
    return overdue, upcoming[:limit]


def maintenance_done_late() -> QuerySet[MaintenanceOccurrence]:
    return _occurrences().filter(status=MaintenanceOccurrence.Status.DONE, done_on__gt=F("latest"))


def offered_on(day: datetime.date) -> Q:
    """Visits to offer on `day`: any that is not a preventive one, and a preventive one from
    the first day of its tolerance on (after the last day it is overdue, and still offered:
    late is better than never). For Visit querysets."""
    return Q(maintenance__isnull=True) | Q(maintenance__earliest__lte=day)
