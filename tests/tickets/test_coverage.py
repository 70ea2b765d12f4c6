import dataclasses
import datetime

import pytest

from tests.factories import ApplianceFactory, ServiceContractFactory, open_ticket
from tickets.coverage import decide_coverage, entitlements
from tickets.models import Ticket

TODAY = datetime.date(2026, 6, 1)


@pytest.mark.django_db
def test_warranty_while_the_appliance_is_under_warranty():
    appliance = ApplianceFactory(warranty_until=TODAY)

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.WARRANTY
    assert "2026-06-01" in decision.reason


@pytest.mark.django_db
def test_contract_when_warranty_ended_and_an_active_contract_covers_it():
    appliance = ApplianceFactory(warranty_until=TODAY - datetime.timedelta(days=1))
    contract = ServiceContractFactory(
        customer=appliance.site.customer,
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=10),
    )
    contract.appliances.add(appliance)

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.CONTRACT
    assert decision.contract == contract
    assert contract.number in decision.reason


@pytest.mark.django_db
def test_billable_when_contract_expired_says_why():
    appliance = ApplianceFactory(warranty_until=TODAY - datetime.timedelta(days=400))
    contract = ServiceContractFactory(
        customer=appliance.site.customer,
        starts_on=TODAY - datetime.timedelta(days=400),
        ends_on=TODAY - datetime.timedelta(days=1),
    )
    contract.appliances.add(appliance)

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.BILLABLE
    assert "Warranty ended" in decision.reason
    assert "not active" in decision.reason


@pytest.mark.django_db
def test_another_customers_contract_does_not_cover():
    appliance = ApplianceFactory()
    ServiceContractFactory().appliances.add(appliance)  # a different customer's contract

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.BILLABLE


@pytest.mark.django_db
def test_open_ticket_stores_coverage_and_reason():
    appliance = ApplianceFactory(warranty_until=datetime.date(2099, 1, 1))

    ticket = open_ticket(appliance=appliance)

    assert ticket.coverage == Ticket.Coverage.WARRANTY
    assert ticket.coverage_reason.startswith("Under warranty")


@pytest.mark.django_db
def test_a_contract_on_the_site_covers_every_appliance_there():
    appliance = ApplianceFactory(warranty_until=TODAY - datetime.timedelta(days=1))
    contract = ServiceContractFactory(
        customer=appliance.site.customer,
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=10),
    )
    contract.sites.add(appliance.site)

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.CONTRACT
    assert decision.contract == contract


def _contract_for(appliance, *, starts_on, ends_on, **extra):
    contract = ServiceContractFactory(
        customer=appliance.site.customer, starts_on=starts_on, ends_on=ends_on, **extra
    )
    contract.appliances.add(appliance)
    return contract


@pytest.mark.django_db
def test_warranty_comes_before_a_contract_that_also_covers_the_appliance():
    appliance = ApplianceFactory(warranty_until=TODAY + datetime.timedelta(days=30))
    _contract_for(
        appliance,
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=10),
    )

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.WARRANTY
    assert decision.reason == "Under warranty until 2026-07-01."
    assert decision.contract is None
    assert decision.entitlements is None


@pytest.mark.django_db
def test_the_day_after_the_warranty_the_contract_covers_with_its_words():
    appliance = ApplianceFactory(warranty_until=TODAY - datetime.timedelta(days=1))
    contract = _contract_for(
        appliance, starts_on=TODAY, ends_on=TODAY + datetime.timedelta(days=10), number="SC-77"
    )

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.coverage == Ticket.Coverage.CONTRACT
    assert decision.reason == "Covered by contract SC-77 until 2026-06-11."
    assert decision.contract == contract
    assert decision.entitlements is not None


