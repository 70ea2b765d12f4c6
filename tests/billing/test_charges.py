"""Time and materials: a completed visit's charge lines, priced and with who pays."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from moneyed import Money

from billing.models import ChargeLine, WarrantyClaim
from billing.services import charges, pricing
from contracts.models import ServiceContract
from contracts.services import purchase_hours
from fieldservice.errors import InvalidInput
from tests import factories
from tests.helpers import assign_today
from tickets import services as tickets

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
# A Tuesday in office hours, so no after-hours factor applies.
ARRIVED = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=ROME)


@pytest.fixture
def price_list():
    price_list = pricing.save_price_list(
        name="Italy", currency="EUR", is_default=True, callout_fee="40.00", by=None
    )
    pricing.set_labour_rate(price_list=price_list, kind="repair", hourly_rate="60.00", by=None)
    return price_list


def complete(ticket, technician, *, minutes=50, parts=()):
    visit = assign_today(factories.new_visit(ticket), technician)
    visit = tickets.transition_visit(visit=visit, to="en_route", by=None, confirm_not_today=True)
    visit = tickets.transition_visit(visit=visit, to="on_site", by=None, at=ARRIVED)
    for part, quantity in parts:
        tickets.use_part(visit=visit, part=part, quantity=quantity)
    tickets.record_entry(visit=visit, kind="work", text="Pump replaced.", by=None)
    return tickets.transition_visit(
        visit=visit, to="completed", by=None, at=ARRIVED + datetime.timedelta(minutes=minutes)
    )


def _lines(visit):
    return {
        line.kind: (line.quantity, line.unit_price, line.payer, line.discount_percent)
        for line in ChargeLine.objects.filter(visit=visit)
    }


def test_completion_charges_callout_labour_and_parts_to_the_customer(price_list, technician):
    pump = factories.PartFactory(name="Drain pump", unit_price="35.00")
    visit = complete(factories.open_ticket(), technician, minutes=50, parts=[(pump, 2)])

    assert _lines(visit) == {
        "callout": (Decimal("1.000"), Money("40.00", "EUR"), "customer", Decimal("0")),
        "labour": (Decimal("0.833"), Money("60.00", "EUR"), "customer", Decimal("0")),
        "part": (Decimal("2.000"), Money("35.00", "EUR"), "customer", Decimal("0")),
    }


def test_building_twice_adds_no_lines(price_list, technician):
    visit = complete(factories.open_ticket(), technician)
    first = charges.build_visit_charges(visit=visit)
    again = charges.build_visit_charges(visit=visit)
    assert sorted(line.pk for line in first) == sorted(line.pk for line in again)
    assert ChargeLine.objects.filter(visit=visit).count() == 2


def test_without_prices_completion_still_succeeds_and_charges_nothing(technician):
    visit = complete(factories.open_ticket(), technician)
    assert visit.status == "completed"
    assert not ChargeLine.objects.filter(visit=visit).exists()


def test_warranty_lines_go_to_the_manufacturers_open_claim(price_list, technician):
    appliance = factories.ApplianceFactory(
        model__manufacturer="Bosch", warranty_until=datetime.date(2099, 1, 1)
    )
    first = complete(factories.open_ticket(appliance=appliance), technician)
    second = complete(factories.open_ticket(appliance=appliance), technician)

    assert {payer for _q, _p, payer, _d in _lines(first).values()} == {"manufacturer"}
    claim = WarrantyClaim.objects.get()
    assert claim.manufacturer == "Bosch"
    assert claim.lines.count() == 4
    assert set(claim.lines.values_list("visit", flat=True)) == {first.pk, second.pk}


def test_contract_includes_labour_and_discounts_or_bills_parts(price_list, technician):
    pump = factories.PartFactory(unit_price="35.00")
    included = factories.ServiceContractFactory(parts_included=False)
    appliance = factories.ApplianceFactory(site__customer=included.customer, contract=included)
    visit = complete(factories.open_ticket(appliance=appliance), technician, parts=[(pump, 1)])
    lines = _lines(visit)
    assert lines["labour"][2] == "contract"
    assert lines["part"][2] == "customer"

    discounted = factories.ServiceContractFactory(
        labour=ServiceContract.Labour.DISCOUNTED,
        labour_discount_percent=Decimal("25"),
        parts_included=True,
    )
    appliance = factories.ApplianceFactory(site__customer=discounted.customer, contract=discounted)
    visit = complete(factories.open_ticket(appliance=appliance), technician, parts=[(pump, 1)])
    lines = _lines(visit)
    assert lines["labour"][2:] == ("customer", Decimal("25.00"))
    assert lines["part"][2] == "contract"


def test_weekend_labour_is_at_the_weekend_factor(price_list, technician, monkeypatch):
    monkeypatch.setattr(
        "tests.billing.test_charges.ARRIVED", datetime.datetime(2026, 3, 7, 10, tzinfo=ROME)
    )
    visit = complete(factories.open_ticket(), technician, minutes=60)
    line = ChargeLine.objects.get(visit=visit, kind="labour")
    assert line.unit_price == Money("120.00", "EUR")
    assert "2 x" in line.description


def test_a_labour_correction_is_recorded_with_why_and_the_line_follows(price_list, technician):
    visit = complete(factories.open_ticket(), technician, minutes=50)
    user = factories.UserFactory()
    correction = charges.correct_labour(
        visit=visit, minutes=90, reason="Clock stopped when the phone died", by=user
    )
    assert (correction.minutes, correction.measured_minutes, correction.by) == (90, 50, user)
    assert ChargeLine.objects.get(visit=visit, kind="labour").quantity == Decimal("1.500")


@pytest.mark.parametrize(
    ("minutes", "reason", "field"), [(-5, "x", "minutes"), (30, " ", "reason")]
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    price_list, technician, minutes, reason, field
):
    visit = complete(factories.open_ticket(), technician, minutes=50)
    with pytest.raises(InvalidInput) as err:
        charges.correct_labour(visit=visit, minutes=minutes, reason=reason, by=None)
    assert err.value.field == field
    assert ChargeLine.objects.get(visit=visit, kind="labour").quantity == Decimal("0.833")


def test_a_part_without_any_price_leaves_the_visit_uncharged_naming_it(price_list, technician):
    seal = factories.PartFactory(name="Door seal", unit_price="0")
    visit = complete(factories.open_ticket(), technician, parts=[(seal, 1)])
    assert not ChargeLine.objects.filter(visit=visit).exists()
    with pytest.raises(pricing.NoPrice, match="Door seal"):
        charges.build_visit_charges(visit=visit)


def _bank_contract(**kwargs):
    contract = factories.ServiceContractFactory(
        hour_bank=True, billing_increment_minutes=15, **kwargs
    )
    purchase_hours(contract=contract, minutes=60, on=contract.starts_on, note="Prepaid")
    return contract


def test_labour_under_an_hour_bank_is_drawn_and_the_excess_billed(price_list, technician):
    contract = _bank_contract()
    appliance = factories.ApplianceFactory(site__customer=contract.customer, contract=contract)
    visit = complete(factories.open_ticket(appliance=appliance), technician, minutes=80)

    labour = list(ChargeLine.objects.filter(visit=visit, kind="labour").order_by("pk"))
    # 80 minutes are 90 in started quarter hours: 60 from the bank, 30 beyond it.
    assert [(line.payer, line.quantity) for line in labour] == [
        ("contract", Decimal("1.000")),
        ("customer", Decimal("0.500")),
    ]
    assert labour[0].hour_entry.minutes == -60
    assert labour[1].hour_entry is None
    assert labour[1].unit_price == Money("60.00", "EUR")


def test_an_overdrawn_bank_bills_the_excess_at_the_overage_rate(price_list, technician):
    contract = _bank_contract(allow_overdraft=True, overage_rate=Money("90.00", "EUR"))
    appliance = factories.ApplianceFactory(site__customer=contract.customer, contract=contract)
    visit = complete(factories.open_ticket(appliance=appliance), technician, minutes=80)
    charges.build_visit_charges(visit=visit)  # again: nothing more is drawn

    labour = list(ChargeLine.objects.filter(visit=visit, kind="labour").order_by("pk"))
    assert [(line.payer, line.quantity, line.unit_price) for line in labour] == [
        ("contract", Decimal("1.000"), Money("60.00", "EUR")),
        ("customer", Decimal("0.500"), Money("90.00", "EUR")),
    ]
    assert labour[0].hour_entry.minutes == -90
    assert contract.hour_entries.count() == 2
