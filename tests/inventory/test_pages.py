"""The office's stock pages and the technician's van: what they show, and bad input refused
by name with nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from inventory import selectors, services
from inventory.forms import new_key
from inventory.models import PurchaseOrder, ReorderPoint, StockMove, Supplier
from tests.factories import PartFactory, TechnicianFactory, new_visit, open_ticket
from tests.helpers import assign_today
from tickets import services as tickets

from .stock import level, put_in, van, warehouse

pytestmark = pytest.mark.django_db


def test_the_stock_page_reads_a_places_levels_in_few_queries(
    dispatcher_client, django_assert_max_num_queries
):
    central = warehouse()
    for n in range(30):
        put_in(central, PartFactory(name=f"Part {n}"), n + 1)

    with django_assert_max_num_queries(12):
        page = dispatcher_client.get(reverse("inventory:stock"), {"location": central.pk})

    assert page.status_code == 200
    assert page.content.decode().count("<tr>") == 31  # the head and one row a part


def test_a_move_with_a_fractional_quantity_is_refused_by_name_on_the_page(dispatcher_client):
    central, truck, part = warehouse(), van(), PartFactory(name="Door seal")
    put_in(central, part, 5)
    before = StockMove.objects.count()

    page = dispatcher_client.post(
        reverse("inventory:move"),
        {
            "kind": "transfer",
            "part": part.pk,
            "quantity": "1.5",
            "from_location": central.pk,
            "to_location": truck.pk,
            "key": new_key(),
        },
        follow=True,
    )

    assert "Door seal is counted in whole units" in page.content.decode()
    assert StockMove.objects.count() == before
    assert level(central, part).on_hand == 5


def test_a_move_recorded_on_the_page_twice_moves_once(dispatcher_client):
    central, truck, part = warehouse(), van(), PartFactory()
    put_in(central, part, 5)
    form = {
        "kind": "transfer",
        "part": part.pk,
        "quantity": "2",
        "from_location": central.pk,
        "to_location": truck.pk,
        "key": new_key(),
    }

    for _ in range(2):
        dispatcher_client.post(reverse("inventory:move"), form)

    assert level(truck, part).on_hand == 2
    assert level(central, part).on_hand == 3


def test_an_order_is_made_and_received_from_the_pages(dispatcher_client):
    central, part = warehouse(), PartFactory()
    supplier = Supplier.objects.create(name="Ricambi Srl")

    dispatcher_client.post(
        reverse("inventory:order_new"),
        {"supplier": supplier.pk, "warehouse": central.pk, "part_1": part.pk, "quantity_1": "4"},
    )
    order = PurchaseOrder.objects.get()
    line = order.lines.get()
    too_many = dispatcher_client.post(
        reverse("inventory:receive", args=[order.pk]),
        {"key": "d-1", f"line_{line.pk}": "5"},
        follow=True,
    )
    dispatcher_client.post(
        reverse("inventory:receive", args=[order.pk]), {"key": "d-2", f"line_{line.pk}": "3"}
    )

    assert "Only 4 of" in too_many.content.decode()
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIAL
    assert level(central, part).on_hand == 3
    assert dispatcher_client.get(reverse("inventory:orders")).status_code == 200


def test_the_restock_list_fills_up_to_target_and_adds_what_reservations_wait_for(
    dispatcher_client,
):
    central = warehouse()
    truck = van(home=central)
    pump, seal, belt = PartFactory(name="Pump"), PartFactory(name="Seal"), PartFactory()
    put_in(truck, pump, 2)
    put_in(truck, seal, 9)
    ReorderPoint.objects.create(part=pump, location=truck, minimum=3, target=6)
    ReorderPoint.objects.create(part=seal, location=truck, minimum=3, target=10)
    services.reserve_part(ticket=open_ticket(), part=belt, location=truck, quantity=1)

    lists = selectors.restock_lists([truck.pk])

    assert {(line.part_id, line.needed) for line in lists[truck.pk]} == {
        (pump.pk, Decimal(4)),
        (belt.pk, Decimal(1)),
    }
    page = dispatcher_client.get(reverse("inventory:restock"))
    assert "Pump" in page.content.decode()


def test_the_technician_sees_their_own_van_and_what_to_load(client):
    technician = TechnicianFactory()
    truck, pump = van(technician), PartFactory(name="Pump")
    put_in(truck, pump, 1)
    ReorderPoint.objects.create(part=pump, location=truck, minimum=2, target=5)
    other = van()
    put_in(other, PartFactory(name="Someone else's part"), 1)
    client.force_login(technician.user)

    page = client.get(reverse("tech:van")).content.decode()

    assert "Pump" in page
    assert "Someone else" not in page


def test_the_technician_confirms_on_the_job_page_what_was_taken(client):
    technician = TechnicianFactory()
    truck, pump = van(technician), PartFactory(name="Pump")
    put_in(truck, pump, 5)
    visit = assign_today(new_visit(), technician)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None)
    tickets.use_part(visit=visit, part=pump, quantity=3)
    client.force_login(technician.user)

    job = client.get(reverse("tech:job", args=[visit.pk])).content.decode()
    client.post(reverse("tech:confirm_taken", args=[visit.pk]), {f"part_{pump.pk}": "2"})

    assert 'data-testid="taken"' in job
    assert level(truck, pump).on_hand == 3


def test_the_desk_and_the_board_show_a_follow_up_waiting_for_parts_and_when(dispatcher_client):
    central, part = warehouse(), PartFactory()
    ticket = open_ticket()
    new_visit(ticket)
    services.reserve_part(ticket=ticket, part=part, location=central, quantity=1)
    due = timezone.localdate() + datetime.timedelta(days=2)
    services.order_parts(
        supplier=Supplier.objects.create(name="Ricambi Srl"),
        warehouse=central,
        lines=[(part, 1)],
        expected_on=due,
        by=None,
    )

    desk = dispatcher_client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    board = dispatcher_client.get(reverse("dispatch:board")).content.decode()

    assert 'data-testid="parts-waiting"' in desk
    assert "Waiting for parts, due" in desk
    assert 'data-testid="parts-waiting"' in board
    put_in(central, part, 1)
    desk = dispatcher_client.get(reverse("desk:ticket", args=[ticket.number])).content.decode()
    assert 'data-testid="parts-waiting"' not in desk
