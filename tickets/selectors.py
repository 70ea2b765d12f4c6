"""Reads on tickets and visits that more than one caller needs, scoped by who asks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from catalog.selectors import CodeMatch, match_codes
from customers.models import Appliance, ApplianceModel, Customer
from fieldservice import roles
from technicians.models import Skill

from .coverage import CoverageDecision, decide_coverage
from .models import Ticket, Visit
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
    if model is not None:
        for skill in Skill.objects.filter(appliance_category=model.category):
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
