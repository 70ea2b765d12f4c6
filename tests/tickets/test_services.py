import datetime

import pytest
from django.utils import timezone

from dispatch.services import assign_visit
from fieldservice.errors import InvalidInput, StaleVersion, TransitionNotAllowed
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    SiteFactory,
    TechnicianFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at, finish_visit
from tickets import services
from tickets.models import Ticket, TicketEvent, Visit
from tickets.transitions import TICKET_TRANSITIONS, VISIT_TRANSITIONS

pytestmark = pytest.mark.django_db


def test_open_ticket_records_history_and_human_number():
    ticket = open_ticket(codes=["E1"], priority=2)

    assert ticket.number == f"T-{ticket.pk:06d}"
    assert ticket.status == Ticket.Status.NEW
    assert ticket.sla_due_at > ticket.created_at
    assert list(ticket.events.values_list("kind", flat=True)) == [TicketEvent.Kind.OPENED]


def test_open_ticket_refuses_a_site_of_another_customer_and_saves_nothing():
    appliance = ApplianceFactory()

    with pytest.raises(InvalidInput, match="site does not belong") as err:
        services.open_ticket(
            customer=appliance.site.customer, site=SiteFactory(), appliance=appliance
        )

    assert err.value.field == "site"
    assert Ticket.objects.count() == 0


def test_installation_needs_a_model_and_repair_needs_an_appliance():
    site = SiteFactory()
    with pytest.raises(InvalidInput, match="appliance model"):
        services.open_ticket(customer=site.customer, site=site, kind="installation")
    with pytest.raises(InvalidInput, match="appliance"):
        services.open_ticket(customer=site.customer, site=site, kind="repair")

    ticket = services.open_ticket(
        customer=site.customer,
        site=site,
        kind="installation",
        appliance_model=ApplianceModelFactory(),
    )

    assert ticket.coverage == Ticket.Coverage.BILLABLE
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (start, target)
        for start in Ticket.Status.values
        for target in Ticket.Status.values
        if target not in TICKET_TRANSITIONS[start]
    ],
)
def test_forbidden_ticket_transition_names_both_states_and_changes_nothing(start, target):
    ticket = open_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=start)
    events_before = ticket.events.count()

    with pytest.raises(TransitionNotAllowed) as err:
        services.transition_ticket(ticket=ticket, to=target, by=None)

    assert str(Ticket.Status(start).label) in err.value.message
    assert str(Ticket.Status(target).label) in err.value.message
    ticket.refresh_from_db()
    assert ticket.status == start
    assert ticket.events.count() == events_before


def test_allowed_ticket_transition_is_recorded_with_reason(dispatcher):
    ticket = open_ticket()

    services.transition_ticket(ticket=ticket, to="triaged", by=dispatcher, reason="checked")

    event = ticket.events.get(kind="status")
    assert (event.from_value, event.to_value, event.reason, event.by) == (
        "new",
        "triaged",
        "checked",
        dispatcher,
    )


def test_cancelling_a_ticket_cancels_its_open_visits():
    visit = new_visit()

    services.transition_ticket(ticket=visit.ticket, to="cancelled", by=None, reason="dup")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED


def test_escalation_goes_one_tier_at_a_time_with_a_reason(dispatcher):
    ticket = open_ticket()

    services.escalate(ticket=ticket, by=dispatcher, reason="needs a specialist")
    services.escalate(ticket=ticket, by=dispatcher, reason="board-level fault")
    with pytest.raises(TransitionNotAllowed, match="tier 3"):
        services.escalate(ticket=ticket, by=dispatcher, reason="again")
    services.deescalate(ticket=ticket, by=dispatcher, reason="back to field team")

    ticket.refresh_from_db()
    assert ticket.tier == 2
    assert list(
        ticket.events.filter(kind__in=["escalated", "deescalated"]).values_list(
            "kind", "from_value", "to_value"
        )
    ) == [("escalated", "1", "2"), ("escalated", "2", "3"), ("deescalated", "3", "2")]


def test_escalation_without_reason_is_refused():
    ticket = open_ticket()

    with pytest.raises(InvalidInput, match="why"):
        services.escalate(ticket=ticket, by=None, reason="  ")

    ticket.refresh_from_db()
    assert ticket.tier == 1


def test_deescalate_at_tier_one_is_refused():
    with pytest.raises(TransitionNotAllowed, match="tier 1"):
        services.deescalate(ticket=open_ticket(), by=None, reason="x")


