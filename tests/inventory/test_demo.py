"""seed_demo fills the warehouse and the vans, once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from inventory import selectors
from inventory.models import StockLocation, StockMove
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_seed_demo_fills_a_warehouse_and_a_van_per_technician_once():
    call_command("seed_demo")
    moves = StockMove.objects.count()

    call_command("seed_demo")

    assert StockMove.objects.count() == moves
    vans = list(StockLocation.objects.filter(kind="van"))
    assert len(vans) == 20
    assert StockLocation.objects.filter(kind="warehouse").count() == 2
    shelf = selectors.workshop_stock()
    assert shelf is not None
    assert shelf.name == "Workshop shelf"
    assert selectors.parts_at(shelf).count() == 8  # the bench has parts to fit
    lists = selectors.restock_lists([v.pk for v in vans])
    assert sum(1 for lines in lists.values() if lines) == 7  # one van in three is short
    tickets = list(Ticket.objects.values_list("pk", flat=True))
    waiting = [s for s in selectors.parts_status(tickets).values() if s.waiting]
    assert len(waiting) == 1
    assert waiting[0].due_on is not None
