import datetime

import pytest

from customers.services import register_appliance, warranty_end
from fieldservice.errors import InvalidInput
from tests.factories import ApplianceModelFactory, SiteFactory


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
