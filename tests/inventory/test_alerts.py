"""The office hears of stock once it needs acting on: a part falling below its reorder point
(once, when it crosses), and a part used beyond the stock."""

from __future__ import annotations

import pytest

from inventory import services
from inventory.models import ReorderPoint, StockMove
from notifications import texts
from notifications.models import Notification
from tests.factories import PartFactory, UserFactory

from .stock import key, put_in, van

pytestmark = pytest.mark.django_db


def _use(truck, part, quantity):
    services.move_stock(
        kind=StockMove.Kind.CONSUMPTION,
        part=part,
        quantity=quantity,
        key=key(),
        by=None,
        from_location=truck,
    )


def test_falling_below_the_reorder_point_tells_the_office_once():
    UserFactory(role="dispatcher", email="office@example.com")
    truck, pump = van(), PartFactory(sku="WM-PUMP", name="Drain pump")
    put_in(truck, pump, 5)
    ReorderPoint.objects.create(part=pump, location=truck, minimum=3, target=6)

    _use(truck, pump, 2)  # 3 left: not below yet
    _use(truck, pump, 1)  # 2 left: below
    _use(truck, pump, 1)  # still below: no second alert

    alerts = Notification.objects.filter(kind=Notification.Kind.STOCK_LOW)
    assert [a.recipient for a in alerts] == ["office@example.com"]
    subject, body = texts.render("stock_low", "en", alerts.get().payload)
    assert subject == f"Reorder WM-PUMP: 2 left at {truck}"
    assert "/stock/restock/" in body


def test_a_part_used_beyond_the_stock_is_flagged_to_the_office():
    UserFactory(role="dispatcher", email="office@example.com")
    truck, glue = van(), PartFactory(sku="GLUE", allow_negative_stock=True)

    _use(truck, glue, 2)

    alert = Notification.objects.get(kind=Notification.Kind.STOCK_SHORT)
    subject, _body = texts.render("stock_short", "en", alert.payload)
    assert subject == f"GLUE used beyond the stock at {truck}"
    assert alert.payload["shortfall"] == "2"
