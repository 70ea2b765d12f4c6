"""The workshop's pages: who sees the bench queue, steps and loans through the forms, the desk's
ticket page and the customer's tracking page."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from depot import services
from depot.models import Loan, LoanerUnit, RepairOrder
from fieldservice.roles import WORKSHOP_GROUP
from tests import factories
from tests.helpers import assign_today
from tickets.models import Ticket

from .conftest import needs_workshop

S = RepairOrder.Status


def _desk_order(ticket=None, by=None):
    ticket = ticket or factories.open_ticket()
    return services.open_repair_order(
        ticket=ticket,
        appliances=[ticket.appliance],
        handover=RepairOrder.Handover.DROP_OFF,
        source=RepairOrder.Source.DESK,
        by=by,
    )


@pytest.fixture
def bench_technician(db):
    technician = factories.TechnicianFactory()
    technician.user.groups.add(Group.objects.get(name=WORKSHOP_GROUP))
    return technician


def test_the_queue_is_for_dispatchers_and_bench_technicians_only(
    client, dispatcher, bench_technician, technician, customer_user
):
    order = _desk_order()
    url = reverse("depot:queue")

    for user, expected in (
        (dispatcher, 200),
        (bench_technician.user, 200),
        (technician.user, 403),
        (customer_user, 403),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert order.number in response.content.decode()


def test_the_queue_lists_open_orders_with_their_next_steps(client, dispatcher):
    waiting = _desk_order()
    done = _desk_order()
    services.record_step(order=done, to=S.CANCELLED, by=None)
    client.force_login(dispatcher)

    page = client.get(reverse("depot:queue")).content.decode()

    assert waiting.number in page
    assert done.number not in page
    assert 'value="received"' in page


@pytest.mark.parametrize("orders", [3, 20])
def test_the_queue_reads_a_bounded_number_of_queries(
    client, dispatcher, django_assert_max_num_queries, orders
):
    for _ in range(orders):
        _desk_order()
    client.force_login(dispatcher)

    with django_assert_max_num_queries(14):
        assert client.get(reverse("depot:queue")).status_code == 200


def test_a_bench_technician_records_a_step_from_the_queue(client, bench_technician):
    order = _desk_order()
    client.force_login(bench_technician.user)

    response = client.post(
        reverse("depot:order_step", args=[order.pk]),
        {"to": "received", "notes": "Box dented", "next": reverse("depot:queue")},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("depot:queue")
    order.refresh_from_db()
    assert order.status == S.RECEIVED
    step = order.steps.get(status=S.RECEIVED)
    assert (step.by, step.notes) == (bench_technician.user, "Box dented")


def test_a_step_out_of_order_comes_back_with_the_message_and_nothing_changes(client, dispatcher):
    order = _desk_order()
    client.force_login(dispatcher)

    response = client.post(
        reverse("depot:order_step", args=[order.pk]), {"to": "ready"}, follow=True
    )

    assert "cannot go from Opened to Ready" in response.content.decode()
    order.refresh_from_db()
    assert order.status == S.OPENED


def test_the_desk_opens_a_repair_order_from_the_ticket_page(client, dispatcher):
    ticket = factories.open_ticket()
    client.force_login(dispatcher)

    page = client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert "Send to the workshop" in page
    response = client.post(
        reverse("depot:order_new", args=[ticket.number]),
        {"appliances": [ticket.appliance_id], "handover": "drop_off"},
    )

    order = RepairOrder.objects.get(ticket=ticket)
    assert response["Location"] == reverse("depot:order", args=[order.pk])
    page = client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert order.number in page


def test_a_loaner_is_lent_from_the_ticket_page_and_twice_is_refused(client, dispatcher):
    unit = LoanerUnit.objects.create(serial_number="L-77", description="Fridge")
    first, second = factories.open_ticket(), factories.open_ticket()
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    client.force_login(dispatcher)

    client.post(
        reverse("depot:lend", args=[first.number]),
        {"unit": unit.pk, "due_on": due, "deposit": "50"},
    )
    response = client.post(
        reverse("depot:lend", args=[second.number]), {"unit": unit.pk, "due_on": due}, follow=True
    )

    assert Loan.objects.get().ticket == first
    assert "L-77 is out" in response.content.decode()


def test_closing_at_the_desk_with_a_loaner_out_says_why_not(client, dispatcher):
    unit = LoanerUnit.objects.create(serial_number="L-78", description="Oven")
    ticket = factories.open_ticket()
    services.lend_loaner(
        unit=unit,
        ticket=ticket,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
        by=dispatcher,
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)
    client.force_login(dispatcher)

    response = client.post(reverse("desk:ticket_action", args=[ticket.number, "close"]), {})

    assert "L-78" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def test_the_loaner_pool_lists_overdue_loans(client, dispatcher):
    unit = LoanerUnit.objects.create(serial_number="L-79", description="Dryer")
    loan = services.lend_loaner(
        unit=unit,
        ticket=factories.open_ticket(),
        due_on=timezone.localdate() + datetime.timedelta(days=3),
        by=dispatcher,
    )
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - datetime.timedelta(1))
    client.force_login(dispatcher)

    page = client.get(reverse("depot:loans")).content.decode()

    overdue = page.split('data-testid="overdue-loans"')[1].split("</table>")[0]
    assert "L-79" in overdue


def test_the_customer_follows_the_repair_on_the_tracking_page(client, db):
    visit = needs_workshop()
    ticket = visit.ticket
    user = factories.UserFactory(role="customer")
    factories.ContactFactory(user=user, customer=ticket.customer, role="administrator")
    order = RepairOrder.objects.get(ticket=ticket)
    services.record_step(order=order, to=S.RECEIVED, by=None, notes="internal: bearing")
    client.force_login(user)

    page = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()

    assert order.number in page
    assert "Received in the workshop" in page
    assert "internal: bearing" not in page


def test_another_customer_gets_no_repair_order_page(client, customer_user):
    order = _desk_order()
    client.force_login(customer_user)

    assert client.get(reverse("depot:order", args=[order.pk])).status_code == 403


def test_the_customer_asks_for_a_workshop_repair_on_the_portal(client, db):
    ticket = factories.open_ticket()
    user = factories.UserFactory(role="customer")
    factories.ContactFactory(user=user, customer=ticket.customer, role="administrator")
    client.force_login(user)
    url = reverse("portal:repair_request", args=[ticket.pk])

    refused = client.post(url, {}, follow=True)
    assert "pick the unit up or it is dropped off" in refused.content.decode()
    assert not RepairOrder.objects.exists()
    client.post(url, {"handover": "pick_up"})

    order = RepairOrder.objects.get(ticket=ticket)
    assert (order.source, order.handover) == (RepairOrder.Source.CUSTOMER, "pick_up")
    assert [u.appliance for u in order.units.all()] == [ticket.appliance]


def test_a_loaner_handed_over_at_a_visit_records_the_visit(client, dispatcher):
    unit = LoanerUnit.objects.create(serial_number="L-80", description="Hob")
    visit = factories.new_visit()
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    client.force_login(dispatcher)

    client.post(
        reverse("depot:lend", args=[visit.ticket.number]),
        {"unit": unit.pk, "due_on": due, "visit": visit.pk},
    )

    assert Loan.objects.get().lent_at_visit == visit


def test_a_ticket_in_the_workshop_stays_on_the_desks_list_of_open_tickets(client, dispatcher):
    visit = needs_workshop()
    client.force_login(dispatcher)

    page = client.get(reverse("desk:tickets"), {"status": "open"}).content.decode()

    assert visit.ticket.number in page


@pytest.mark.usefixtures("working_hours")  # two of today's visits, whatever the hour
def test_the_technician_sees_the_loaner_on_the_job_and_collects_it_at_the_visit(client, db):
    technician = factories.TechnicianFactory()
    visit = needs_workshop(technician=technician)
    follow_up = factories.new_visit(visit.ticket)
    follow_up = assign_today(follow_up, technician, slot=1)
    unit = LoanerUnit.objects.create(serial_number="L-81", description="Washer")
    loan = services.lend_loaner(
        unit=unit,
        ticket=visit.ticket,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        by=None,
    )
    client.force_login(technician.user)

    page = client.get(reverse("tech:job", args=[follow_up.pk])).content.decode()
    assert "L-81" in page
    assert RepairOrder.objects.get(ticket=visit.ticket).number in page
    client.post(reverse("tech:collect_loaner", args=[follow_up.pk, loan.pk]))

    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert (loan.returned_at_visit, loan.returned_by) == (follow_up, technician.user)