@pytest.mark.django_db
def test_billable_reasons_in_words():
    site_only = ApplianceFactory()
    lapsed = ApplianceFactory(warranty_until=datetime.date(2026, 5, 31))
    _contract_for(
        lapsed,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
        number="SC-12",
    )
    customer = site_only.site.customer

    no_appliance = decide_coverage(customer=customer, appliance=None, on=TODAY)
    nothing = decide_coverage(customer=customer, appliance=site_only, on=TODAY)
    expired = decide_coverage(customer=lapsed.site.customer, appliance=lapsed, on=TODAY)

    assert (no_appliance.coverage, no_appliance.reason) == (
        "billable",
        "No appliance registered yet.",
    )
    assert (nothing.coverage, nothing.reason) == (
        "billable",
        "No warranty on record; no contract covers it.",
    )
    assert (expired.coverage, expired.reason) == (
        "billable",
        "Warranty ended on 2026-05-31; contract SC-12 is not active.",
    )
    assert expired.contract is None


@pytest.mark.django_db
def test_an_active_contract_is_found_behind_one_that_ends_later_but_has_not_started():
    appliance = ApplianceFactory()
    _contract_for(
        appliance,
        starts_on=TODAY + datetime.timedelta(days=5),
        ends_on=TODAY + datetime.timedelta(days=400),
        number="SC-NEXT",
    )
    active = _contract_for(
        appliance,
        starts_on=TODAY - datetime.timedelta(days=300),
        ends_on=TODAY,
        number="SC-NOW",
    )

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.contract == active
    assert decision.reason == "Covered by contract SC-NOW until 2026-06-01."


@pytest.mark.django_db
def test_a_given_listing_is_held_to_the_customer_and_counts_nothing():
    appliance = ApplianceFactory()
    theirs = ServiceContractFactory(
        starts_on=TODAY - datetime.timedelta(days=1), ends_on=TODAY + datetime.timedelta(days=1)
    )
    mine = ServiceContractFactory(
        customer=appliance.site.customer,
        starts_on=TODAY - datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=1),
        included_visits_per_year=3,
    )

    decision = decide_coverage(
        customer=appliance.site.customer, appliance=appliance, on=TODAY, listing=[theirs, mine]
    )
    not_mine = decide_coverage(
        customer=appliance.site.customer, appliance=appliance, on=TODAY, listing=[theirs]
    )

    assert decision.contract == mine
    assert decision.entitlements.visits_left is None
    assert not_mine.coverage == Ticket.Coverage.BILLABLE
    assert not_mine.reason == "No warranty on record; no contract covers it."


@pytest.mark.django_db
def test_a_decision_and_its_entitlements_are_values_that_cannot_be_changed():
    appliance = ApplianceFactory()
    contract = _contract_for(
        appliance,
        starts_on=TODAY - datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=1),
    )
    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.coverage = Ticket.Coverage.WARRANTY
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.entitlements.parts_included = True
    assert decision.contract == contract


@pytest.mark.django_db
def test_entitlements_count_the_visits_left_unless_told_not_to():
    contract = ServiceContractFactory(
        starts_on=TODAY - datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=1),
        included_visits_per_year=3,
    )

    assert entitlements(contract, TODAY).visits_left == 3
    assert entitlements(contract, TODAY, counted=False).visits_left is None


@pytest.mark.django_db
def test_the_visits_left_are_said_only_when_counted_and_in_the_singular_for_one():
    one = ServiceContractFactory(
        starts_on=TODAY - datetime.timedelta(days=1),
        ends_on=TODAY + datetime.timedelta(days=1),
        included_visits_per_year=1,
        parts_included=True,
    )

    assert entitlements(one, TODAY).lines == [
        "Labour is included.",
        "Parts are included.",
        "1 of 1 included visit left this contract year.",
    ]
    assert entitlements(one, TODAY, counted=False).lines == [
        "Labour is included.",
        "Parts are included.",
    ]


@pytest.mark.django_db
def test_a_refurbished_units_own_warranty_covers_to_its_last_day_in_those_words():
    appliance = ApplianceFactory(
        warranty_until=TODAY - datetime.timedelta(days=400), refurbished_warranty_until=TODAY
    )
    customer = appliance.site.customer

    decision = decide_coverage(customer=customer, appliance=appliance, on=TODAY)
    after = decide_coverage(
        customer=customer, appliance=appliance, on=TODAY + datetime.timedelta(days=1)
    )

    assert decision.coverage == Ticket.Coverage.WARRANTY
    assert decision.reason == "Refurbished unit under the workshop's warranty until 2026-06-01."
    assert after.coverage == Ticket.Coverage.BILLABLE
