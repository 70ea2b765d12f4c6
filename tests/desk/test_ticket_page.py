"""The ticket page: every part of a ticket on one page, and its actions with their refusals."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dispatch.services import assign_visit
from tests.factories import (
    ApplianceFactory,
    ErrorCodeFactory,
    SkillFactory,
    TechnicianFactory,
    new_visit,
    open_ticket,
)
from tests.helpers import at
from tickets import services
from tickets.models import Ticket, TicketEvent, Visit

pytestmark = pytest.mark.django_db


def page_url(ticket: Ticket) -> str:
    return reverse("desk:ticket", args=[ticket.number])


def action_url(ticket: Ticket, action: str) -> str:
    return reverse("desk:ticket_action", args=[ticket.number, action])


def _ticket_with_everything(next_monday, visits: int = 1) -> Ticket:
    appliance = ApplianceFactory(site__customer__name="Giulia Bianchi")
    code = ErrorCodeFactory(
        appliance_model=appliance.model,
        code="F05",
        title="Drain pump blocked",
        probable_cause="Blocked drain pump filter",
    )
    skill = SkillFactory(name="Pump repair")
    code.skills.add(skill)
    technician = TechnicianFactory()
    technician.skills.add(skill)
    ticket = open_ticket(appliance=appliance, codes=["F05"], description="Water on the floor")
    day = next_monday + datetime.timedelta(days=7)
    for n in range(visits):
        start = at(day + datetime.timedelta(days=n // 4), 8 + 2 * (n % 4))
        visit = new_visit(
            ticket, window_start=start, window_end=start + datetime.timedelta(hours=2)
        )
        if n == 0:
            assign_visit(visit=visit, technician=technician, start=start, by=None)
    return Ticket.objects.get(pk=ticket.pk)


def test_the_page_shows_details_coverage_both_clocks_visits_history_and_actions(
    dispatcher_client, next_monday
):
    ticket = _ticket_with_everything(next_monday)
    visit = ticket.visits.get()

    response = dispatcher_client.get(page_url(ticket))

    page = response.text
    assert response.status_code == 200
    for part in (
        ticket.number,
        "Giulia Bianchi",
        str(ticket.site),
        ticket.appliance.serial_number,
        "F05",
        "Drain pump blocked",
        "Blocked drain pump filter",
        "Pump repair",
        "Water on the floor",
        "Phone",
        "Tier 1",
        "P3 normal",
        ticket.coverage_reason,
        'data-testid="clock-response"',
        'data-testid="clock-resolution"',
        "met on time",  # the scheduled visit answered the customer
        str(visit.technician),
        "Scheduled",
        "Visit assigned",
        "Responded",
    ):
        assert part in page, part
    for action in ("priority", "kind", "add_visit", "cancel"):
        assert f'data-testid="action-{action}"' in page
    assert 'data-testid="action-reopen"' not in page
    assert 'data-testid="action-resolve"' not in page


def test_the_page_asks_a_fixed_number_of_queries_however_many_visits_and_events(
    dispatcher_client, next_monday
):
    small = _ticket_with_everything(next_monday, visits=1)
    big = _ticket_with_everything(next_monday, visits=12)
    for n in range(20):
        services.record(ticket=big, by=None, kind=TicketEvent.Kind.NOTE, reason=f"Note {n}")

    counts = []
    for ticket in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert dispatcher_client.get(page_url(ticket)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_an_unknown_ticket_number_is_a_404(dispatcher_client):
    open_ticket()

    assert dispatcher_client.get("/desk/tickets/T-999999/").status_code == 404
    assert dispatcher_client.get("/desk/tickets/T-1x/").status_code == 404
    assert dispatcher_client.post("/desk/tickets/T-999999/cancel/").status_code == 404


def test_an_unknown_action_is_a_404(dispatcher_client):
    ticket = open_ticket()

    assert dispatcher_client.post(action_url(ticket, "demolish")).status_code == 404


def test_changing_priority_moves_the_sla_on_the_page(dispatcher_client):
    ticket = open_ticket(priority=4)

    response = dispatcher_client.post(
        action_url(ticket, "priority"), {"priority-priority": "1", "priority-reason": "Flood"}
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(ticket)
    changed = Ticket.objects.get(pk=ticket.pk)
    assert changed.priority == 1
    assert changed.sla_due_at < ticket.sla_due_at
    page = dispatcher_client.get(page_url(ticket)).text
    assert "P1 critical" in page
    assert "P4 → P1" in page
    assert "Flood" in page


def test_an_htmx_action_answers_with_the_page_body(dispatcher_client):
    ticket = open_ticket()

    response = dispatcher_client.post(
        action_url(ticket, "cancel"), {"cancel-reason": "Duplicate"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Cancelled" in response.text
    assert "Duplicate" in response.text
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.CANCELLED


@pytest.mark.parametrize(
    ("action", "data", "named"),
    [
        ("priority", {"priority-priority": "9"}, "Priority"),
        ("priority", {}, "Priority"),
        ("kind", {"kind-kind": "demolition"}, "Kind of job"),
        ("cancel", {"cancel-reason": ""}, "Why"),
        ("add_visit", {"add_visit-window_day": "2026-13-40"}, "preferred day"),
        ("add_visit", {"add_visit-duration_minutes": "0"}, "Length"),
    ],
)
def test_bad_input_names_the_field_changes_nothing_and_is_a_400(
    dispatcher_client, action, data, named
):
    ticket = open_ticket(priority=3)
    events = ticket.events.count()

    response = dispatcher_client.post(action_url(ticket, action), data)

    assert response.status_code == 400
    assert named in response.text
    after = Ticket.objects.get(pk=ticket.pk)
    assert (after.priority, after.kind, after.status) == (3, "repair", "new")
    assert after.events.count() == events
    assert not Visit.objects.filter(ticket=ticket).exists()


def test_an_action_the_state_does_not_allow_is_refused_naming_both_states(dispatcher_client):
    ticket = open_ticket()

    response = dispatcher_client.post(action_url(ticket, "close"), {})

    assert response.status_code == 409
    assert "A ticket cannot go from New to Closed." in response.text
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.NEW


def test_adding_a_visit_with_a_window_on_the_site_clock(dispatcher_client, next_monday):
    ticket = open_ticket()
    day = next_monday + datetime.timedelta(days=7)

    response = dispatcher_client.post(
        action_url(ticket, "add_visit"),
        {"add_visit-window_day": day.isoformat(), "add_visit-window_from": "09:00"},
    )

    assert response.status_code == 302
    visit = Visit.objects.get(ticket=ticket)
    assert visit.window_start.astimezone(datetime.UTC) == datetime.datetime.combine(
        day, datetime.time(9), tzinfo=ticket.site.timezone
    ).astimezone(datetime.UTC)


def test_resolve_close_and_reopen_from_the_page(dispatcher_client):
    ticket = open_ticket()
    for to in ("triaged", "scheduled", "in_progress"):
        ticket = services.transition_ticket(ticket=ticket, to=to, by=None)

    for action, data, status in (
        ("resolve", {}, "resolved"),
        ("close", {"close-reason": "Confirmed"}, "closed"),
        ("reopen", {"reopen-reason": "Leaking again"}, "triaged"),
    ):
        response = dispatcher_client.post(action_url(ticket, action), data)
        assert response.status_code == 302, action
        assert Ticket.objects.get(pk=ticket.pk).status == status


def test_the_board_panel_and_the_intake_message_link_to_the_page(dispatcher_client):
    ticket = open_ticket()

    panel = dispatcher_client.get(reverse("dispatch:panel", args=[ticket.pk])).text

    assert f'href="{page_url(ticket)}"' in panel
    appliance = ApplianceFactory()
    after_intake = dispatcher_client.post(
        reverse("desk:intake"),
        {"kind": "repair", "appliance": appliance.pk, "channel": "phone", "priority": 3},
        follow=True,
    ).text
    opened = Ticket.objects.get(appliance=appliance)
    assert f'<a href="{page_url(opened)}">{opened.number}</a> opened and queued.' in after_intake


def test_customers_and_technicians_cannot_open_the_page(client, customer_user, technician):
    ticket = open_ticket()

    for user in (customer_user, technician.user):
        client.force_login(user)
        assert client.get(page_url(ticket)).status_code == 403
