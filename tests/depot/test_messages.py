"""The customer hears of the workshop's steps that concern them, and follows them on the portal."""

from __future__ import annotations

from depot import services
from depot.models import RepairOrder
from notifications.models import Notification
from notifications.services import deliver

S = RepairOrder.Status
K = Notification.Kind


def test_received_ready_and_returned_are_told_to_the_customer_and_nothing_else(workshop_visit):
    order = RepairOrder.objects.get(ticket=workshop_visit.ticket)
    before = set(Notification.objects.values_list("pk", flat=True))

    for step in (S.RECEIVED, S.DIAGNOSING, S.REPAIRING, S.TESTING, S.READY, S.RETURNED):
        services.record_step(order=order, to=step, by=None)

    kinds = list(
        Notification.objects.exclude(pk__in=before)
        .filter(kind__startswith="repair_")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [K.REPAIR_RECEIVED, K.REPAIR_READY, K.REPAIR_RETURNED]
    received = Notification.objects.get(kind=K.REPAIR_RECEIVED)
    assert received.recipient == order.ticket.customer.email
    assert received.payload["number"] == order.number


def test_the_message_names_the_order_and_unit_and_links_the_tracking_page(
    workshop_visit, mailoutbox
):
    order = RepairOrder.objects.get(ticket=workshop_visit.ticket)
    services.record_step(order=order, to=S.RECEIVED, by=None)
    row = Notification.objects.get(kind=K.REPAIR_RECEIVED)

    deliver(notification_id=row.pk)

    sent = [m for m in mailoutbox if order.number in m.subject]
    assert len(sent) == 1
    assert f"/portal/tickets/{order.ticket_id}/" in sent[0].body
    assert str(order.units.get().appliance.serial_number) in sent[0].body


def test_the_message_is_in_the_customers_language(workshop_visit, mailoutbox):
    customer = workshop_visit.ticket.customer
    customer.language = "it"
    customer.save()
    order = RepairOrder.objects.get(ticket=workshop_visit.ticket)
    services.record_step(order=order, to=S.RECEIVED, by=None)

    deliver(notification_id=Notification.objects.get(kind=K.REPAIR_RECEIVED).pk)

    (sent,) = [m for m in mailoutbox if order.number in m.subject]
    assert (
        sent.subject == f"Riparazione {order.number}: il tuo apparecchio è nel nostro laboratorio"
    )
