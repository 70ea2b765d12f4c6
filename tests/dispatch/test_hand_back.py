"""A technician who cannot come hands the visit back: off their day, back to the queue with its
promised window, the reason in the ticket's history, every dispatcher alerted, the customer not
told. Only the visit's own technician or a dispatcher, and only before it has started."""

import pytest
from django.urls import reverse

from dispatch.services import hand_back_visit
from fieldservice.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from notifications.models import Notification
from notifications.texts import render, render_sms
from tests.factories import TechnicianFactory, UserFactory, new_visit
from tests.helpers import assign_today, client_for
from tickets.models import TicketEvent, Visit
from tickets.services import transition_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(technician):
    return assign_today(new_visit(), technician)


def test_own_technician_hands_back_with_a_reason(visit, technician, dispatcher):
    other_dispatcher = UserFactory(role="dispatcher")
    UserFactory(role="dispatcher", is_active=False)
    window = (visit.window_start, visit.window_end)
    customer_rows = Notification.objects.filter(recipient=visit.ticket.customer.email).count()

    hand_back_visit(visit=visit, by=technician.user, reason="Van broke down")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNASSIGNED
    assert visit.technician is None
    assert visit.planned_start is None
    assert (visit.window_start, visit.window_end) == window
    line = TicketEvent.objects.get(ticket=visit.ticket, kind=TicketEvent.Kind.UNASSIGNED)
    assert line.reason == "Van broke down"
    assert line.by == technician.user
    assert line.data["handed_back"] == technician.pk
    alerts = Notification.objects.filter(kind=Notification.Kind.HANDED_BACK)
    assert sorted(a.recipient for a in alerts) == sorted([dispatcher.email, other_dispatcher.email])
    assert all(a.visit_id == visit.pk for a in alerts)
    assert alerts[0].payload["reason"] == "Van broke down"
    assert alerts[0].payload["technician"] == str(technician)
    assert Notification.objects.filter(recipient=visit.ticket.customer.email).count() == (
        customer_rows
    )


def test_a_dispatcher_may_hand_back_for_the_technician(visit, dispatcher):
    hand_back_visit(visit=visit, by=dispatcher, reason="He phoned in sick")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.UNASSIGNED


def test_another_technician_may_not_hand_back(visit):
    colleague = TechnicianFactory()

    with pytest.raises(NotAllowed):
        hand_back_visit(visit=visit, by=colleague.user, reason="Not mine anyway")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED
    assert not Notification.objects.filter(kind=Notification.Kind.HANDED_BACK).exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(visit, technician, reason):
    with pytest.raises(InvalidInput) as err:
        hand_back_visit(visit=visit, by=technician.user, reason=reason)

    assert err.value.field == "reason"
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_a_reason_past_the_limit_is_refused(visit, technician):
    with pytest.raises(InvalidInput) as err:
        hand_back_visit(visit=visit, by=technician.user, reason="x" * 2001)

    assert err.value.field == "reason"
    assert "2000" in err.value.message


def test_a_visit_under_way_cannot_be_handed_back(visit, technician):
    visit = transition_visit(visit=visit, to="en_route", by=technician.user)

    with pytest.raises(TransitionNotAllowed):
        hand_back_visit(visit=visit, by=technician.user, reason="Changed my mind")

    visit.refresh_from_db()
    assert visit.status == Visit.Status.EN_ROUTE
    assert visit.technician == technician


def test_the_alert_has_words_in_every_language():
    values = {
        "technician": "Mario",
        "number": "T-1",
        "name": "Anna",
        "address": "Via Roma 1",
        "window": "Mon 5 Jan, 09:00-11:00",
        "what": "Repair, washing machine Bosch WAW28",
        "reason": "Flat tyre",
    }
    for language in ("en", "it", "es", "bg"):
        subject, body = render("handed_back", language, values)
        assert "T-1" in subject
        assert "Flat tyre" in body
        assert "Flat tyre" in render_sms("handed_back", language, values)


def test_api_hand_back_by_the_technician(visit, technician, dispatcher):
    url = reverse("v1:visit-assign-hand-back", kwargs={"pk": visit.pk})

    response = client_for(technician.user).post(url, {"reason": "Van broke down"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == Visit.Status.UNASSIGNED
    assert Notification.objects.filter(
        kind=Notification.Kind.HANDED_BACK, recipient=dispatcher.email
    ).exists()


def test_api_hand_back_of_another_technicians_visit_is_404(visit):
    url = reverse("v1:visit-assign-hand-back", kwargs={"pk": visit.pk})

    response = client_for(TechnicianFactory().user).post(url, {"reason": "x"}, format="json")

    assert response.status_code == 404
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_api_hand_back_without_a_reason_is_400(visit, technician):
    url = reverse("v1:visit-assign-hand-back", kwargs={"pk": visit.pk})

    response = client_for(technician.user).post(url, {}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SCHEDULED


def test_api_hand_back_of_a_visit_under_way_is_409(visit, technician):
    transition_visit(visit=visit, to="en_route", by=technician.user)
    url = reverse("v1:visit-assign-hand-back", kwargs={"pk": visit.pk})

    response = client_for(technician.user).post(url, {"reason": "Late"}, format="json")

    assert response.status_code == 409
