"""Price lists: resolution order, bad input refused, history of every change."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from moneyed import Money

from billing.models import PriceList
from billing.services import pricing
from fieldservice.errors import InvalidInput
from tests import factories

pytestmark = pytest.mark.django_db


def _list(name="Default", **kwargs):
    params = {"currency": "EUR", "by": None, "is_default": True, "callout_fee": "40.00"}
    params.update(kwargs)
    return pricing.save_price_list(name=name, **params)


def test_contract_list_comes_before_customer_list_before_default():
    default = _list()
    own = _list("Customer's", is_default=False)
    theirs = _list("Contract's", is_default=False)
    contract = factories.ServiceContractFactory()
    customer = contract.customer
    assert pricing.price_list_for(customer=customer, contract=contract) == default

    own.customers.add(customer)
    assert pricing.price_list_for(customer=customer, contract=contract) == own

    theirs.contracts.add(contract)
    assert pricing.price_list_for(customer=customer, contract=contract) == theirs
    assert pricing.price_list_for(customer=factories.CustomerFactory()) == default


def test_no_default_list_is_a_clear_refusal():
    with pytest.raises(pricing.NoPrice, match="default price list"):
        pricing.price_list_for(customer=factories.CustomerFactory())


def test_making_a_list_default_takes_the_flag_from_the_other():
    first = _list()
    second = _list("Spain")
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


@pytest.mark.parametrize(
    ("value", "message"),
    [("12.345", "more than 2 decimals"), ("-1", "cannot be negative"), ("abc", "not a number")],
)
def test_bad_prices_are_refused_naming_the_field_and_change_nothing(value, message):
    price_list = _list()
    rate = pricing.set_labour_rate(price_list=price_list, kind="repair", hourly_rate="50", by=None)
    with pytest.raises(InvalidInput, match=message) as err:
        pricing.set_labour_rate(price_list=price_list, kind="repair", hourly_rate=value, by=None)
    assert "Hourly rate" in err.value.message
    rate.refresh_from_db()
    assert rate.hourly_rate == Money("50.00", "EUR")
    with pytest.raises(InvalidInput, match=message):
        _list("Other", callout_fee=value, is_default=False)
    assert PriceList.objects.count() == 1


def test_a_price_change_records_who_and_before_and_after():
    user = factories.UserFactory()
    price_list = _list()
    part = factories.PartFactory()
    pricing.set_part_price(price_list=price_list, part=part, price="30.00", by=user)
    row = pricing.set_part_price(price_list=price_list, part=part, price="32.50", by=user)

    history = list(row.history.order_by("history_date"))
    assert [h.price.amount for h in history] == [Decimal("30.00"), Decimal("32.50")]
    assert {h.history_user for h in history} == {user}
    delta = history[1].diff_against(history[0])
    assert [c.field for c in delta.changes] == ["price"]


def test_part_price_from_the_list_else_the_catalog_else_refused():
    price_list = _list()
    part = factories.PartFactory(unit_price="35.00")
    assert pricing.part_price(price_list=price_list, part=part) == Money("35.00", "EUR")
    pricing.set_part_price(price_list=price_list, part=part, price="29.90", by=None)
    assert pricing.part_price(price_list=price_list, part=part) == Money("29.90", "EUR")

    unpriced = factories.PartFactory(name="Door seal", unit_price="0")
    with pytest.raises(pricing.NoPrice, match="Door seal"):
        pricing.part_price(price_list=price_list, part=unpriced)


def test_after_hours_and_weekend_factors_in_the_sites_time_zone():
    price_list = _list()
    rate = pricing.set_labour_rate(
        price_list=price_list,
        kind="repair",
        hourly_rate="60",
        after_hours_factor="1.5",
        weekend_factor="2",
        by=None,
    )
    rome = ZoneInfo("Europe/Rome")
    monday_ten = datetime.datetime(2026, 3, 2, 10, tzinfo=rome)
    monday_late = datetime.datetime(2026, 3, 2, 19, tzinfo=rome)
    saturday = datetime.datetime(2026, 3, 7, 10, tzinfo=rome)
    # 17:30 UTC is 18:30 in Rome: after hours there.
    utc_evening = datetime.datetime(2026, 3, 2, 17, 30, tzinfo=datetime.UTC)
    factor = lambda start: pricing.labour_factor(rate=rate, start=start, tz="Europe/Rome")  # noqa: E731
    assert [factor(monday_ten), factor(monday_late), factor(saturday), factor(utc_evening)] == [
        1,
        Decimal("1.5"),
        2,
        Decimal("1.5"),
    ]


def test_factor_below_one_is_refused():
    price_list = _list()
    with pytest.raises(InvalidInput, match="After-hours factor") as err:
        pricing.set_labour_rate(
            price_list=price_list,
            kind="repair",
            hourly_rate="60",
            after_hours_factor="0.5",
            by=None,
        )
    assert err.value.field == "after_hours_factor"
