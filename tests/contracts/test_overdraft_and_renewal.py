"""Hours bought after an overdraft are all the customer's (the overdraft was billed at the
overage rate already), and an extended contract is reminded again before its new end."""

from __future__ import annotations

import datetime

import pytest
from djmoney.money import Money

from contracts.models import HourBankEntry, ServiceContract
from contracts.selectors import hour_balance
from contracts.services import (
    draw_hours,
    extend_contract,
    purchase_hours,
    send_renewal_reminders,
)
from fieldservice.errors import InvalidInput
from tests.factories import CustomerFactory, ServiceContractFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def _bank(**kwargs):
    return ServiceContractFactory(
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        hour_bank=True,
        billing_increment_minutes=15,
        **kwargs,
    )


def test_a_purchase_after_an_overdraft_does_not_pay_for_the_overdraft_again():
    contract = _bank(allow_overdraft=True, overage_rate=Money("80.00", "EUR"))
    purchase_hours(contract=contract, minutes=60, on=DAY, note="1 h")
    overdrawn = draw_hours(contract=contract, minutes=90, on=DAY, note="visit 1")
    assert overdrawn.excess_minutes == 30  # billed to the customer at the overage rate

    purchase_hours(contract=contract, minutes=600, on=DAY, note="10 h")

    assert hour_balance(contract, DAY).left == 600
    closing = HourBankEntry.objects.get(contract=contract, kind=HourBankEntry.Kind.ADJUSTMENT)
    assert closing.minutes == 30
    assert "0:30" in closing.note
    # The next visit is covered in full: nothing more at the overage rate.
    covered = draw_hours(contract=contract, minutes=600, on=DAY, note="visit 2")
    assert (covered.excess_minutes, covered.overage_rate) == (0, None)


def test_without_overdraft_a_purchase_adds_exactly_what_was_bought():
    contract = _bank()
    purchase_hours(contract=contract, minutes=60, on=DAY, note="")
    draw_hours(contract=contract, minutes=90, on=DAY, note="")  # stops at zero

    purchase_hours(contract=contract, minutes=120, on=DAY, note="")

    assert hour_balance(contract, DAY).left == 120
    assert not HourBankEntry.objects.filter(kind=HourBankEntry.Kind.ADJUSTMENT).exists()


def test_an_extended_contract_is_reminded_again_before_its_new_end():
    contract = ServiceContractFactory(
        customer=CustomerFactory(email="c@example.com"),
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
        renewal_notice_days=30,
    )
    assert send_renewal_reminders(on=datetime.date(2025, 6, 1)) == 1

    extend_contract(contract=contract, ends_on=datetime.date(2026, 6, 30))

    contract.refresh_from_db()
    assert contract.renewal_reminded_on is None
    assert send_renewal_reminders(on=datetime.date(2025, 6, 2)) == 0  # far from the new end
    assert send_renewal_reminders(on=datetime.date(2026, 6, 1)) == 1


def test_an_end_moved_in_the_back_office_forgets_the_reminder_too():
    contract = ServiceContractFactory(
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 6, 30),
        renewal_reminded_on=datetime.date(2025, 6, 1),
    )
    same = ServiceContract.objects.get(pk=contract.pk)
    same.response_hours = 8
    same.save()
    assert ServiceContract.objects.get(pk=contract.pk).renewal_reminded_on is not None

    same.ends_on = datetime.date(2026, 6, 30)
    same.save(update_fields=["ends_on"])

    assert ServiceContract.objects.get(pk=contract.pk).renewal_reminded_on is None


def test_an_extension_that_is_no_later_is_refused():
    contract = ServiceContractFactory(
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 6, 30)
    )

    with pytest.raises(InvalidInput) as refused:
        extend_contract(contract=contract, ends_on=datetime.date(2026, 6, 30))

    assert refused.value.field == "ends_on"
