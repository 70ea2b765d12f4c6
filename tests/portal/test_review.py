"""The booking's review step: a window chosen is shown with what booking it does, the
coverage as the ticket will get it and the prices of billable work; only confirming books."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from fieldservice.money import Money
from tests.factories import ApplianceFactory, ServiceContractFactory, TechnicianFactory
from tests.fieldservice.test_settings_deploy import _manage
from tests.helpers import at
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(client, customer_user):
    client.force_login(customer_user)
    return client


def _job(appliance, **changes):
    return {"kind": "repair", "appliance": appliance.pk, "description": "leaks", **changes}


def test_choosing_a_window_shows_the_contract_cover_and_books_nothing(
    portal, customer_user, next_monday
):
    TechnicianFactory()
    customer = customer_user.contacts.get().customer
    contract = ServiceContractFactory(customer=customer, number="SC-77")
    appliance = ApplianceFactory(site__customer=customer, contract=contract)
    window = at(next_monday + datetime.timedelta(days=7), 10)

    review = portal.get(reverse("portal:book"), _job(appliance, window=window.isoformat()))

    assert review.status_code == 200
    assert "Confirm booking" in review.text
    assert "Covered by contract SC-77" in review.text
    assert 'data-testid="rates"' not in review.text
    assert "You can move or cancel it online up to 24 hours before." in review.text
    assert not Ticket.objects.exists()
    booked = portal.post(reverse("portal:book"), _job(appliance, window=window.isoformat()))
    assert booked.status_code == 302
    assert Ticket.objects.get().coverage == Ticket.Coverage.CONTRACT


def test_billable_work_without_rates_set_says_the_desk_gives_them(portal, customer_user, settings):
    TechnicianFactory()
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "CALLOUT_FEE": None, "HOURLY_RATE": None}
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    window = at(datetime.date.today() + datetime.timedelta(days=9), 10)  # noqa: DTZ011

    review = portal.get(reverse("portal:book"), _job(appliance, window=window.isoformat()))

    assert "Billable" in review.text
    assert "Our desk tells you the call-out fee and the hourly rate" in review.text


def test_a_window_inside_the_cutoff_is_marked_final_before_booking(portal, customer_user, settings):
    TechnicianFactory()
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "CHANGE_CUTOFF_HOURS": 24 * 30}
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)
    window = at(datetime.date.today() + datetime.timedelta(days=9), 10)  # noqa: DTZ011

    review = portal.get(reverse("portal:book"), _job(appliance, window=window.isoformat()))

    assert 'data-testid="final"' in review.text
    assert "once booked it is final" in review.text


def test_reviewing_a_window_that_is_not_offered_says_so_beside_it(portal, customer_user):
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)

    review = portal.get(reverse("portal:book"), _job(appliance, window="3000-01-06T10:00:00+01:00"))

    assert review.status_code == 400
    assert "That window is not offered" in " ".join(review.context["form"].errors["window"])
    assert "Confirm booking" not in review.text


def test_money_is_shown_with_two_decimals_and_its_currency():
    with translation.override("en"):
        assert str(Money(Decimal("45"), "EUR")) == "€45.00"


def test_a_price_setting_that_is_not_an_amount_fails_loudly_naming_it():
    bad = _manage("check", CALLOUT_FEE="forty")
    negative = _manage("check", HOURLY_RATE="-5")
    currency = _manage("check", CURRENCY="euro")
    good = _manage("check", CALLOUT_FEE="45.00", HOURLY_RATE="62.5", CURRENCY="eur")

    assert bad.returncode != 0
    assert "CALLOUT_FEE must be an amount" in bad.stderr
    assert negative.returncode != 0
    assert "HOURLY_RATE must be an amount" in negative.stderr
    assert currency.returncode != 0
    assert "CURRENCY must be an ISO 4217 code" in currency.stderr
    assert good.returncode == 0, good.stderr


@pytest.mark.parametrize(("cutoff_hours", "all_final"), [(24 * 30, True), (0, False)])
def test_windows_inside_the_cutoff_are_marked_final_in_the_list(
    portal, customer_user, settings, cutoff_hours, all_final
):
    TechnicianFactory()
    settings.FIELDSERVICE = {**settings.FIELDSERVICE, "CHANGE_CUTOFF_HOURS": cutoff_hours}
    appliance = ApplianceFactory(site__customer=customer_user.contacts.get().customer)

    page = portal.get(reverse("portal:book"), _job(appliance)).text

    windows = page.count('class="window"')
    assert windows > 0
    assert page.count('data-testid="final-window"') == (windows if all_final else 0)
