"""insights.VisitSummary kept by the tickets' events as visits go through the services: a
first visit, a return to the same appliance within 30 days, a follow-up of the same ticket, a
visit cancelled, a ticket reopened; and the rebuild command writing the same rows."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from insights.models import VisitSummary
from insights.summaries import FIELDS
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import ROME, assign_today
from tickets import services
from tickets.models import Ticket, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_morning():
    """10:00 in Rome today: the day's six slots of assign_today fit before midnight."""
    day = timezone.now().astimezone(ROME).date()
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=ROME)
    with time_machine.travel(start, tick=True):
        yield


def arrive(visit: Visit, technician, slot: int = 0) -> Visit:
    visit = assign_today(visit, technician, slot=slot)
    for step in ("en_route", "on_site"):
        visit = services.transition_visit(visit=visit, to=step, by=None)
    return visit


def finish(visit: Visit, outcome: str = Visit.Outcome.FIXED) -> Visit:
    if outcome == Visit.Outcome.FIXED:
        services.record_entry(visit=visit, kind="work", text="Pump replaced", by=None)
        return services.transition_visit(visit=visit, to="completed", by=None)
    return services.transition_visit(visit=visit, to="cannot_complete", outcome=outcome, by=None)


def summary(visit: Visit) -> VisitSummary:
    return VisitSummary.objects.get(visit=visit)


def rows() -> list[tuple]:
    return sorted(VisitSummary.objects.values_list("visit_id", *FIELDS))


@pytest.fixture
def tech():
    return TechnicianFactory(region="North")


def test_a_first_visit_fixed_is_summarised_when_it_ends(tech):
    ticket = open_ticket(kind=Ticket.Kind.REPAIR)
    visit = arrive(new_visit(ticket), tech)
    assert summary(visit).status == Visit.Status.ON_SITE  # made, not finished yet

    visit = finish(visit)

    row = summary(visit)
    assert (row.ticket_id, row.technician_id, row.area) == (ticket.pk, tech.pk, "North")
    assert (row.customer_id, row.kind) == (ticket.customer_id, Ticket.Kind.REPAIR)
    assert row.appliance_id == ticket.appliance_id
    assert row.appliance_model_id == ticket.appliance.model_id
    assert row.category == ticket.appliance.model.category
    assert (row.status, row.outcome) == (Visit.Status.COMPLETED, Visit.Outcome.FIXED)
    assert row.ended_at == visit.actual_end
    assert row.working == visit.actual_end - visit.actual_start
    assert row.travelling == visit.actual_start - visit.en_route_at
    assert (row.is_first, row.followed_up, row.came_back, row.first_time_fix) == (
        True,
        False,
        False,
        True,
    )


def test_a_return_to_the_appliance_within_30_days_marks_the_earlier_visit(tech):
    appliance = ApplianceFactory()
    first = finish(arrive(new_visit(open_ticket(appliance=appliance)), tech, slot=0))
    assert summary(first).first_time_fix

    # Another ticket for the same appliance: arriving is enough to count as a return.
    again = arrive(new_visit(open_ticket(appliance=appliance)), TechnicianFactory(), slot=1)

    row = summary(first)
    assert (row.came_back, row.first_time_fix, row.followed_up) == (True, False, False)
    again = finish(again)
    assert summary(again).is_first
    assert summary(again).first_time_fix


def test_a_follow_up_of_the_same_ticket_marks_the_first_and_is_not_a_first_visit(tech):
    ticket = open_ticket()
    first = finish(arrive(new_visit(ticket), tech), outcome=Visit.Outcome.NEEDS_PARTS)
    assert (summary(first).status, summary(first).first_time_fix) == (
        Visit.Status.CANNOT_COMPLETE,
        False,
    )
    follow_up = Visit.objects.get(follow_up_of=first)

    follow_up = finish(arrive(follow_up, TechnicianFactory(), slot=1))

    assert summary(first).followed_up
    assert summary(first).is_first
    assert not summary(follow_up).is_first
    assert not summary(follow_up).first_time_fix


def test_a_visit_cancelled_has_no_row_and_changes_nothing(tech):
    ticket = open_ticket()
    first = finish(arrive(new_visit(ticket), tech), outcome=Visit.Outcome.NEEDS_PARTS)
    before = rows()
    follow_up = assign_today(Visit.objects.get(follow_up_of=first), tech, slot=1)

    services.transition_visit(visit=follow_up, to="cancelled", reason="Part delayed", by=None)

    assert not VisitSummary.objects.filter(visit=follow_up).exists()
    assert rows() == before


def test_a_ticket_reopened_and_visited_again_is_no_first_time_fix(tech):
    ticket = open_ticket()
    first = finish(arrive(new_visit(ticket), tech))
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.RESOLVED
    assert summary(first).first_time_fix

    services.reopen_ticket(ticket=ticket, reason="Leaking again", by=None)
    again = arrive(new_visit(Ticket.objects.get(pk=ticket.pk)), TechnicianFactory(), slot=1)

    assert summary(first).followed_up
    assert not summary(first).first_time_fix
    finish(again)
    assert not summary(again).is_first


def test_the_rebuild_command_writes_the_receivers_rows_again(tech):
    appliance = ApplianceFactory()
    a = open_ticket(appliance=appliance)
    first = finish(arrive(new_visit(a), tech, slot=0), outcome=Visit.Outcome.NEEDS_PARTS)
    finish(arrive(Visit.objects.get(follow_up_of=first), TechnicianFactory(), slot=1))
    finish(arrive(new_visit(open_ticket(appliance=appliance)), TechnicianFactory(), slot=2))
    finish(arrive(new_visit(open_ticket()), TechnicianFactory(), slot=3))
    on_site = arrive(new_visit(open_ticket()), TechnicianFactory(), slot=4)
    waiting = assign_today(new_visit(open_ticket()), TechnicianFactory(), slot=5)
    kept = rows()
    assert len(kept) == 5  # the on-site visit's among them, not the one still to be made
    assert on_site.pk in {r[0] for r in kept}

    # A row gone stale, one missing and one of a visit not made yet are all put right.
    VisitSummary.objects.filter(visit=first).update(came_back=True, area="Elsewhere")
    stray = VisitSummary.objects.exclude(visit__in=[first, on_site]).first()
    stray.delete()
    stray.visit = waiting
    stray.save()
    call_command("rebuild_visit_summaries", verbosity=0)
    assert rows() == kept

    call_command("rebuild_visit_summaries", verbosity=0)  # again: the same rows
    assert rows() == kept
    working = {r[0]: r[FIELDS.index("working") + 1] for r in kept}
    assert working.pop(on_site.pk) is None  # still on site: no time on site yet
    assert all(isinstance(w, datetime.timedelta) for w in working.values())
