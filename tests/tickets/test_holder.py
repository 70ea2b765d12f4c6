"""Who holds a ticket: taking it, handing it over, and escalation letting go of it and telling
the new tier's group, each member in their own language."""

import pytest
from django.contrib.auth.models import Group

from fieldservice import languages
from fieldservice.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from notifications.models import Notification
from notifications.services import deliver
from tests.factories import TechnicianFactory, UserFactory, open_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services import deescalate, escalate, hand_over, take_ticket, transition_ticket

pytestmark = pytest.mark.django_db


def _member(tier: int, **kwargs):
    user = UserFactory(role="dispatcher", **kwargs)
    user.groups.add(Group.objects.get_or_create(name=f"Tier {tier}")[0])
    return user


def test_a_dispatcher_takes_an_unheld_ticket_and_it_is_in_the_history(dispatcher):
    ticket = open_ticket()

    take_ticket(ticket=ticket, by=dispatcher)

    ticket.refresh_from_db()
    assert ticket.held_by == dispatcher
    event = ticket.events.get(kind=TicketEvent.Kind.TAKEN)
    assert event.by == dispatcher
    assert event.data == {"tier": 1}


def test_taking_a_ticket_someone_else_holds_is_refused_naming_them(dispatcher):
    ticket = open_ticket()
    ana = UserFactory(role="dispatcher", first_name="Ana", last_name="Rossi")
    take_ticket(ticket=ticket, by=ana)

    with pytest.raises(TransitionNotAllowed, match="Ana Rossi"):
        take_ticket(ticket=ticket, by=dispatcher)

    ticket.refresh_from_db()
    assert ticket.held_by == ana
    assert ticket.events.filter(kind=TicketEvent.Kind.TAKEN).count() == 1


def test_taking_ones_own_ticket_again_changes_nothing(dispatcher):
    ticket = open_ticket()
    take_ticket(ticket=ticket, by=dispatcher)

    take_ticket(ticket=ticket, by=dispatcher)

    assert ticket.events.filter(kind=TicketEvent.Kind.TAKEN).count() == 1


def test_a_technician_cannot_take_a_ticket():
    ticket = open_ticket()

    with pytest.raises(NotAllowed):
        take_ticket(ticket=ticket, by=TechnicianFactory().user)

    ticket.refresh_from_db()
    assert ticket.held_by is None


def test_a_closed_ticket_cannot_be_taken(dispatcher):
    ticket = open_ticket()
    transition_ticket(ticket=ticket, to=Ticket.Status.CANCELLED, by=None, reason="Duplicate")

    with pytest.raises(TransitionNotAllowed, match="Cancelled"):
        take_ticket(ticket=ticket, by=dispatcher)


def test_hand_over_gives_the_ticket_to_a_colleague_and_records_from_whom(dispatcher):
    ticket = open_ticket()
    ana = UserFactory(role="dispatcher", first_name="Ana", last_name="Rossi")
    take_ticket(ticket=ticket, by=dispatcher)

    hand_over(ticket=ticket, to=ana, by=dispatcher, reason="She knows this model")

    ticket.refresh_from_db()
    assert ticket.held_by == ana
    event = ticket.events.get(kind=TicketEvent.Kind.HANDED_OVER)
    assert event.from_value == dispatcher.get_full_name()
    assert event.to_value == "Ana Rossi"
    assert event.reason == "She knows this model"


def test_hand_over_to_someone_outside_the_desk_is_refused_naming_the_field(dispatcher):
    ticket = open_ticket()
    take_ticket(ticket=ticket, by=dispatcher)

    with pytest.raises(InvalidInput) as refused:
        hand_over(ticket=ticket, to=TechnicianFactory().user, by=dispatcher)

    assert refused.value.field == "to"
    ticket.refresh_from_db()
    assert ticket.held_by == dispatcher
    assert not ticket.events.filter(kind=TicketEvent.Kind.HANDED_OVER).exists()


def test_escalation_lets_go_of_the_ticket_and_notifies_each_member_in_their_language(
    dispatcher,
):
    ticket = open_ticket(description="Drum does not turn")
    take_ticket(ticket=ticket, by=dispatcher)
    giulia = _member(2, email="giulia@example.com")
    languages.choose_language(user=giulia, language="it")
    _member(2, email="bob@example.com")
    _member(3, email="third@example.com")  # another tier's
    UserFactory(role="dispatcher", email="desk@example.com")  # in no tier
    _member(2, email="gone@example.com", is_active=False)

    escalate(ticket=ticket, by=dispatcher, reason="Needs a firmware update")

    ticket.refresh_from_db()
    assert ticket.tier == 2
    assert ticket.held_by is None
    event = ticket.events.get(kind=TicketEvent.Kind.ESCALATED)
    assert event.data == {"held_by": dispatcher.pk}
    sent = {
        n.recipient: n
        for n in Notification.objects.filter(kind=Notification.Kind.ESCALATED).order_by("pk")
    }
    assert set(sent) == {"giulia@example.com", "bob@example.com"}
    assert sent["giulia@example.com"].language == "it"
    assert sent["bob@example.com"].language == "en"
    assert sent["giulia@example.com"].payload["what"].startswith("Riparazione")
    assert sent["bob@example.com"].payload["what"].startswith("Repair")
    payload = sent["bob@example.com"].payload
    assert payload["number"] == ticket.number
    assert payload["reason"] == "Needs a firmware update"
    assert payload["url"].endswith(f"/desk/queue/2/#{ticket.number}")


def test_the_member_who_escalates_is_not_told_of_it():
    ticket = open_ticket()
    me = _member(2, email="me@example.com")
    _member(2, email="other@example.com")

    escalate(ticket=ticket, by=me, reason="Mine to look at")

    recipients = Notification.objects.filter(kind=Notification.Kind.ESCALATED).values_list(
        "recipient", flat=True
    )
    assert list(recipients) == ["other@example.com"]


def test_bringing_a_ticket_back_a_tier_tells_that_tier(dispatcher):
    ticket = open_ticket()
    escalate(ticket=ticket, by=dispatcher, reason="Check the wiring")
    first = _member(1, email="first@example.com")

    deescalate(ticket=ticket, by=dispatcher, reason="Just a reset")

    assert Notification.objects.filter(
        kind=Notification.Kind.ESCALATED, recipient=first.email
    ).exists()


def test_the_escalation_email_says_which_ticket_why_and_where(dispatcher, mailoutbox):
    ticket = open_ticket()
    _member(2, email="bob@example.com")

    escalate(ticket=ticket, by=dispatcher, reason="Needs a firmware update")
    deliver(notification_id=Notification.objects.get(kind=Notification.Kind.ESCALATED).pk)

    (email,) = mailoutbox
    assert ticket.number in email.subject
    assert "Needs a firmware update" in email.body
    assert f"/desk/queue/2/#{ticket.number}" in email.body
    assert "Nobody holds it yet" in email.body
