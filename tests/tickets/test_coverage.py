import datetime

import pytest

from tests.factories import ApplianceFactory, ServiceContractFactory, open_ticket
from tickets.coverage import decide_coverage
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
