"""Repair orders: opened by a visit or the desk, moved step by step, holding the ticket open."""

from __future__ import annotations

import itertools

import pytest

from depot import services
from depot.models import RepairOrder
from fieldservice.errors import InvalidInput, TransitionNotAllowed
from tests import factories
from tickets.models import Ticket
from tickets.services import close_ticket, resolve_ticket

from .conftest import needs_workshop

S = RepairOrder.Status


def _walk(order, *steps, by=None):
    for step in steps:
        services.record_step(order=order, to=step, by=by, notes=f"{step} done")
    order.refresh_from_db()
    return order


def test_a_visit_that_needs_the_workshop_opens_a_repair_order_for_the_ticket_appliance(
    workshop_visit,
):
    ticket = workshop_visit.ticket

    order = RepairOrder.objects.get(ticket=ticket)

    assert order.source == RepairOrder.Source.VISIT
    assert order.visit == workshop_visit
    assert order.handover == RepairOrder.Handover.PICK_UP
    assert [u.appliance for u in order.units.all()] == [ticket.appliance]
    assert list(order.steps.values_list("status", flat=True)) == [S.OPENED]
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IN_PROGRESS
    assert ticket.events.filter(to_value=order.number).exists()


def test_a_second_visit_that_needs_the_workshop_opens_no_second_order(db):
    first = needs_workshop()

    needs_workshop(ticket=first.ticket)

    assert RepairOrder.objects.filter(ticket=first.ticket).count() == 1


def test_steps_are_recorded_in_order_with_who_and_notes(workshop_visit, dispatcher):
    order = RepairOrder.objects.get(ticket=workshop_visit.ticket)

    order = _walk(order, S.RECEIVED, S.DIAGNOSING, S.WAITING_FOR_PARTS, S.REPAIRING, by=dispatcher)
    order = _walk(order, S.TESTING, S.READY, by=dispatcher)

    assert order.status == S.READY
    steps = list(order.steps.all())
    assert [s.status for s in steps] == [
        S.OPENED,
        S.RECEIVED,
        S.DIAGNOSING,
        S.WAITING_FOR_PARTS,
        S.REPAIRING,
        S.TESTING,
        S.READY,
    ]
    assert all(s.by == dispatcher for s in steps[1:])
    assert steps[2].notes == "diagnosing done"
    assert all(a.at <= b.at for a, b in itertools.pairwise(steps))


def test_a_step_out_of_order_is_refused_naming_both_and_changes_nothing(workshop_visit):
    order = RepairOrder.objects.get(ticket=workshop_visit.ticket)
    _walk(order, S.RECEIVED)

    with pytest.raises(TransitionNotAllowed) as refused:
        services.record_step(order=order, to=S.READY, by=None)

    assert "Received in the workshop" in refused.value.message
    assert "Ready" in refused.value.message
    assert "Diagnosing" in refused.value.message  # what may come next
    order.refresh_from_db()
    assert order.status == S.RECEIVED
    assert order.steps.count() == 2


def test_an_unknown_step_is_refused_naming_the_field(workshop_visit):
    order = RepairOrder.objects.get(ticket=workshop_visit.ticket)

    with pytest.raises(InvalidInput) as refused:
        services.record_step(order=order, to="polishing", by=None)

    assert refused.value.field == "to"
    assert order.steps.count() == 1


def test_the_ticket_stays_open_until_the_unit_is_back_then_it_is_resolved(workshop_visit):
    ticket = workshop_visit.ticket
    order = RepairOrder.objects.get(ticket=ticket)
    _walk(order, S.RECEIVED, S.DIAGNOSING, S.REPAIRING, S.TESTING, S.READY)

    with pytest.raises(TransitionNotAllowed) as refused:
        resolve_ticket(ticket=ticket, by=None)
    assert order.number in refused.value.message
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.IN_PROGRESS

    _walk(order, S.RETURNED)

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def test_the_desk_opens_an_order_for_several_units_of_the_customer(dispatcher):
    ticket = factories.open_ticket()
    other = factories.ApplianceFactory(site=ticket.site)

    order = services.open_repair_order(
        ticket=ticket,
        appliances=[ticket.appliance, other],
        handover=RepairOrder.Handover.DROP_OFF,
        source=RepairOrder.Source.DESK,
        by=dispatcher,
    )

    assert {u.appliance for u in order.units.all()} == {ticket.appliance, other}
    assert order.created_by == dispatcher


def test_another_customers_appliance_is_refused_and_nothing_is_opened(dispatcher):
    ticket = factories.open_ticket()
    stranger = factories.ApplianceFactory()

    with pytest.raises(InvalidInput) as refused:
        services.open_repair_order(
            ticket=ticket,
            appliances=[ticket.appliance, stranger],
            handover=RepairOrder.Handover.DROP_OFF,
            source=RepairOrder.Source.DESK,
            by=dispatcher,
        )

    assert stranger.serial_number in refused.value.message
    assert refused.value.field == "appliances"
    assert not RepairOrder.objects.exists()


def test_a_unit_already_in_the_workshop_is_refused(workshop_visit, dispatcher):
    ticket = workshop_visit.ticket
    order = RepairOrder.objects.get(ticket=ticket)

    with pytest.raises(InvalidInput) as refused:
        services.open_repair_order(
            ticket=ticket,
            appliances=[ticket.appliance],
            handover=RepairOrder.Handover.DROP_OFF,
            source=RepairOrder.Source.DESK,
            by=dispatcher,
        )

    assert order.number in refused.value.message
    assert RepairOrder.objects.count() == 1


def test_a_missing_handover_is_refused_naming_the_field(dispatcher):
    ticket = factories.open_ticket()

    with pytest.raises(InvalidInput) as refused:
        services.open_repair_order(
            ticket=ticket,
            appliances=[ticket.appliance],
            handover="",
            source=RepairOrder.Source.DESK,
            by=dispatcher,
        )

    assert refused.value.field == "handover"


def test_closing_a_resolved_ticket_with_a_unit_in_the_workshop_needs_a_reason(dispatcher):
    ticket = factories.open_ticket()
    services.open_repair_order(
        ticket=ticket,
        appliances=[ticket.appliance],
        handover=RepairOrder.Handover.DROP_OFF,
        source=RepairOrder.Source.DESK,
        by=dispatcher,
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.RESOLVED)

    with pytest.raises(TransitionNotAllowed):
        close_ticket(ticket=ticket, by=dispatcher)
    close_ticket(ticket=ticket, by=dispatcher, reason="Customer sold it to us.")

    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert ticket.events.filter(reason="Customer sold it to us.").exists()
