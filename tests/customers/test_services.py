import datetime

import pytest

from customers.models import Customer, Site
from customers.services import create_caller, register_appliance, warranty_end
from fieldservice.errors import InvalidInput, LikelyDuplicate
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    CustomerFactory,
    SiteFactory,
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bought", "months", "ends"),
    [
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2025-06-15", 24, "2027-06-15"),
    ],
)
def test_warranty_end_follows_the_model(bought, months, ends):
    model = ApplianceModelFactory(warranty_months=months)

    assert warranty_end(model=model, purchased_on=datetime.date.fromisoformat(bought)) == (
        datetime.date.fromisoformat(ends)
    )


@pytest.mark.django_db
def test_register_appliance_refuses_blank_serial_and_future_purchase():
    site, model = SiteFactory(), ApplianceModelFactory()

    with pytest.raises(InvalidInput, match="serial number"):
        register_appliance(site=site, model=model, serial_number="  ")
    with pytest.raises(InvalidInput, match="future"):
        register_appliance(
            site=site, model=model, serial_number="X1", purchased_on=datetime.date(2099, 1, 1)
        )
    assert not site.appliances.exists()


@pytest.mark.django_db
def test_register_appliance_refuses_a_purchase_before_1980():
    site, model = SiteFactory(), ApplianceModelFactory()

    for slip in (datetime.date(1, 1, 1), datetime.date(1979, 12, 31)):
        with pytest.raises(InvalidInput, match="cannot be before 1980-01-01") as refused:
            register_appliance(site=site, model=model, serial_number="X1", purchased_on=slip)
        assert refused.value.field == "purchased_on"
    oldest = register_appliance(
        site=site, model=model, serial_number="X1", purchased_on=datetime.date(1980, 1, 1)
    )

    assert list(site.appliances.all()) == [oldest]


@pytest.mark.django_db
def test_create_caller_makes_customer_site_and_appliance_at_once():
    model = ApplianceModelFactory(warranty_months=24)

    caller = create_caller(
        name=" Giulia Bianchi ",
        phone="06 1234 5678",
        email="Giulia@Example.com",
        language="it",
        address="Via dei Mille 12",
        city="Bologna",
        postal_code="40121",
        country="it",
        latitude=44.5,
        longitude=11.3,
        model=model,
        serial_number="SN-1",
        purchased_on=datetime.date(2025, 3, 1),
    )

    customer = Customer.objects.get()
    assert caller.customer == customer
    assert (customer.name, str(customer.phone), customer.email, customer.language) == (
        "Giulia Bianchi",
        "+390612345678",
        "giulia@example.com",
        "it",
    )
    assert (caller.site.customer, caller.site.country) == (customer, "IT")
    assert caller.appliance.site == caller.site
    assert caller.appliance.warranty_until == datetime.date(2027, 3, 1)


@pytest.mark.django_db
def test_create_caller_without_an_appliance_makes_the_site_only():
    caller = create_caller(name="Anna", address="Via Po 1", city="Torino", latitude=45, longitude=7)

    assert caller.appliance is None
    assert list(caller.customer.sites.all()) == [caller.site]


@pytest.mark.django_db
def test_create_caller_refuses_a_likely_duplicate_unless_told_to_create_anyway():
    existing = CustomerFactory(name="Old Name", phone="+390612345678")
    new = {"name": "New", "phone": "+39 06 1234 5678", "address": "Via Po 1", "city": "Torino"}

    with pytest.raises(LikelyDuplicate) as refused:
        create_caller(**new, latitude=45, longitude=7)
    assert [m.customer for m in refused.value.matches] == [existing]
    assert Customer.objects.count() == 1

    create_caller(**new, latitude=45, longitude=7, create_anyway=True)
    assert Customer.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"phone": "12"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"address": ""}, "address"),
        ({"country": "ITA"}, "country"),
        ({"language": "xx"}, "language"),
        ({"serial_number": "SN-1"}, "model"),
        ({"latitude": 200}, "latitude"),
    ],
)
def test_create_caller_refuses_bad_input_by_field_and_keeps_nothing(changes, field):
    given = {
        "name": "Anna",
        "address": "Via Po 1",
        "city": "Torino",
        "latitude": 45,
        "longitude": 7,
    } | changes

    with pytest.raises(InvalidInput) as refused:
        create_caller(**given)

    assert refused.value.field == field
    assert not Customer.objects.exists()
    assert not Site.objects.exists()


@pytest.mark.django_db
def test_create_caller_keeps_nothing_when_the_appliance_is_refused():
    model = ApplianceModelFactory()
    ApplianceFactory(model=model, serial_number="SN-TAKEN")

    with pytest.raises(InvalidInput, match="already registered"):
        create_caller(
            name="Anna",
            address="Via Po 1",
            city="Torino",
            latitude=45,
            longitude=7,
            model=model,
            serial_number="SN-TAKEN",
        )

    assert Customer.objects.count() == 1  # the appliance's owner only
    assert Site.objects.count() == 1
