import datetime

import pytest
from djmoney.money import Money

from contracts import events
from contracts.models import HourBankEntry
from contracts.selectors import contract_year, hour_balance
from contracts.services import NoHourBank, adjust_hours, draw_hours, purchase_hours
from fieldservice.errors import DomainError, InvalidInput
from tests.factories import ServiceContractFactory, UserFactory

DAY = datetime.date(2026, 3, 10)


def bank(**kwargs):
    kwargs.setdefault("starts_on", datetime.date(2026, 1, 1))
    kwargs.setdefault("ends_on", datetime.date(2027, 12, 31))
    kwargs.setdefault("hour_bank", True)
    kwargs.setdefault("billing_increment_minutes", 15)
    kwargs.setdefault("low_balance_minutes", 60)
    return ServiceContractFactory(**kwargs)


@pytest.fixture
def lows():
    seen = []

    def listener(sender, **kw):
        seen.append(kw)

    events.hour_bank_low.connect(listener, dispatch_uid="test.lows")
    yield seen
    events.hour_bank_low.disconnect(dispatch_uid="test.lows")


@pytest.mark.django_db
def test_a_draw_rounds_up_to_started_increments():
    contract = bank()
    purchase_hours(contract=contract, minutes=600, on=DAY, note="10 h")

    result = draw_hours(contract=contract, minutes=31, on=DAY, note="visit 1")

    assert result.drawn_minutes == 45
    assert result.excess_minutes == 0
    assert result.overage_rate is None
    assert result.entry.minutes == -45
    assert result.entry.kind == HourBankEntry.Kind.DRAW
    assert hour_balance(contract, DAY).left == 555


@pytest.mark.django_db
def test_exact_increments_are_not_rounded_further():
    contract = bank(billing_increment_minutes=30)
    purchase_hours(contract=contract, minutes=600, on=DAY, note="")

    assert draw_hours(contract=contract, minutes=60, on=DAY, note="").drawn_minutes == 60
    assert draw_hours(contract=contract, minutes=61, on=DAY, note="").drawn_minutes == 90


@pytest.mark.django_db
def test_without_overdraft_the_bank_stops_at_zero_and_the_rest_is_billed_normally():
    contract = bank(overage_rate=Money("80.00", "EUR"))
    purchase_hours(contract=contract, minutes=60, on=DAY, note="")

    result = draw_hours(contract=contract, minutes=100, on=DAY, note="")

    assert (result.drawn_minutes, result.excess_minutes) == (60, 45)
    assert result.overage_rate is None
    assert hour_balance(contract, DAY).left == 0
    empty = draw_hours(contract=contract, minutes=10, on=DAY, note="")
    assert empty.entry is None
    assert (empty.drawn_minutes, empty.excess_minutes) == (0, 15)
    assert HourBankEntry.objects.filter(contract=contract).count() == 2


@pytest.mark.django_db
def test_with_overdraft_the_part_below_zero_is_billed_at_the_overage_rate():
    contract = bank(allow_overdraft=True, overage_rate=Money("80.00", "EUR"))
    purchase_hours(contract=contract, minutes=60, on=DAY, note="")

    result = draw_hours(contract=contract, minutes=100, on=DAY, note="")

    assert (result.drawn_minutes, result.excess_minutes) == (105, 45)
    assert result.overage_rate == Money("80.00", "EUR")
    assert hour_balance(contract, DAY).left == -45
    again = draw_hours(contract=contract, minutes=15, on=DAY, note="")
    assert (again.drawn_minutes, again.excess_minutes) == (15, 15)


@pytest.mark.django_db
def test_with_overdraft_a_draw_the_bank_covers_has_no_overage():
    contract = bank(allow_overdraft=True, overage_rate=Money("80.00", "EUR"))
    purchase_hours(contract=contract, minutes=600, on=DAY, note="")

    result = draw_hours(contract=contract, minutes=60, on=DAY, note="")

    assert (result.excess_minutes, result.overage_rate) == (0, None)


@pytest.mark.django_db
def test_a_contract_without_a_bank_refuses_with_its_number():
    contract = ServiceContractFactory(hour_bank=False, number="SC-NOBANK")

    with pytest.raises(NoHourBank, match="SC-NOBANK") as raised:
        draw_hours(contract=contract, minutes=30, on=DAY, note="")
    assert isinstance(raised.value, DomainError)
    with pytest.raises(NoHourBank):
        purchase_hours(contract=contract, minutes=30, on=DAY, note="")
    assert not HourBankEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", [0, -5, 10**7, "30", 1.5])
