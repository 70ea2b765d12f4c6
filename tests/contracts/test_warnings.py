import datetime

import pytest
from django.db import transaction

from contracts.services import draw_hours, purchase_hours
from notifications import texts
from notifications.models import Notification
from tests.factories import CustomerFactory, ServiceContractFactory, UserFactory

DAY = datetime.date(2026, 3, 10)


@pytest.mark.django_db
def test_a_draw_below_the_threshold_tells_the_customer_and_every_dispatcher_once():
    customer = CustomerFactory(email="anna@example.com", language="it")
    UserFactory(username="d1", role="dispatcher")
    UserFactory(username="d2", role="dispatcher")
    contract = ServiceContractFactory(
        customer=customer, number="SC-LOW", hour_bank=True, low_balance_minutes=120
    )
    purchase_hours(contract=contract, minutes=180, on=DAY, note="")

    draw_hours(contract=contract, minutes=45, on=DAY, note="")  # 135 left: above
    assert not Notification.objects.filter(kind=Notification.Kind.HOUR_BANK_LOW).exists()
    draw_hours(contract=contract, minutes=30, on=DAY, note="")  # 105 left: crossed
    draw_hours(contract=contract, minutes=15, on=DAY, note="")  # 90 left: still low

    rows = Notification.objects.filter(kind=Notification.Kind.HOUR_BANK_LOW)
    email_to = {(n.recipient, n.language) for n in rows if n.channel == "email"}
    assert email_to == {
        ("anna@example.com", "it"),
        ("d1@example.com", "en"),
        ("d2@example.com", "en"),
    }
    # The customer's phone gets no SMS without a preference for it.
    assert rows.count() == 3
    to_customer = rows.get(recipient="anna@example.com")
    assert to_customer.payload["left"] == "1:45"
    assert to_customer.payload["url"].endswith("/portal/contracts/")
    to_desk = rows.get(recipient="d1@example.com")
    assert to_desk.payload["url"].endswith(f"/desk/contracts/{contract.pk}/")
    subject, body = texts.render("hour_bank_low", "en", to_desk.payload)
    assert subject == "Contract SC-LOW: 1:45 h of prepaid hours left"
    assert "below 2:00 h" in body
    assert to_desk.payload["url"] in body


@pytest.mark.django_db
def test_a_rolled_back_draw_sends_nothing():
    contract = ServiceContractFactory(hour_bank=True, low_balance_minutes=120)
    purchase_hours(contract=contract, minutes=130, on=DAY, note="")

    def draw_then_fail():
        with transaction.atomic():
            draw_hours(contract=contract, minutes=60, on=DAY, note="")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        draw_then_fail()

    assert not Notification.objects.filter(kind=Notification.Kind.HOUR_BANK_LOW).exists()
