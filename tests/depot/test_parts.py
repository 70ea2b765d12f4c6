"""Parts used in the workshop: recorded on the repair order (part, quantity, who, when) and
taken from the workshop's stock by one consumption move in the same transaction, once per key;
refused naming the part when the workshop has too few, with nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse

from depot import services
from depot.models import RepairOrder, RepairPart
from fieldservice.errors import InvalidInput, NotInStock, TransitionNotAllowed
from fieldservice.roles import WORKSHOP_GROUP
from inventory.models import StockLocation, StockMove
from tests import factories
from tests.inventory.stock import level, put_in, warehouse
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

S = RepairOrder.Status


def _workshop_stock() -> StockLocation:
    shelf = warehouse("Workshop shelf")
    shelf.is_workshop = True
    shelf.save()
    return shelf


def _order_in_workshop(*, status=S.REPAIRING) -> RepairOrder:
    ticket = factories.open_ticket()
    order = services.open_repair_order(
        ticket=ticket,
        appliances=[ticket.appliance],
        handover=RepairOrder.Handover.DROP_OFF,
        source=RepairOrder.Source.DESK,
        by=None,
    )
    for step in (S.RECEIVED, S.DIAGNOSING, S.REPAIRING, S.TESTING, S.READY):
        services.record_step(order=order, to=step, by=None)
        if step == status:
            break
    order.refresh_from_db()
    return order


@pytest.fixture
def bench_user(db):
    technician = factories.TechnicianFactory(user__first_name="Bruno", user__last_name="Banco")
    technician.user.groups.add(Group.objects.get(name=WORKSHOP_GROUP))
    return technician.user


def test_a_part_used_is_recorded_and_taken_from_the_workshops_stock(bench_user):
    shelf = _workshop_stock()
    other = warehouse("Central warehouse")
    part = factories.PartFactory(name="Drum bearing")
    put_in(shelf, part, 5)
    put_in(other, part, 7)
    order = _order_in_workshop()

    used = services.use_part(order=order, part=part, quantity="2", key="k1", by=bench_user)

    assert (used.order, used.part, used.quantity, used.by) == (order, part, 2, bench_user)
    assert used.at is not None
    move = used.move
    assert move.kind == StockMove.Kind.CONSUMPTION
    assert (move.from_location, move.quantity, move.by) == (shelf, 2, bench_user)
    assert level(shelf, part).on_hand == 3
    assert level(other, part).on_hand == 7  # only the workshop's stock is touched
    assert order.ticket.events.filter(
        kind=TicketEvent.Kind.NOTE, to_value=part.sku, reason__contains="Drum bearing"
    ).exists()


def test_the_same_key_sent_again_takes_nothing_more(bench_user):
    shelf = _workshop_stock()
    part = factories.PartFactory()
    put_in(shelf, part, 5)
    order = _order_in_workshop()
    first = services.use_part(order=order, part=part, quantity="2", key="same", by=bench_user)

    again = services.use_part(order=order, part=part, quantity="2", key="same", by=bench_user)

    assert again.pk == first.pk
    assert RepairPart.objects.filter(order=order).count() == 1
    assert StockMove.objects.filter(kind=StockMove.Kind.CONSUMPTION).count() == 1
    assert level(shelf, part).on_hand == 3
    # A new form (a new key) is a new use.
    services.use_part(order=order, part=part, quantity="1", key="other", by=bench_user)
    assert level(shelf, part).on_hand == 2


def test_too_few_in_the_workshop_is_refused_naming_the_part_and_nothing_is_written(bench_user):
    shelf = _workshop_stock()
    part = factories.PartFactory(name="Heating element")
    put_in(shelf, part, 1)
    order = _order_in_workshop()
    events_before = order.ticket.events.count()
    moves_before = StockMove.objects.count()

    with pytest.raises(NotInStock, match="Heating element"):
        services.use_part(order=order, part=part, quantity="3", key="k", by=bench_user)

    assert not RepairPart.objects.exists()
    assert StockMove.objects.count() == moves_before
    assert level(shelf, part).on_hand == 1
    assert order.ticket.events.count() == events_before


def test_bad_input_is_refused_naming_what_is_wrong(bench_user):
    part = factories.PartFactory(name="Door seal")
    order = _order_in_workshop()

    with pytest.raises(InvalidInput, match="workshop's stock") as no_shelf:
        services.use_part(order=order, part=part, quantity="1", key="k", by=bench_user)
    assert no_shelf.value.field == "part"

    shelf = _workshop_stock()
    put_in(shelf, part, 4)
    with pytest.raises(InvalidInput, match="whole units") as fraction:
        services.use_part(order=order, part=part, quantity="1.5", key="k", by=bench_user)
    assert fraction.value.field == "quantity"
    with pytest.raises(InvalidInput, match="more than zero"):
        services.use_part(order=order, part=part, quantity="-1", key="k", by=bench_user)
    with pytest.raises(InvalidInput) as no_key:
        services.use_part(order=order, part=part, quantity="1", key=" ", by=bench_user)
    assert no_key.value.field == "key"
    assert not RepairPart.objects.exists()
    assert level(shelf, part).on_hand == 4


def test_parts_are_used_only_while_the_unit_is_in_the_workshop(bench_user):
    shelf = _workshop_stock()
    part = factories.PartFactory()
    put_in(shelf, part, 4)
    order = _order_in_workshop(status=S.READY)

    with pytest.raises(TransitionNotAllowed, match=order.number):
        services.use_part(order=order, part=part, quantity="1", key="k", by=bench_user)

    assert level(shelf, part).on_hand == 4


def test_the_workshops_stock_is_one_warehouse():
    _workshop_stock()
    second = warehouse("Second shelf")
    second.is_workshop = True

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    van = StockLocation(
        name="Van", kind=StockLocation.Kind.VAN, technician=factories.TechnicianFactory()
    )
    van.is_workshop = True
    StockLocation.objects.filter(is_workshop=True).update(is_workshop=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        van.save()


# The repair order's page ----------------------------------------------------------------------


def test_the_order_page_records_a_part_with_its_form(client, bench_user):
    shelf = _workshop_stock()
    part = factories.PartFactory(sku="BRG-6203", name="Drum bearing")
    put_in(shelf, part, 5)
    order = _order_in_workshop()
    client.force_login(bench_user)
    url = reverse("depot:order", args=[order.pk])

    page = client.get(url).content.decode()
    assert "BRG-6203 · Drum bearing" in page
    form_key = page.split('name="key" value="')[1].split('"')[0]
    data = {"part": part.pk, "quantity": "2", "key": form_key}
    post = reverse("depot:order_use_part", args=[order.pk])
    response = client.post(post, data, follow=True)
    client.post(post, data)  # sent twice: recorded once

    assert response.redirect_chain[-1][0] == url
    shown = response.content.decode()
    assert "Drum bearing recorded as used." in shown
    assert "Bruno Banco" in shown
    assert RepairPart.objects.get(order=order).quantity == Decimal(2)
    assert level(shelf, part).on_hand == 3


def test_the_page_says_when_the_workshop_has_too_few(client, bench_user):
    shelf = _workshop_stock()
    part = factories.PartFactory(name="Drum bearing")
    put_in(shelf, part, 1)
    order = _order_in_workshop()
    client.force_login(bench_user)

    response = client.post(
        reverse("depot:order_use_part", args=[order.pk]),
        {"part": part.pk, "quantity": "4", "key": "abc"},
        follow=True,
    )

    shown = response.content.decode()
    assert "has 1 of Drum bearing free to take, not 4" in shown
    assert not RepairPart.objects.exists()
    assert level(shelf, part).on_hand == 1


def test_the_page_names_a_missing_field(client, bench_user):
    _workshop_stock()
    order = _order_in_workshop()
    client.force_login(bench_user)

    response = client.post(
        reverse("depot:order_use_part", args=[order.pk]),
        {"quantity": "1", "key": "abc"},
        follow=True,
    )

    assert "Part: Choose the part used." in response.content.decode()
    assert not RepairPart.objects.exists()


def test_a_technician_outside_the_workshop_cannot_use_parts(client, technician):
    shelf = _workshop_stock()
    part = factories.PartFactory()
    put_in(shelf, part, 3)
    order = _order_in_workshop()
    client.force_login(technician.user)

    response = client.post(
        reverse("depot:order_use_part", args=[order.pk]),
        {"part": part.pk, "quantity": "1", "key": "abc"},
    )

    assert response.status_code == 403
    assert level(shelf, part).on_hand == 3