def test_bad_minutes_are_refused_naming_the_field(minutes):
    contract = bank()

    with pytest.raises(InvalidInput) as raised:
        draw_hours(contract=contract, minutes=minutes, on=DAY, note="")
    assert raised.value.field == "minutes"
    with pytest.raises(InvalidInput):
        purchase_hours(contract=contract, minutes=minutes, on=DAY, note="")
    assert not HourBankEntry.objects.exists()


@pytest.mark.django_db
def test_an_adjustment_needs_a_reason_and_may_be_negative():
    contract = bank()
    user = UserFactory(role="dispatcher")
    purchase_hours(contract=contract, minutes=120, on=DAY, note="", by=user)

    with pytest.raises(InvalidInput) as raised:
        adjust_hours(contract=contract, minutes=-30, on=DAY, reason="  ", by=user)
    assert raised.value.field == "reason"
    with pytest.raises(InvalidInput):
        adjust_hours(contract=contract, minutes=0, on=DAY, reason="nothing", by=user)
    entry = adjust_hours(contract=contract, minutes=-30, on=DAY, reason="drawn twice", by=user)

    assert (entry.kind, entry.minutes, entry.note, entry.created_by) == (
        HourBankEntry.Kind.ADJUSTMENT,
        -30,
        "drawn twice",
        user,
    )
    assert hour_balance(contract, DAY).left == 90


@pytest.mark.django_db
def test_balance_counts_bought_and_used_in_the_current_contract_year_only():
    contract = bank(starts_on=datetime.date(2025, 4, 1), ends_on=datetime.date(2027, 3, 31))
    purchase_hours(contract=contract, minutes=600, on=datetime.date(2025, 5, 1), note="")
    draw_hours(contract=contract, minutes=60, on=datetime.date(2025, 6, 1), note="")
    purchase_hours(contract=contract, minutes=300, on=datetime.date(2026, 4, 2), note="")
    draw_hours(contract=contract, minutes=30, on=datetime.date(2026, 4, 3), note="")

    balance = hour_balance(contract, datetime.date(2026, 5, 1))

    assert (balance.bought, balance.used, balance.left) == (300, 30, 810)
    assert (balance.year_start, balance.year_end) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    )
    earlier = hour_balance(contract, datetime.date(2025, 12, 1))
    assert (earlier.bought, earlier.used, earlier.left) == (600, 60, 540)


@pytest.mark.django_db
def test_hour_balance_is_one_query(django_assert_num_queries):
    contract = bank()
    for _ in range(5):
        purchase_hours(contract=contract, minutes=60, on=DAY, note="")

    with django_assert_num_queries(1):
        hour_balance(contract, DAY)


@pytest.mark.django_db
def test_contract_years_start_on_anniversaries_and_stop_at_the_end():
    contract = bank(starts_on=datetime.date(2024, 2, 29), ends_on=datetime.date(2026, 1, 31))

    assert contract_year(contract, datetime.date(2024, 3, 1)) == (
        datetime.date(2024, 2, 29),
        datetime.date(2025, 2, 27),
    )
    assert contract_year(contract, datetime.date(2025, 2, 28)) == (
        datetime.date(2025, 2, 28),
        datetime.date(2026, 1, 31),
    )


@pytest.mark.django_db
def test_crossing_the_low_threshold_warns_once(lows):
    contract = bank(low_balance_minutes=60)
    purchase_hours(contract=contract, minutes=120, on=DAY, note="")

    draw_hours(contract=contract, minutes=45, on=DAY, note="")  # 75 left
    assert lows == []
    draw_hours(contract=contract, minutes=30, on=DAY, note="")  # 45 left: crossed
    draw_hours(contract=contract, minutes=15, on=DAY, note="")  # 30 left: still low

    assert len(lows) == 1
    assert lows[0]["contract"] == contract
    assert lows[0]["balance_minutes"] == 45
    purchase_hours(contract=contract, minutes=120, on=DAY, note="")  # 150
    draw_hours(contract=contract, minutes=100, on=DAY, note="")  # 45 again: crossed again
    assert len(lows) == 2
