"""A contract's support hours: the SLA clocks of the tickets it covers count in them (around the
clock, or business hours of the calendar or of the contract's own), and its pages show them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.models import ServiceContract
from tests.factories import (
    ApplianceFactory,
    CustomerFactory,
    ServiceContractFactory,
    UserFactory,
    open_ticket,
)
from tickets import services
from tickets.models import BusinessCalendar, Holiday
from tickets.sla import calendar_for

ROME = ZoneInfo("Europe/Rome")
H = datetime.timedelta(hours=1)
FRIDAY_EVENING = datetime.datetime(2026, 6, 5, 17, 0, tzinfo=ROME)
pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    calendar = BusinessCalendar.objects.create(
        name="Office", timezone="Europe/Rome", is_default=True
    )
    Holiday.objects.create(calendar=calendar, date=datetime.date(2026, 6, 8), name="A holiday")
    return calendar


def _covered_ticket(**contract_fields):
    appliance = ApplianceFactory()
    contract = ServiceContractFactory(
        customer=appliance.site.customer, response_hours=4, **contract_fields
    )
    contract.appliances.add(appliance)
    return open_ticket(appliance=appliance, priority=1), contract


def test_around_the_clock_contract_is_due_over_the_weekend(office):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        ticket, _contract = _covered_ticket(
            support_hours=ServiceContract.SupportHours.AROUND_THE_CLOCK
        )

    assert ticket.sla_due_at == FRIDAY_EVENING + 4 * H  # Friday 21:00, a night like any hour
    assert ticket.response_due_at == FRIDAY_EVENING + H


def test_business_hours_contract_waits_for_monday_and_skips_the_holiday(office):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        ticket, _contract = _covered_ticket()

    # One hour on Friday (17-18); Saturday, Sunday and the Monday holiday are closed.
    assert ticket.sla_due_at == datetime.datetime(2026, 6, 9, 11, 0, tzinfo=ROME)


def test_contract_own_opening_times_and_days_count_with_the_calendar_holidays(office):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        ticket, _contract = _covered_ticket(
            support_opens_at=datetime.time(7),
            support_closes_at=datetime.time(20),
            support_weekdays="0,1,2,3,4,5",
        )

    # Friday 17-20 (3 h), Saturday from 07:00 (1 h more).
    assert ticket.sla_due_at == datetime.datetime(2026, 6, 6, 8, 0, tzinfo=ROME)


def test_around_the_clock_ignores_public_holidays(office):
    contract = ServiceContractFactory(support_hours=ServiceContract.SupportHours.AROUND_THE_CLOCK)
    holiday = datetime.datetime(2026, 6, 8, 0, 0, tzinfo=ROME)

    calendar = calendar_for(contract)

    assert calendar.between(holiday, holiday + 24 * H) == 24 * H


def test_resumed_clock_counts_in_the_contract_hours(office):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        ticket, _contract = _covered_ticket(
            support_hours=ServiceContract.SupportHours.AROUND_THE_CLOCK
        )
    paused = FRIDAY_EVENING + H
    services.transition_ticket(ticket=ticket, to="awaiting_customer", by=None, now=paused)

    services.transition_ticket(ticket=ticket, to="triaged", by=None, now=paused + 24 * H)

    ticket.refresh_from_db()
    assert ticket.sla_due_at == paused + 24 * H + 3 * H  # Saturday night, not Tuesday


def test_half_given_opening_times_are_refused():
    contract = ServiceContractFactory.build(support_opens_at=datetime.time(7))

    with pytest.raises(ValidationError, match="both the opening and the closing"):
        contract.full_clean(exclude=["customer"])


def test_weekdays_out_of_range_are_refused():
    contract = ServiceContractFactory.build(support_weekdays="0,7")

    with pytest.raises(ValidationError) as caught:
        contract.full_clean(exclude=["customer"])
    assert "support_weekdays" in caught.value.message_dict


def test_desk_and_portal_contract_pages_show_the_support_hours(dispatcher_client, office):
    contract = ServiceContractFactory(support_hours=ServiceContract.SupportHours.AROUND_THE_CLOCK)
    ServiceContractFactory(
        customer=contract.customer,
        support_opens_at=datetime.time(7),
        support_closes_at=datetime.time(20),
    )

    listing = dispatcher_client.get(reverse("desk:contracts")).content.decode()
    detail = dispatcher_client.get(reverse("desk:contract", args=[contract.pk])).content.decode()

    assert "Around the clock (24/7)" in listing
    assert "Business hours, 07:00\u201320:00" in listing
    assert "Around the clock (24/7)" in detail


def test_portal_contracts_show_the_support_hours(client, office):
    user = UserFactory(role="customer")
    ServiceContractFactory(
        customer=CustomerFactory(user=user),
        support_hours=ServiceContract.SupportHours.AROUND_THE_CLOCK,
    )
    client.force_login(user)

    listing = client.get(reverse("portal:contracts")).content.decode()

    assert "Around the clock (24/7)" in listing