def test_visit_with_window_in_the_past_is_refused():
    ticket = open_ticket()
    past = timezone.now() - datetime.timedelta(days=1)

    with pytest.raises(InvalidInput, match="past") as err:
        services.create_visit(
            ticket=ticket, by=None, window_start=past, window_end=past + datetime.timedelta(hours=2)
        )

    assert err.value.field == "window_start"
    assert not ticket.visits.exists()


@pytest.mark.parametrize("minutes", [4, 13 * 60])
def test_a_visit_length_is_held_to_the_same_bounds_when_created_and_when_changed(minutes):
    ticket = open_ticket()
    with pytest.raises(InvalidInput, match="5 minutes to 12 hours") as created:
        services.create_visit(ticket=ticket, by=None, duration_minutes=minutes)
    visit = services.create_visit(ticket=ticket, by=None, duration_minutes=60)
    with pytest.raises(InvalidInput, match="5 minutes to 12 hours") as changed:
        services.update_visit(visit=visit, by=None, duration_minutes=minutes)

    assert created.value.field == changed.value.field == "duration_minutes"
    visit.refresh_from_db()
    assert visit.duration_minutes == 60
    assert ticket.visits.count() == 1


def test_new_visit_triages_the_ticket_and_takes_expected_minutes():
    visit = new_visit()

    assert visit.status == Visit.Status.UNASSIGNED
    assert visit.duration_minutes == 90  # a repair of a washing machine
    visit.ticket.refresh_from_db()
    assert visit.ticket.status == Ticket.Status.TRIAGED


def _scheduled_visit(next_monday):
    visit = new_visit()
    tech = TechnicianFactory()
    return assign_visit(visit=visit, technician=tech, start=at(next_monday, 9), by=None)


def test_visit_lifecycle_to_completion_resolves_the_ticket(next_monday):
    visit = _scheduled_visit(next_monday)

    visit = finish_visit(visit)

    visit.refresh_from_db()
    assert visit.en_route_at
    assert visit.actual_start
    assert visit.actual_end
    assert visit.outcome == Visit.Outcome.FIXED
    visit.ticket.refresh_from_db()
    assert visit.ticket.status == Ticket.Status.RESOLVED


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (s, t)
        for s in Visit.Status.values
        for t in Visit.Status.values
        if t not in VISIT_TRANSITIONS[s] and t not in ("scheduled", "unassigned")
    ],
)
def test_forbidden_visit_transition_names_both_states_and_changes_nothing(start, target):
    visit = new_visit()
    begins = timezone.now() + datetime.timedelta(days=1)
    Visit.objects.filter(pk=visit.pk).update(
        status=start,
        technician=TechnicianFactory(),
        planned_start=begins,
        planned_end=begins + datetime.timedelta(hours=1),
    )
    version = visit.version

    with pytest.raises(TransitionNotAllowed) as err:
        services.transition_visit(
            visit=visit, to=target, by=None, reason="r", outcome="needs_parts"
        )

    assert str(Visit.Status(start).label) in err.value.message
    assert str(Visit.Status(target).label) in err.value.message
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (start, version)


def test_cannot_complete_for_parts_waits_for_parts_and_creates_linked_follow_up(next_monday):
    visit = _scheduled_visit(next_monday)
    services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    services.transition_visit(visit=visit, to="on_site", by=None)

    services.transition_visit(
        visit=visit,
        to="cannot_complete",
        by=None,
        outcome="needs_parts",
        reason="drain pump broken",
    )

    visit.ticket.refresh_from_db()
    assert visit.ticket.status == Ticket.Status.AWAITING_PARTS
    assert visit.ticket.sla_paused_at is not None
    follow_up = Visit.objects.get(follow_up_of=visit)
    assert follow_up.status == Visit.Status.UNASSIGNED
    assert follow_up.technician is None
    assert follow_up.ticket_id == visit.ticket_id


def test_cannot_complete_needs_a_reason_code(next_monday):
    visit = _scheduled_visit(next_monday)
    services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)

    with pytest.raises(InvalidInput, match="cannot be completed"):
        services.transition_visit(visit=visit, to="cannot_complete", by=None)

    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE


def test_stale_version_is_refused(next_monday):
    visit = _scheduled_visit(next_monday)

    with pytest.raises(StaleVersion):
        services.transition_visit(
            visit=visit, to="en_route", by=None, expected_version=visit.version - 1
        )

    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_clearing_a_scheduled_visits_window_is_recorded_not_a_crash(next_monday):
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    services.update_visit(visit=visit, by=None, window=(None, None))

    visit.refresh_from_db()
    assert visit.window_start is None
    assert visit.window_end is None
    note = TicketEvent.objects.filter(ticket=visit.ticket, kind=TicketEvent.Kind.NOTE).last()
    assert note.reason == "Arrival window changed"
    assert note.to_value == ""
