"""A small hand-built history for the insights tests: tickets and visits written with the times
a test gives, so each figure's right answer can be counted by hand."""

from __future__ import annotations

import datetime

from insights.services import refresh_ticket_summaries, refresh_visit_summaries
from tests import factories
from tests.helpers import ROME
from tickets.models import Ticket, Visit

# A fixed past week (Monday 5 January 2026 to Sunday 11 January 2026, in Rome): the figures
# depend on recorded times only, never on today's date.
MONDAY = datetime.date(2026, 1, 5)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """`day` days after MONDAY, at a local hour in Rome."""
    return datetime.datetime.combine(
        MONDAY + datetime.timedelta(days=day), datetime.time(hour, minute), tzinfo=ROME
    )


def ticket(*, opened: datetime.datetime, appliance=None, **fields) -> Ticket:
    """A ticket opened through the service, then given the recorded times of `fields`;
    summarised again as the insights' receivers do when a ticket changes through the
    services."""
    kwargs = {"appliance": appliance} if appliance is not None else {}
    for name in ("kind", "customer", "site", "codes"):
        if name in fields:
            kwargs[name] = fields.pop(name)
    made = factories.open_ticket(**kwargs)
    Ticket.objects.filter(pk=made.pk).update(created_at=opened, **fields)
    refresh_ticket_summaries(ticket_ids=[made.pk])
    made.refresh_from_db()
    return made


def visit(
    t: Ticket,
    technician,
    *,
    start: datetime.datetime,
    minutes: int = 60,
    outcome: str = Visit.Outcome.FIXED,
    travel: int | None = None,
    status: str = Visit.Status.COMPLETED,
) -> Visit:
    """A visit already made: arrived at `start`, `minutes` on site, `travel` minutes on the
    road before it (none recorded when None); summarised as the insights' receivers do when a
    visit changes status through the services."""
    end = start + datetime.timedelta(minutes=minutes)
    made = Visit.objects.create(
        ticket=t,
        technician=technician,
        status=status,
        outcome=outcome if status == Visit.Status.COMPLETED else "",
        planned_start=start,
        planned_end=end,
        actual_start=start,
        actual_end=end,
        en_route_at=None if travel is None else start - datetime.timedelta(minutes=travel),
    )
    refresh_visit_summaries(ticket_ids=[t.pk])
    refresh_ticket_summaries(ticket_ids=[t.pk])
    return made
