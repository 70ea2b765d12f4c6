"""Solved on the phone: a ticket resolved without a visit, with how and the article used;
refused once a technician is on the way; counted as a remote fix and per article."""

import datetime

import pytest
from django.utils import timezone

from catalog.models import Article
from catalog.services import save_article
from dispatch.services import assign_visit, take_solved_call
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests.factories import ApplianceFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import at, finish_visit
from tickets import services
from tickets.models import Ticket, TicketEvent, Visit
from tickets.selectors import history_lines, remote_fixes, with_solved_counts

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _article(title="Reset the board"):
    return save_article(title=title, steps="Hold Start for 5 seconds.", by=None)


def test_resolve_remotely_resolves_with_code_article_and_history(dispatcher):
    ticket = open_ticket()
    article = _article()

    ticket = services.resolve_remotely(
        ticket=ticket,
        by=dispatcher,
        resolution_code=Ticket.Resolution.RESET_DONE,
        article=article,
        notes="Held Start, the error cleared.",
    )

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.resolution_code == "reset_done"
    assert ticket.solved_with == article
    assert ticket.resolved_remotely_at is not None
    event = ticket.events.get(kind=TicketEvent.Kind.REMOTE_FIX)
    assert (event.by, event.to_value, event.data["article"]) == (
        dispatcher,
        "reset_done",
        article.pk,
    )
    lines = [(line.what, line.change.strip()) for line in history_lines(ticket)]
    assert ("Solved on the phone", "→ Reset done") in lines


def test_open_visits_not_yet_on_the_road_are_cancelled(next_monday):
    queued = new_visit()
    ticket = queued.ticket
    scheduled = assign_visit(
        visit=new_visit(ticket), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )

    services.resolve_remotely(ticket=ticket, by=None, resolution_code="explained_use")

    assert set(ticket.visits.values_list("status", flat=True)) == {Visit.Status.CANCELLED}
    scheduled.refresh_from_db()
    assert scheduled.status == Visit.Status.CANCELLED
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def test_refused_once_a_technician_is_on_the_way(next_monday):
    visit = assign_visit(
        visit=new_visit(), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )
    services.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    ticket = Ticket.objects.get(pk=visit.ticket_id)

    with pytest.raises(TransitionNotAllowed):
        services.resolve_remotely(ticket=ticket, by=None, resolution_code="reset_done")

    ticket.refresh_from_db()
    assert ticket.resolution_code == ""
    assert ticket.resolved_remotely_at is None
    assert not ticket.events.filter(kind=TicketEvent.Kind.REMOTE_FIX).exists()


@pytest.mark.parametrize("status", ["resolved", "cancelled"])
def test_refused_for_a_ticket_not_open_for_it(status):
    ticket = open_ticket()
    if status == "cancelled":
        services.transition_ticket(ticket=ticket, to="cancelled", by=None)
    else:
        services.resolve_remotely(ticket=ticket, by=None, resolution_code="other")

    with pytest.raises(TransitionNotAllowed, match="cannot be solved on the phone"):
        services.resolve_remotely(ticket=ticket, by=None, resolution_code="reset_done")


def test_an_unknown_resolution_code_names_the_field_and_changes_nothing():
    ticket = open_ticket()

    with pytest.raises(InvalidInput) as err:
        services.resolve_remotely(ticket=ticket, by=None, resolution_code="magic")

    assert err.value.field == "resolution_code"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


def test_a_plain_status_change_still_cannot_resolve_a_new_ticket():
    with pytest.raises(TransitionNotAllowed):
        services.transition_ticket(ticket=open_ticket(), to="resolved", by=None)


def test_remote_fixes_counts_within_the_period_and_not_after_a_visit(next_monday):
    now = timezone.now()
    fixed = services.resolve_remotely(ticket=open_ticket(), by=None, resolution_code="other")
    services.resolve_remotely(ticket=open_ticket(), by=None, resolution_code="other")
    reopened = services.resolve_remotely(ticket=open_ticket(), by=None, resolution_code="other")
    # Reopened and fixed on site after all: no remote fix.
    services.transition_ticket(ticket=reopened, to="in_progress", by=None)
    visit = assign_visit(
        visit=new_visit(reopened), technician=TechnicianFactory(), start=at(next_monday, 9), by=None
    )
    finish_visit(visit)
    open_ticket()  # still open

    found = remote_fixes(now - DAY, now + DAY)

    assert found.count() == 2
    assert fixed in found
    assert remote_fixes(now + DAY, now + 2 * DAY).count() == 0


def test_each_article_counts_the_tickets_it_solved(django_assert_num_queries):
    used, unused = _article("Used"), _article("Unused")
    for _ in range(3):
        services.resolve_remotely(
            ticket=open_ticket(), by=None, resolution_code="reset_done", article=used
        )
    services.resolve_remotely(ticket=open_ticket(), by=None, resolution_code="other")

    with django_assert_num_queries(1):
        counts = {a.title: a.solved_count for a in with_solved_counts(Article.objects.all())}

    assert counts == {"Used": 3, "Unused": 0}
    assert unused.solved_tickets.count() == 0


def test_a_call_opened_and_solved_on_the_phone_queues_no_visit(dispatcher):
    appliance = ApplianceFactory()
    article = _article()

    ticket = take_solved_call(
        customer=appliance.site.customer,
        site=appliance.site,
        appliance=appliance,
        kind="repair",
        by=dispatcher,
        resolution_code="settings_changed",
        article=article,
    )

    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.solved_with == article
    assert not ticket.visits.exists()


def test_a_refused_solved_call_opens_no_ticket():
    appliance = ApplianceFactory()

    with pytest.raises(InvalidInput):
        take_solved_call(
            customer=appliance.site.customer,
            site=appliance.site,
            appliance=appliance,
            kind="repair",
            by=None,
            resolution_code="",
        )

    assert not Ticket.objects.exists()
