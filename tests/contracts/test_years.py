import datetime

import pytest
from django.conf import settings

from contracts.models import HourBankEntry
from contracts.selectors import hour_balance
from contracts.services import (
    close_contract_years,
    draw_hours,
    purchase_hours,
    send_renewal_reminders,
)
from notifications.models import Notification
from tests.factories import CustomerFactory, ServiceContractFactory, UserFactory

START = datetime.date(2025, 1, 1)


def bank(**kwargs):
    kwargs.setdefault("starts_on", START)
    kwargs.setdefault("ends_on", datetime.date(2026, 12, 31))
    return ServiceContractFactory(hour_bank=True, **kwargs)


@pytest.mark.django_db
def test_unused_hours_expire_at_the_years_end_once():
    contract = bank(unused_hours="expire")
    purchase_hours(contract=contract, minutes=600, on=START, note="")
    draw_hours(contract=contract, minutes=60, on=datetime.date(2025, 5, 1), note="")

    assert close_contract_years(on=datetime.date(2025, 12, 31)) == 0  # not ended yet
    assert close_contract_years(on=datetime.date(2026, 1, 2)) == 1
    assert close_contract_years(on=datetime.date(2026, 1, 3)) == 0

    expiry = HourBankEntry.objects.get(kind=HourBankEntry.Kind.EXPIRY)
    assert (expiry.minutes, expiry.on) == (-540, datetime.date(2025, 12, 31))
    assert hour_balance(contract, datetime.date(2026, 1, 2)).left == 0


@pytest.mark.django_db
def test_unused_hours_roll_over_into_the_next_year_once():
    contract = bank(unused_hours="roll_over")
    purchase_hours(contract=contract, minutes=300, on=START, note="")

    assert close_contract_years(on=datetime.date(2026, 2, 1)) == 2
    assert close_contract_years(on=datetime.date(2026, 2, 1)) == 0

    balance = hour_balance(contract, datetime.date(2026, 2, 1))
    assert (balance.bought, balance.left) == (300, 300)
    lines = list(
        HourBankEntry.objects.filter(kind=HourBankEntry.Kind.ROLL_OVER).values_list("minutes", "on")
    )
    assert lines == [(-300, datetime.date(2025, 12, 31)), (300, datetime.date(2026, 1, 1))]


@pytest.mark.django_db
def test_the_last_years_hours_expire_even_when_rolling_over():
    contract = bank(unused_hours="roll_over", ends_on=datetime.date(2025, 12, 31))
    purchase_hours(contract=contract, minutes=120, on=START, note="")

    close_contract_years(on=datetime.date(2026, 1, 5))

    assert list(HourBankEntry.objects.exclude(kind="purchase").values_list("kind", "minutes")) == [
        ("expiry", -120)
    ]


@pytest.mark.django_db
def test_an_overdraft_billed_already_is_closed_so_the_next_year_starts_at_zero():
    contract = bank(allow_overdraft=True)
    purchase_hours(contract=contract, minutes=60, on=START, note="")
    draw_hours(contract=contract, minutes=90, on=datetime.date(2025, 3, 1), note="")

    close_contract_years(on=datetime.date(2026, 1, 2))

    assert hour_balance(contract, datetime.date(2026, 1, 2)).left == 0


@pytest.mark.django_db
def test_renewal_reminder_goes_once_when_the_notice_starts():
    customer = CustomerFactory(email="c@example.com")
    UserFactory(username="desk1", role="dispatcher")
    contract = ServiceContractFactory(
        customer=customer,
        starts_on=START,
        ends_on=datetime.date(2025, 6, 30),
        renewal_notice_days=30,
        number="SC-RENEW",
    )

    assert send_renewal_reminders(on=datetime.date(2025, 5, 30)) == 0  # 31 days before
    assert send_renewal_reminders(on=datetime.date(2025, 5, 31)) == 1
    assert send_renewal_reminders(on=datetime.date(2025, 6, 1)) == 0

    contract.refresh_from_db()
    assert contract.renewal_reminded_on == datetime.date(2025, 5, 31)
    assert contract.history.first().renewal_reminded_on == datetime.date(2025, 5, 31)
    rows = Notification.objects.filter(kind=Notification.Kind.RENEWAL_DUE)
    assert sorted(rows.values_list("recipient", flat=True)) == [
        "c@example.com",
        "desk1@example.com",
    ]
    assert rows.first().payload["ends_on"] == "2025-06-30"


@pytest.mark.django_db
def test_an_ended_contract_is_not_reminded():
    ServiceContractFactory(starts_on=START, ends_on=datetime.date(2025, 6, 30))

    assert send_renewal_reminders(on=datetime.date(2025, 7, 1)) == 0


def test_both_tasks_are_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "contracts.tasks.close_contract_years",
        "contracts.tasks.send_renewal_reminders",
    } <= tasks
