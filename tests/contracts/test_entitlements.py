import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contracts.services import purchase_hours
from tests.factories import ApplianceFactory, ServiceContractFactory
from tickets.coverage import decide_coverage
from tickets.models import Ticket, Visit

TODAY = datetime.date(2026, 6, 1)


def covered(**kwargs):
    appliance = ApplianceFactory(warranty_until=TODAY - datetime.timedelta(days=1))
    contract = ServiceContractFactory(
        customer=appliance.site.customer,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        **kwargs,
    )
    contract.appliances.add(appliance)
    return appliance, contract


@pytest.mark.django_db
def test_discounted_labour_and_billed_parts_in_words():
    appliance, _contract = covered(labour="discounted", labour_discount_percent=Decimal("25.00"))

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.entitlements.lines == ["Labour is discounted by 25%.", "Parts are billed."]


@pytest.mark.django_db
def test_included_visits_left_count_completed_repair_visits_this_contract_year():
    appliance, contract = covered(included_visits_per_year=3, parts_included=True)
    site = appliance.site
    for kind, finished in (
        ("repair", datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC)),
        ("repair", datetime.datetime(2026, 4, 1, 10, tzinfo=datetime.UTC)),
        ("maintenance", datetime.datetime(2026, 4, 2, 10, tzinfo=datetime.UTC)),  # not counted
        ("repair", datetime.datetime(2025, 12, 1, 10, tzinfo=datetime.UTC)),  # last year
    ):
        ticket = Ticket.objects.create(
            customer=site.customer,
            site=site,
            appliance=appliance,
            kind=kind,
            coverage="contract",
            coverage_reason="-",
            contract=contract,
            description="x",
            sla_due_at=timezone.now(),
            response_due_at=timezone.now(),
        )
        Visit.objects.create(ticket=ticket, status="completed", actual_end=finished)
    Visit.objects.create(ticket=ticket, status="cancelled")  # not done

    decision = decide_coverage(customer=site.customer, appliance=appliance, on=TODAY)

    assert decision.entitlements.visits_left == 1
    assert decision.entitlements.lines == [
        "Labour is included.",
        "Parts are included.",
        "1 of 3 included visits left this contract year.",
    ]


@pytest.mark.django_db
def test_hours_left_in_the_bank_are_shown():
    appliance, contract = covered(hour_bank=True, labour="billable")
    purchase_hours(contract=contract, minutes=195, on=TODAY, note="")

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.entitlements.minutes_left == 195
    assert "3:15 h left in the bank of prepaid hours." in decision.entitlements.lines
    assert "Labour is billed at the price list's rates." in decision.entitlements.lines


@pytest.mark.django_db
def test_a_given_listing_reads_nothing_more(django_assert_num_queries):
    appliance, contract = covered(hour_bank=True, included_visits_per_year=2)

    with django_assert_num_queries(0):
        decision = decide_coverage(
            customer=appliance.site.customer, appliance=appliance, on=TODAY, listing=[contract]
        )

    assert decision.entitlements.visits_left is None
    assert decision.entitlements.minutes_left is None


@pytest.mark.django_db
def test_no_entitlements_outside_a_contract():
    appliance = ApplianceFactory(warranty_until=TODAY)

    decision = decide_coverage(customer=appliance.site.customer, appliance=appliance, on=TODAY)

    assert decision.entitlements is None


@pytest.mark.django_db
def test_no_included_visits_left_once_more_were_made_than_included():
    appliance, contract = covered(included_visits_per_year=1)
    site = appliance.site
    for day in (3, 4):
        ticket = Ticket.objects.create(
            customer=site.customer,
            site=site,
            appliance=appliance,
            kind="repair",
            coverage="contract",
            coverage_reason="-",
            contract=contract,
            description="x",
            sla_due_at=timezone.now(),
            response_due_at=timezone.now(),
        )
        Visit.objects.create(
            ticket=ticket,
            status="completed",
            actual_end=datetime.datetime(2026, 3, day, 10, tzinfo=datetime.UTC),
        )

    decision = decide_coverage(customer=site.customer, appliance=appliance, on=TODAY)

    assert decision.entitlements.visits_left == 0
    assert "0 of 1 included visit left this contract year." in decision.entitlements.lines
