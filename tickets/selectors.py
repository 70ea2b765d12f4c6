"""Reads on tickets and visits that more than one caller needs, scoped by who asks."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from catalog.selectors import CodeMatch, match_codes
from customers.models import Appliance, ApplianceModel, Customer
from fieldservice import localformat, roles
from technicians.models import Skill, Technician

from .coverage import CoverageDecision, decide_coverage
from .models import Ticket, TicketEvent, Visit
from .sla import load_calendar, sla_due

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Assessment:
    """What the app tells an agent before a ticket is saved."""

    codes: CodeMatch
    coverage: CoverageDecision
    sla_due_at: datetime.datetime
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
    due = sla_due(
        opened_at=at, priority=priority, contract=coverage.contract, calendar=load_calendar()
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
    return Assessment(matched, coverage, due, list(skills.values()))


def tickets_for(user: User) -> QuerySet[Ticket]:
    """The tickets a user may see: all for dispatchers, their own for customers, the ones
    behind their visits for technicians, none otherwise."""
    return roles.scoped(
        Ticket.objects.select_related("customer", "site", "appliance__model"),
        user,
        technician="visits__technician",
        customer="customer",
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
    """The visits a user may see, scoped like tickets_for."""
    return roles.scoped(
        Visit.objects.select_related(
            "ticket__customer", "ticket__site", "ticket__appliance__model", "technician__user"
        ),
        user,
        technician="technician",
        customer="ticket__customer",
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
        return _local_time(raw, tz) or raw

    if event.kind == TicketEvent.Kind.VISIT_CREATED:  # its value is the new visit's id
        return str(_("a follow-up of an earlier visit")) if event.data.get("follow_up_of") else ""
    if not (event.from_value or event.to_value):
        return ""
    change = f"{value(event.from_value)} → {value(event.to_value)}"
    start = _local_time(str(event.data.get("planned_start") or ""), tz)
    return f"{change}, {start}" if start else change


def _local_time(raw: str, tz: ZoneInfo) -> str:
    """An ISO date-time as "Thu 3 Dec 08:00" on the given clock; "" for anything else."""
    try:
        moment = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return ""
    return localformat.moment(moment, "day_time", tz=tz)
