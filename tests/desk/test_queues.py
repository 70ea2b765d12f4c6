"""The support tiers' queues on the desk, and the "who holds it" forms behind them."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory, open_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import escalate, take_ticket, transition_ticket

pytestmark = pytest.mark.django_db


def _at_tier(tier: int, *, due_in_hours: int = 24, **kwargs) -> Ticket:
    ticket = open_ticket(**kwargs)
    Ticket.objects.filter(pk=ticket.pk).update(
        tier=tier, sla_due_at=timezone.now() + datetime.timedelta(hours=due_in_hours)
    )
    ticket.refresh_from_db()
    return ticket


def _numbers_in(page: str) -> list[str]:
    return re.findall(r'data-ticket="(T-\d+)"', page)


def test_a_queue_lists_its_tiers_open_tickets_unheld_first_then_by_sla(dispatcher_client):
    other = UserFactory(role="dispatcher")
    later = _at_tier(2, due_in_hours=30)
    sooner = _at_tier(2, due_in_hours=5)
    held_soonest = _at_tier(2, due_in_hours=1)
    held_later = _at_tier(2, due_in_hours=10)
    take_ticket(ticket=held_soonest, by=other)
    take_ticket(ticket=held_later, by=other)
    elsewhere = _at_tier(3)
    closed = _at_tier(2)
    transition_ticket(ticket=closed, to=Ticket.Status.CANCELLED, by=None, reason="Duplicate")

    page = dispatcher_client.get(reverse("desk:queue", args=[2])).text

    assert _numbers_in(page) == [
        sooner.number,
        later.number,
        held_soonest.number,
        held_later.number,
    ]
    assert elsewhere.number not in page
    assert closed.number not in page


def test_the_tier_links_count_open_and_unheld_tickets(dispatcher_client, dispatcher):
    _at_tier(1)
    _at_tier(2)
    take_ticket(ticket=_at_tier(2), by=dispatcher)

    page = dispatcher_client.get(reverse("desk:queue", args=[1])).text

    tier_2 = re.search(r'data-testid="tier-2"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert "1 to take" in tier_2
    assert "2 open" in tier_2
    tier_3 = re.search(r'data-testid="tier-3"[^>]*>(.*?)</a>', page, re.S).group(1)
    assert "0 open" in tier_3


@pytest.mark.parametrize("tier", [0, 4])
def test_there_is_no_queue_past_the_three_tiers(dispatcher_client, tier):
    assert dispatcher_client.get(reverse("desk:queue", args=[tier])).status_code == 404


def test_a_queues_query_count_does_not_grow_with_its_rows(
    dispatcher_client, dispatcher, django_assert_max_num_queries
):
    for _ in range(3):
        take_ticket(ticket=_at_tier(2), by=UserFactory(role="dispatcher"))
    url = reverse("desk:queue", args=[2])
    with django_assert_max_num_queries(20) as few:
        dispatcher_client.get(url)
    for _ in range(12):
        take_ticket(ticket=_at_tier(2), by=UserFactory(role="dispatcher"))
        _at_tier(2)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = dispatcher_client.get(url).text

    assert len(_numbers_in(page)) == 27


def test_take_from_the_queue_goes_back_to_it_held_by_you(dispatcher_client, dispatcher):
    ticket = _at_tier(2)
    queue = reverse("desk:queue", args=[2])

    response = dispatcher_client.post(
        reverse("desk:ticket_take", args=[ticket.number]), {"next": queue}, follow=True
    )

    assert response.redirect_chain == [(queue, 302)]
    assert f"You hold {ticket.number}." in response.text
    ticket.refresh_from_db()
    assert ticket.held_by == dispatcher


def test_take_a_ticket_someone_holds_answers_with_who_in_the_partial(dispatcher_client):
    ticket = _at_tier(1)
    take_ticket(ticket=ticket, by=UserFactory(role="dispatcher", first_name="Ana", last_name="Bo"))

    response = dispatcher_client.post(
        reverse("desk:ticket_take", args=[ticket.number]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 409
    assert "held by Ana Bo" in response.text
    assert 'data-testid="holder"' in response.text


def test_an_unknown_or_malformed_number_is_a_404(dispatcher_client):
    for number in ("T-999999", "X-1", "T-"):
        url = reverse("desk:ticket_take", args=[number])
        assert dispatcher_client.post(url).status_code == 404, number


def test_an_outside_next_is_not_followed(dispatcher_client):
    ticket = _at_tier(3)

    response = dispatcher_client.post(
        reverse("desk:ticket_take", args=[ticket.number]), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("desk:queue", args=[3])


def test_hand_over_without_choosing_names_the_field_and_changes_nothing(
    dispatcher_client, dispatcher
):
    ticket = _at_tier(1)
    take_ticket(ticket=ticket, by=dispatcher)

    response = dispatcher_client.post(
        reverse("desk:ticket_hand_over", args=[ticket.number]), {"to": ""}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 400
    assert "Hand over to: Choose who takes it over." in response.text
    assert not ticket.events.filter(kind=TicketEvent.Kind.HANDED_OVER).exists()


def test_hand_over_in_the_partial(dispatcher_client, dispatcher):
    ticket = _at_tier(1)
    ana = UserFactory(role="dispatcher", first_name="Ana", last_name="Bo")

    response = dispatcher_client.post(
        reverse("desk:ticket_hand_over", args=[ticket.number]),
        {"to": ana.pk},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Ana Bo holds it at tier 1." in response.text
    ticket.refresh_from_db()
    assert ticket.held_by == ana


def test_escalate_from_the_partial_puts_it_in_the_next_queue_unheld(dispatcher_client, dispatcher):
    ticket = _at_tier(1)
    take_ticket(ticket=ticket, by=dispatcher)

    response = dispatcher_client.post(
        reverse("desk:ticket_tier", args=[ticket.number]),
        {"direction": "up", "reason": "Needs the wiring diagram"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "waits in the tier 2 queue" in response.text
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.held_by) == (2, None)


def test_escalate_without_a_reason_names_the_field(dispatcher_client):
    ticket = _at_tier(1)

    response = dispatcher_client.post(
        reverse("desk:ticket_tier", args=[ticket.number]),
        {"direction": "up", "reason": ""},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 400
    assert "Reason: Say why the tier changes." in response.text
    ticket.refresh_from_db()
    assert ticket.tier == 1


def test_escalate_past_tier_3_is_refused(dispatcher_client, dispatcher):
    ticket = _at_tier(1)
    escalate(ticket=ticket, by=dispatcher, reason="a")
    escalate(ticket=ticket, by=dispatcher, reason="b")

    response = dispatcher_client.post(
        reverse("desk:ticket_tier", args=[ticket.number]),
        {"direction": "up", "reason": "c"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 409
    assert "already at tier 3" in response.text


def test_the_holder_tag_offers_what_the_state_allows(dispatcher):
    ticket = _at_tier(3)
    request = RequestFactory().get("/desk/tickets/")
    request.user = dispatcher
    template = Template("{% load holder %}{% holder ticket %}")

    html = template.render(Context({"ticket": ticket, "request": request}))

    assert "Take it" in html
    assert "Back to tier 2" in html
    assert "Escalate" not in html


def test_the_boards_ticket_panel_says_who_holds_it(dispatcher_client, dispatcher):
    ticket = _at_tier(2)
    panel = reverse("dispatch:panel", args=[ticket.pk])

    unheld = dispatcher_client.get(panel).text
    take_ticket(ticket=ticket, by=dispatcher)
    held = dispatcher_client.get(panel).text

    assert "Nobody holds it: in the tier 2 queue" in unheld
    assert f"Held by {dispatcher.get_full_name()}" in held
